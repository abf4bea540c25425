using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Conclave.Crypto;
using Conclave.Mpc.Storage.Internal;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Conclave.Mpc.Storage;

/// <summary>
/// A root-key provider whose AES-256 key lives in a PKCS#11 token (an HSM, or SoftHSM2 for tests)
/// and never leaves it: wrapping and unwrapping are C_Encrypt / C_Decrypt calls with CKM_AES_GCM.
/// <para>
/// <see cref="Open"/> loads the module, finds the token (slot id or token label), logs in as user and
/// finds the secret key whose CKA_LABEL is <see cref="Pkcs11RootKeyOptions.KeyLabel"/>. If there is
/// none, it generates one on the token: CKK_AES, 32 bytes, CKA_TOKEN, CKA_PRIVATE, CKA_SENSITIVE,
/// not CKA_EXTRACTABLE, usable for encrypt/decrypt and wrap/unwrap. A key that is extractable or not
/// sensitive is refused, as are several keys with the same label and a key that is not AES-256.
/// </para>
/// Wrapped layout (version 1): <c>0x01 | IV (12) | ciphertext (32) | tag (16)</c>; the associated data
/// is <c>"conclave/pkcs11-root-key/wrap/v1\0"</c> followed by the caller's context.
/// <para>
/// PKCS#11 sessions are not safe for concurrent use, so the provider keeps up to
/// <see cref="Pkcs11RootKeyOptions.MaxSessions"/> sessions and lends each to one call at a time.
/// </para>
/// </summary>
[DebuggerDisplay("Pkcs11RootKeyProvider(slot {SlotId}, key {KeyLabel})")]
public sealed class Pkcs11RootKeyProvider : IRootKeyProvider, IDisposable
{
    /// <summary>Bytes in the data keys this provider wraps (and in the AES-256 root key).</summary>
    public const int KeyLength = 32;

    private const byte FormatVersion = 1;
    private const int IvLength = 12;
    private const int TagLength = 16;
    private const int WrappedLength = 1 + IvLength + KeyLength + TagLength;

    private static ReadOnlySpan<byte> WrapLabel => "conclave/pkcs11-root-key/wrap/v1\0"u8;

    private readonly Pkcs11Module _module;
    private readonly ISlot _slot;
    private readonly ISession _loginSession;
    private readonly IObjectHandle _key;
    private readonly ConcurrentBag<ISession> _idle = [];
    private readonly SemaphoreSlim _available;
    private readonly int _maxSessions;
    private readonly List<ISession> _opened = [];
    private bool _disposed;

    private Pkcs11RootKeyProvider(Pkcs11Module module, ISlot slot, ISession loginSession, IObjectHandle key, string keyLabel, int maxSessions)
    {
        _module = module;
        _slot = slot;
        _loginSession = loginSession;
        _key = key;
        KeyLabel = keyLabel;
        _maxSessions = maxSessions;
        _available = new SemaphoreSlim(maxSessions, maxSessions);
        _idle.Add(loginSession);
        _opened.Add(loginSession);
    }

    /// <summary>The PKCS#11 module in use.</summary>
    public string LibraryPath => _module.LibraryPath;

    /// <summary>The slot id of the token.</summary>
    public ulong SlotId => _slot.SlotId;

    /// <summary>CKA_LABEL of the root key.</summary>
    public string KeyLabel { get; }

    /// <summary>
    /// Opens the token and finds (or creates) the root key, as described on the type. Throws
    /// <see cref="InvalidOperationException"/> with a message that names the cause (missing library,
    /// unknown slot, wrong PIN or locked token, unsuitable key) and never the PIN.
    /// </summary>
    public static Pkcs11RootKeyProvider Open(Pkcs11RootKeyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var module = Pkcs11Module.Acquire(options.LibraryPath);
        ISession? session = null;
        ulong? loggedInSlot = null;
        try
        {
            var slot = FindSlot(module, options);
            session = OpenSession(slot);
            module.Login(session, slot.SlotId, options.Pin);
            loggedInSlot = slot.SlotId;
            IObjectHandle key;
            lock (module.KeyGate)
            {
                key = FindOrCreateKey(module, session, slot.SlotId, options.KeyLabel);
            }

            return new Pkcs11RootKeyProvider(module, slot, session, key, options.KeyLabel, options.MaxSessions);
        }
        catch
        {
            if (session is not null)
            {
                if (loggedInSlot is { } slotId)
                {
                    module.Logout(session, slotId);
                }

                CloseQuietly(session);
            }

            module.Release();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask<byte[]> WrapAsync(SecretBytes dataKey, ReadOnlyMemory<byte> context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataKey);
        if (dataKey.Length != KeyLength)
        {
            throw new ArgumentException($"A data key is {KeyLength} bytes.", nameof(dataKey));
        }

        var session = await RentAsync(cancellationToken).ConfigureAwait(false);
        var plaintext = GC.AllocateArray<byte>(KeyLength, pinned: true);
        try
        {
            var iv = RandomNumberGenerator.GetBytes(IvLength);
            dataKey.Span.CopyTo(plaintext);
            byte[] sealedKey;
            using (var parameters = _module.Factories.MechanismParamsFactory.CreateCkGcmParams(iv, IvLength * 8, AssociatedData(context.Span), TagLength * 8))
            using (var mechanism = _module.Factories.MechanismFactory.Create(CKM.CKM_AES_GCM, parameters))
            {
                try
                {
                    sealedKey = session.Encrypt(mechanism, _key, plaintext);
                }
                catch (Pkcs11Exception e)
                {
                    throw new CryptographicException($"The HSM could not wrap the data key with root key '{KeyLabel}' in slot {SlotId} ({e.RV}).", e);
                }
            }

            if (sealedKey.Length != KeyLength + TagLength)
            {
                throw new CryptographicException($"The HSM returned {sealedKey.Length} bytes for AES-GCM over a {KeyLength}-byte key; expected {KeyLength + TagLength}.");
            }

            var wrapped = new byte[WrappedLength];
            wrapped[0] = FormatVersion;
            iv.CopyTo(wrapped, 1);
            sealedKey.CopyTo(wrapped, 1 + IvLength);
            return wrapped;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
            Return(session);
        }
    }

    /// <inheritdoc />
    public async ValueTask<SecretBytes> UnwrapAsync(ReadOnlyMemory<byte> wrappedKey, ReadOnlyMemory<byte> context, CancellationToken cancellationToken = default)
    {
        if (wrappedKey.Length != WrappedLength || wrappedKey.Span[0] != FormatVersion)
        {
            throw new CryptographicException($"The wrapped data key is malformed (expected {WrappedLength} bytes of format version {FormatVersion}).");
        }

        var session = await RentAsync(cancellationToken).ConfigureAwait(false);
        byte[]? plaintext = null;
        try
        {
            var iv = wrappedKey.Span.Slice(1, IvLength).ToArray();
            var sealedKey = wrappedKey.Span[(1 + IvLength)..].ToArray();
            using (var parameters = _module.Factories.MechanismParamsFactory.CreateCkGcmParams(iv, IvLength * 8, AssociatedData(context.Span), TagLength * 8))
            using (var mechanism = _module.Factories.MechanismFactory.Create(CKM.CKM_AES_GCM, parameters))
            {
                try
                {
                    plaintext = session.Decrypt(mechanism, _key, sealedKey);
                }
                catch (Pkcs11Exception e) when (IsAuthenticationFailure(e.RV))
                {
                    throw new CryptographicException(
                        $"The data key could not be unwrapped with root key '{KeyLabel}' in HSM slot {SlotId}: that is not the root key it was wrapped with, or the wrapped key or its context was altered ({e.RV}).");
                }
                catch (Pkcs11Exception e)
                {
                    throw new CryptographicException($"The HSM could not unwrap the data key with root key '{KeyLabel}' in slot {SlotId} ({e.RV}).", e);
                }
            }

            if (plaintext.Length != KeyLength)
            {
                throw new CryptographicException($"The HSM returned {plaintext.Length} bytes when unwrapping a {KeyLength}-byte data key.");
            }

            return SecretBytes.Copy(plaintext);
        }
        finally
        {
            if (plaintext is not null)
            {
                CryptographicOperations.ZeroMemory(plaintext);
            }

            Return(session);
        }
    }

    /// <summary>Waits for calls in progress, logs out (if last on the token), closes the sessions and releases the module.</summary>
    public void Dispose()
    {
        lock (_opened)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        for (var i = 0; i < _maxSessions; i++)
        {
            _available.Wait();
        }

        try
        {
            _module.Logout(_loginSession, SlotId);
        }
        finally
        {
            foreach (var session in _opened)
            {
                CloseQuietly(session);
            }

            _opened.Clear();
            _available.Dispose();
            _module.Release();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"Pkcs11RootKeyProvider({LibraryPath}, slot {SlotId}, key {KeyLabel})";

    private static ISlot FindSlot(Pkcs11Module module, Pkcs11RootKeyOptions options)
    {
        var slots = module.Library.GetSlotList(SlotsType.WithTokenPresent);
        var wantedId = options.SlotId;
        foreach (var slot in slots)
        {
            if (wantedId is { } id ? slot.SlotId == id : slot.GetTokenInfo().Label.Trim() == options.Slot)
            {
                return slot;
            }
        }

        var known = string.Join(", ", slots.Select(s => $"{s.SlotId} ('{s.GetTokenInfo().Label.Trim()}')"));
        throw new InvalidOperationException(
            $"No HSM token with {(wantedId is null ? "label" : "slot id")} '{options.Slot}' in '{options.LibraryPath}' (check {Pkcs11RootKeyOptions.SlotVariable}); slots with a token: {(known.Length == 0 ? "none" : known)}.");
    }

    private static ISession OpenSession(ISlot slot)
    {
        try
        {
            return slot.OpenSession(SessionType.ReadWrite);
        }
        catch (Pkcs11Exception e)
        {
            throw new InvalidOperationException($"Could not open a read-write session on HSM slot {slot.SlotId} ({e.RV}).", e);
        }
    }

    private static IObjectHandle FindOrCreateKey(Pkcs11Module module, ISession session, ulong slotId, string label)
    {
        var attributes = module.Factories.ObjectAttributeFactory;
        var found = session.FindAllObjects(
        [
            attributes.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            attributes.Create(CKA.CKA_LABEL, label),
        ]);
        if (found.Count > 1)
        {
            throw new InvalidOperationException($"HSM slot {slotId} holds {found.Count} secret keys labelled '{label}'; the root key label must name exactly one key.");
        }

        if (found.Count == 1)
        {
            CheckKey(session, found[0], slotId, label);
            return found[0];
        }

        try
        {
            using var mechanism = module.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN);
            return session.GenerateKey(mechanism,
            [
                attributes.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
                attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
                attributes.Create(CKA.CKA_VALUE_LEN, (ulong)KeyLength),
                attributes.Create(CKA.CKA_LABEL, label),
                attributes.Create(CKA.CKA_TOKEN, true),
                attributes.Create(CKA.CKA_PRIVATE, true),
                attributes.Create(CKA.CKA_SENSITIVE, true),
                attributes.Create(CKA.CKA_EXTRACTABLE, false),
                attributes.Create(CKA.CKA_MODIFIABLE, false),
                attributes.Create(CKA.CKA_ENCRYPT, true),
                attributes.Create(CKA.CKA_DECRYPT, true),
                attributes.Create(CKA.CKA_WRAP, true),
                attributes.Create(CKA.CKA_UNWRAP, true),
            ]);
        }
        catch (Pkcs11Exception e)
        {
            throw new InvalidOperationException($"Could not generate the AES-256 root key '{label}' on HSM slot {slotId} ({e.RV}).", e);
        }
    }

    private static void CheckKey(ISession session, IObjectHandle key, ulong slotId, string label)
    {
        var values = session.GetAttributeValue(key, [CKA.CKA_KEY_TYPE, CKA.CKA_VALUE_LEN, CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE, CKA.CKA_ENCRYPT, CKA.CKA_DECRYPT]);
        var keyType = values[0].GetValueAsUlong();
        var length = values[1].GetValueAsUlong();
        if (keyType != (ulong)CKK.CKK_AES || length != KeyLength)
        {
            throw new InvalidOperationException($"Refusing root key '{label}' on HSM slot {slotId}: it is not an AES-256 key (key type 0x{keyType:x}, {length} bytes).");
        }

        if (!values[2].GetValueAsBool() || values[3].GetValueAsBool())
        {
            throw new InvalidOperationException(
                $"Refusing root key '{label}' on HSM slot {slotId}: it is {(values[3].GetValueAsBool() ? "extractable" : "not sensitive")}. A root key that can leave the HSM is not a root key: generate a new one (CKA_SENSITIVE=true, CKA_EXTRACTABLE=false) under another label, or let the provider create it.");
        }

        if (!values[4].GetValueAsBool() || !values[5].GetValueAsBool())
        {
            throw new InvalidOperationException($"Refusing root key '{label}' on HSM slot {slotId}: it does not allow both encryption and decryption (CKA_ENCRYPT, CKA_DECRYPT).");
        }
    }

    /// <summary>
    /// How tokens report a GCM tag mismatch. The standard answer is CKR_ENCRYPTED_DATA_INVALID (or a
    /// length error), but SoftHSM2 answers CKR_GENERAL_ERROR. With a key and session that just worked
    /// for the same mechanism, a general error in C_Decrypt is read as a failed check too.
    /// </summary>
    private static bool IsAuthenticationFailure(CKR rv) =>
        rv is CKR.CKR_ENCRYPTED_DATA_INVALID or CKR.CKR_ENCRYPTED_DATA_LEN_RANGE or CKR.CKR_DATA_INVALID or CKR.CKR_DATA_LEN_RANGE or CKR.CKR_GENERAL_ERROR;

    private static byte[] AssociatedData(ReadOnlySpan<byte> context)
    {
        var associatedData = new byte[WrapLabel.Length + context.Length];
        WrapLabel.CopyTo(associatedData);
        context.CopyTo(associatedData.AsSpan(WrapLabel.Length));
        return associatedData;
    }

    private static void CloseQuietly(ISession session)
    {
        try
        {
            session.Dispose();
        }
        catch (Pkcs11Exception)
        {
        }
    }

    private async ValueTask<ISession> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_idle.TryTake(out var session))
            {
                return session;
            }

            session = OpenSession(_slot); // logged in already: the login holds for every session of the process
            lock (_opened)
            {
                _opened.Add(session);
            }

            return session;
        }
        catch
        {
            _available.Release();
            throw;
        }
    }

    private void Return(ISession session)
    {
        _idle.Add(session);
        _available.Release();
    }
}

using System.Security.Cryptography;
using Conclave.Crypto;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Conclave.Mpc.Storage.Internal;

/// <summary>
/// One loaded PKCS#11 module, shared by every provider in the process that names the same library.
/// <para>
/// PKCS#11 state is per process, not per object: C_Initialize and C_Finalize are process-wide, and
/// a login holds for every session the process has on that token. So two providers on one module
/// must share one initialization (finalized when the last one goes) and one login per slot (logged
/// out when the last one goes). This is the one piece of static state in the provider, and it
/// mirrors state the module itself keeps per process.
/// </para>
/// A second login on a slot that is already logged in is not sent to the token (it would answer
/// CKR_USER_ALREADY_LOGGED_IN whatever the PIN); its PIN is compared, in fixed time, with a SHA-256
/// of the PIN of the first login, so a wrong PIN is refused in both cases.
/// </summary>
internal sealed class Pkcs11Module
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, Pkcs11Module> Loaded = new(StringComparer.Ordinal);

    private readonly Dictionary<ulong, SlotLogin> _logins = [];
    private int _references;

    private Pkcs11Module(string libraryPath, IPkcs11Library library)
    {
        LibraryPath = libraryPath;
        Library = library;
    }

    public string LibraryPath { get; }

    public IPkcs11Library Library { get; }

    public Pkcs11InteropFactories Factories { get; } = new();

    /// <summary>Held while creating or checking keys, so that two providers do not both generate one.</summary>
    public Lock KeyGate { get; } = new();

    /// <summary>Loads and initializes the module, or takes another reference to the loaded one.</summary>
    public static Pkcs11Module Acquire(string libraryPath)
    {
        LibdlResolver.EnsureRegistered();
        lock (Gate)
        {
            if (!Loaded.TryGetValue(libraryPath, out var module))
            {
                if (!File.Exists(libraryPath))
                {
                    throw new InvalidOperationException($"The PKCS#11 library '{libraryPath}' does not exist (check {Pkcs11RootKeyOptions.LibraryPathVariable}).");
                }

                var factories = new Pkcs11InteropFactories();
                IPkcs11Library library;
                try
                {
                    library = factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, libraryPath, AppType.MultiThreaded);
                }
                catch (Exception e) when (e is UnmanagedException or Pkcs11Exception or DllNotFoundException)
                {
                    throw new InvalidOperationException($"The PKCS#11 library '{libraryPath}' could not be loaded and initialized: {e.Message}", e);
                }

                module = new Pkcs11Module(libraryPath, library);
                Loaded.Add(libraryPath, module);
            }

            module._references++;
            return module;
        }
    }

    /// <summary>Drops a reference; the last one finalizes and unloads the module.</summary>
    public void Release()
    {
        lock (Gate)
        {
            if (--_references > 0)
            {
                return;
            }

            Loaded.Remove(LibraryPath);
            foreach (var login in _logins.Values)
            {
                login.PinHash.Dispose();
            }

            _logins.Clear();
            Library.Dispose();
        }
    }

    /// <summary>
    /// Logs the process in as user on <paramref name="slotId"/> through <paramref name="session"/>,
    /// or checks the PIN against the existing login. Every successful call needs one <see cref="Logout"/>.
    /// </summary>
    public void Login(ISession session, ulong slotId, string pin)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(pin);
        var pinBytes = GC.AllocateArray<byte>(System.Text.Encoding.UTF8.GetByteCount(pin), pinned: true);
        Span<byte> pinHash = stackalloc byte[SHA256.HashSizeInBytes];
        try
        {
            System.Text.Encoding.UTF8.GetBytes(pin, pinBytes);
            SHA256.HashData(pinBytes, pinHash);
            lock (Gate)
            {
                if (_logins.TryGetValue(slotId, out var existing))
                {
                    if (!CryptographicOperations.FixedTimeEquals(existing.PinHash.Span, pinHash))
                    {
                        throw WrongPin(slotId, null);
                    }

                    existing.Count++;
                    return;
                }

                try
                {
                    session.Login(CKU.CKU_USER, pinBytes);
                }
                catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
                {
                    // Logged in by code in this process that bypasses this registry: cannot check the PIN here.
                    throw new InvalidOperationException($"HSM slot {slotId} is already logged in by other code in this process; the root key provider must own the login.", e);
                }
                catch (Pkcs11Exception e) when (e.RV is CKR.CKR_PIN_INCORRECT or CKR.CKR_PIN_LOCKED or CKR.CKR_PIN_INVALID or CKR.CKR_PIN_LEN_RANGE or CKR.CKR_PIN_EXPIRED)
                {
                    throw WrongPin(slotId, e.RV);
                }
                catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_PIN_NOT_INITIALIZED)
                {
                    throw new InvalidOperationException($"HSM login failed for slot {slotId}: the token's user PIN was never initialized.", e);
                }

                _logins.Add(slotId, new SlotLogin(SecretBytes.Copy(pinHash)));
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pinBytes);
            CryptographicOperations.ZeroMemory(pinHash);
        }
    }

    /// <summary>Undoes one <see cref="Login"/>; the last one logs the token out.</summary>
    public void Logout(ISession session, ulong slotId)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (Gate)
        {
            if (!_logins.TryGetValue(slotId, out var login) || --login.Count > 0)
            {
                return;
            }

            _logins.Remove(slotId);
            login.PinHash.Dispose();
            try
            {
                session.Logout();
            }
            catch (Pkcs11Exception e) when (e.RV is CKR.CKR_USER_NOT_LOGGED_IN or CKR.CKR_SESSION_HANDLE_INVALID or CKR.CKR_SESSION_CLOSED)
            {
            }
        }
    }

    private static InvalidOperationException WrongPin(ulong slotId, CKR? rv) =>
        new(rv is null
            ? $"HSM login failed for slot {slotId}: wrong PIN or locked token."
            : $"HSM login failed for slot {slotId}: wrong PIN or locked token ({rv}).");

    private sealed class SlotLogin(SecretBytes pinHash)
    {
        public SecretBytes PinHash { get; } = pinHash;

        public int Count { get; set; } = 1;
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Conclave.Threshold;
using NSec.Cryptography;

namespace Conclave.Mpc.Transport;

/// <summary>
/// Opens envelopes (<see cref="EnvelopeSealer"/>) addressed to one node. An envelope is accepted
/// only if it parses, its sender is listed in the verified <see cref="ClusterMembership"/>, it is
/// addressed to this node, its session is active here, the sender's listed Ed25519 key verifies its
/// signature (checked before any decryption), it decrypts, and its sequence is new and within
/// <see cref="ReplayWindowSize"/> of the highest sequence accepted from that sender in that
/// session. Anything else is dropped and counted under its <see cref="DropReason"/>; bad input
/// never throws. Thread-safe.
/// </summary>
/// <remarks>
/// Closing a session forgets its replay windows, so a closed session cannot be added again
/// (otherwise its old envelopes would replay); session ids are fresh per request.
/// </remarks>
public sealed class EnvelopeOpener
{
    /// <summary>How far behind the highest accepted sequence a sequence may be (per session and sender).</summary>
    public const int ReplayWindowSize = ReplayWindow.Size;

    private static readonly DropReason[] Reasons = [.. Enum.GetValues<DropReason>().Where(r => r != DropReason.None)];

    private readonly NodeIdentity _identity;
    private readonly ClusterMembership _membership;
    private readonly ConcurrentDictionary<SessionId, SessionReplayState> _active = new();
    private readonly ConcurrentDictionary<SessionId, byte> _closed = new();
    private readonly long[] _drops = new long[Reasons.Max(r => (int)r) + 1];
    private long _opened;

    /// <summary>Creates the opener for <paramref name="identity"/>, which must be listed (with the same keys) in <paramref name="membership"/>.</summary>
    /// <exception cref="ArgumentException">This node is not in the membership, or with other keys.</exception>
    public EnvelopeOpener(NodeIdentity identity, ClusterMembership membership)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(membership);
        if (!membership.Contains(identity.PublicIdentity))
        {
            throw new ArgumentException($"Node {identity.NodeId} is not listed in the membership with these keys.", nameof(identity));
        }

        _identity = identity;
        _membership = membership;
    }

    /// <summary>This node's id.</summary>
    public string NodeId => _identity.NodeId;

    /// <summary>Number of envelopes opened.</summary>
    public long OpenedCount => Interlocked.Read(ref _opened);

    /// <summary>A snapshot of the drop counters, one entry per <see cref="DropReason"/> except <see cref="DropReason.None"/>.</summary>
    public IReadOnlyDictionary<DropReason, long> DropCounts => Reasons.ToDictionary(r => r, r => Interlocked.Read(ref _drops[(int)r]));

    /// <summary>Activates a session so its envelopes are accepted.</summary>
    /// <returns><see langword="false"/> if it was already active.</returns>
    /// <exception cref="InvalidOperationException">The session was closed before (closed sessions stay closed).</exception>
    public bool AddSession(SessionId session)
    {
        if (session.Bytes.IsEmpty)
        {
            throw new ArgumentException("The session id is the default value.", nameof(session));
        }

        if (_closed.ContainsKey(session))
        {
            throw new InvalidOperationException($"Session {session} was closed; a closed session cannot be reopened.");
        }

        return _active.TryAdd(session, new SessionReplayState());
    }

    /// <summary>Closes a session: its envelopes are dropped as <see cref="DropReason.ForeignSession"/> from now on.</summary>
    /// <returns><see langword="false"/> if it was not active.</returns>
    public bool CloseSession(SessionId session)
    {
        _closed.TryAdd(session, 0);
        if (_active.TryRemove(session, out var state))
        {
            state.Close();
            return true;
        }

        return false;
    }

    /// <summary>Whether <paramref name="session"/> is active.</summary>
    public bool IsActive(SessionId session) => _active.ContainsKey(session);

    /// <summary>Authenticates, decrypts and replay-checks an envelope.</summary>
    /// <param name="envelope">The envelope bytes as received.</param>
    /// <param name="message">The opened message (dispose it to wipe the payload), or <see langword="null"/>.</param>
    /// <param name="reason"><see cref="DropReason.None"/>, or why it was dropped.</param>
    /// <returns>Whether the envelope was accepted.</returns>
    public bool TryOpen(ReadOnlySpan<byte> envelope, [NotNullWhen(true)] out OpenedMessage? message, out DropReason reason)
    {
        reason = TryOpenCore(envelope, out message);
        if (message is not null)
        {
            Interlocked.Increment(ref _opened);
            return true;
        }

        Interlocked.Increment(ref _drops[(int)reason]);
        return false;
    }

    private DropReason TryOpenCore(ReadOnlySpan<byte> envelope, out OpenedMessage? message)
    {
        message = null;
        var reason = EnvelopeFormat.TryReadHeader(envelope, out var header);
        if (reason != DropReason.None)
        {
            return reason;
        }

        var ciphertextLength = envelope.Length - header.Length - EnvelopeFormat.Overhead;
        if (ciphertextLength < 0 || ciphertextLength > EnvelopeFormat.MaxPayloadLength)
        {
            return DropReason.Malformed;
        }

        if (!_membership.TryGetMember(header.Sender, out var sender))
        {
            return DropReason.UnknownSender;
        }

        if (!string.Equals(header.Recipient, _identity.NodeId, StringComparison.Ordinal))
        {
            return DropReason.WrongRecipient;
        }

        if (!_active.TryGetValue(header.Session, out var session))
        {
            return DropReason.ForeignSession;
        }

        if (!EnvelopeFormat.Verify(sender.Identity, envelope))
        {
            return DropReason.BadSignature;
        }

        // Authenticated from here on, so creating per-sender state is bounded by the membership.
        var window = session.WindowFor(header.Sender);
        reason = window.Check(header.Sequence);
        if (reason != DropReason.None)
        {
            return reason;
        }

        var plaintext = GC.AllocateArray<byte>(ciphertextLength, pinned: true);
        if (!TryDecrypt(envelope, header.Length, plaintext))
        {
            return DropReason.DecryptionFailed;
        }

        reason = window.TryAccept(header.Sequence);
        if (reason != DropReason.None)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            return reason;
        }

        message = new OpenedMessage(header.Session, header.Round, header.Sender, header.Recipient, header.Sequence, plaintext);
        return DropReason.None;
    }

    private bool TryDecrypt(ReadOnlySpan<byte> envelope, int headerLength, Span<byte> plaintext)
    {
        var header = envelope[..headerLength];
        var rest = envelope[headerLength..^EnvelopeFormat.SignatureLength];
        var ephemeralPublic = rest[..EnvelopeFormat.EphemeralKeyLength];
        var nonce = rest.Slice(EnvelopeFormat.EphemeralKeyLength, EnvelopeFormat.NonceLength);
        var ciphertext = rest.Slice(EnvelopeFormat.EphemeralKeyLength + EnvelopeFormat.NonceLength, plaintext.Length);
        var tag = rest[^EnvelopeFormat.TagLength..];

        if (!PublicKey.TryImport(KeyAgreementAlgorithm.X25519, ephemeralPublic, KeyBlobFormat.RawPublicKey, out var ephemeral))
        {
            return false;
        }

        using var shared = KeyAgreementAlgorithm.X25519.Agree(_identity.AgreementKey, ephemeral!);
        if (shared is null)
        {
            return false; // low-order ephemeral point: no shared secret
        }

        Span<byte> key = stackalloc byte[EnvelopeFormat.KeyLength];
        try
        {
            EnvelopeFormat.DeriveKey(shared, ephemeralPublic, _identity.PublicIdentity.AgreementPublicKey, header, key);
            using var aes = new AesGcm(key, EnvelopeFormat.TagLength);
            aes.Decrypt(nonce, ciphertext, tag, plaintext, header);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}

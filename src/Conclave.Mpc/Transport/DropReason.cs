namespace Conclave.Mpc.Transport;

/// <summary>
/// Why <see cref="EnvelopeOpener.TryOpen"/> dropped an envelope. The opener counts every drop by
/// reason (<see cref="EnvelopeOpener.DropCounts"/>). The checks run in the order of this enum,
/// except that a cheap replay/window pre-check runs before decryption; an envelope is counted once,
/// under the first check it fails.
/// </summary>
public enum DropReason
{
    /// <summary>Not dropped: the envelope was opened.</summary>
    None = 0,

    /// <summary>Truncated, a length out of range, a bad id, or a payload over the limit.</summary>
    Malformed,

    /// <summary>The version byte is not one this build reads.</summary>
    UnsupportedVersion,

    /// <summary>The claimed sender is not in the cluster membership.</summary>
    UnknownSender,

    /// <summary>The envelope is addressed to another node.</summary>
    WrongRecipient,

    /// <summary>The session is not active on this node (unknown, or already closed).</summary>
    ForeignSession,

    /// <summary>The signature does not verify with the claimed sender's listed Ed25519 key (forged or tampered).</summary>
    BadSignature,

    /// <summary>Signed by the sender, but AES-256-GCM authentication failed (not encrypted to this node's key, or a faulty sender).</summary>
    DecryptionFailed,

    /// <summary>This (session, sender, sequence) was already accepted.</summary>
    Replay,

    /// <summary>The sequence is <see cref="EnvelopeOpener.ReplayWindowSize"/> or more behind the highest accepted from that sender in that session.</summary>
    OutOfWindow,
}

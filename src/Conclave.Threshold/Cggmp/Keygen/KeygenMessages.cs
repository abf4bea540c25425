using Conclave.Crypto;
using Conclave.Crypto.Groups;
using Conclave.Threshold.Frost.Keys;

namespace Conclave.Threshold.Cggmp.Keygen;

/// <summary>Round 1 broadcast: the hash commitment V_i to everything revealed in round 3.</summary>
public sealed record KeygenCommitMessage(SessionId Session, ParticipantId Sender, byte[] Commitment)
    : ProtocolMessage(Session, Sender, 1);

/// <summary>
/// Round 2 broadcast (reliability check): the round-1 commitments this party received, in
/// participant order. Comparing echoes detects a party that sent different commitments to
/// different parties (equivocation) before anything is revealed.
/// </summary>
public sealed record KeygenEchoMessage(SessionId Session, ParticipantId Sender, IReadOnlyList<byte[]> Commitments)
    : ProtocolMessage(Session, Sender, 2);

/// <summary>Round 3 broadcast: the decommitment (rid_i, the VSS commitment S_i, the Schnorr commitment A_i, the nonce u_i).</summary>
public sealed record KeygenRevealMessage(SessionId Session, ParticipantId Sender, byte[] Rid, VssCommitment Coefficients, Element SchnorrCommitment, byte[] Nonce)
    : ProtocolMessage(Session, Sender, 3);

/// <summary>
/// Round 3 point-to-point: the secret share σ_{i,j} = f_i(j). Secret: send it only over an
/// encrypted channel; a class (not a record) so it has no value equality or printed contents.
/// </summary>
public sealed class KeygenShareMessage : IProtocolMessage, IDisposable
{
    private readonly SecretBytes _share;

    /// <summary>Creates the message (copies the share).</summary>
    public KeygenShareMessage(SessionId session, ParticipantId sender, ParticipantId recipient, ReadOnlySpan<byte> share)
    {
        Session = session;
        Sender = sender;
        Recipient = recipient;
        _share = SecretBytes.Copy(share);
    }

    /// <inheritdoc />
    public SessionId Session { get; }

    /// <inheritdoc />
    public ParticipantId Sender { get; }

    /// <summary>The recipient.</summary>
    public ParticipantId Recipient { get; }

    /// <inheritdoc />
    public int Round => 3;

    /// <summary>The length of the share in bytes (a secp256k1 scalar: 32).</summary>
    public int ShareLength => _share.Span.Length;

    internal ReadOnlySpan<byte> Share => _share.Span;

    /// <summary>
    /// Copies the secret share into <paramref name="destination"/> (exactly <see cref="ShareLength"/>
    /// bytes), for a transport that encrypts it to the recipient; the caller wipes its copy.
    /// </summary>
    public void CopyShareTo(Span<byte> destination)
    {
        if (destination.Length != _share.Span.Length)
        {
            throw new ArgumentException($"The destination must have {_share.Span.Length} bytes.", nameof(destination));
        }

        _share.Span.CopyTo(destination);
    }

    /// <summary>Wipes the share.</summary>
    public void Dispose() => _share.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"KeygenShareMessage({Sender} -> {Recipient}, <redacted>)";
}

/// <summary>Round 4 broadcast: the Schnorr response ψ_i proving knowledge of x_i with X_i = x_i·G.</summary>
public sealed record KeygenProofMessage(SessionId Session, ParticipantId Sender, byte[] Response)
    : ProtocolMessage(Session, Sender, 4);

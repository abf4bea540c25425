using Conclave.Crypto.Signatures;
using Conclave.Threshold;
using Conclave.Threshold.Cggmp.Presign;

namespace Conclave.Mpc.Sessions;

/// <summary>
/// One signer's part in a one-round CGGMP21 signing from a stored presignature
/// (docs/design/cggmp-sessions.md, "Pooled presignatures"): the signer computes its partial
/// signature through the <see cref="IPresignatureLedger"/> (the id is recorded durably first, and
/// the presignature is consumed), sends it to every other signer in the one messenger round, and
/// combines and verifies the signature itself. A wrong partial signature names its sender
/// (<see cref="CggmpSigning.Combine"/> checks σ_j·Γ = m·Δ_j + r·S_j for each).
/// </summary>
/// <remarks>
/// The caller is responsible for CVE-2025-66017: <paramref name="messageHash"/> must be a digest
/// this node computed itself from the request's message, never a caller-supplied hash, since R was
/// known before the message. The presignature is used only with exactly its own signer set.
/// </remarks>
public sealed class CggmpPresignedSigningSession
{
    internal const int PartialSignatureRound = 1;

    private readonly SessionMessenger _messenger;
    private readonly IReadOnlyList<string> _participants;
    private readonly List<string> _signers;
    private readonly Presignature _presignature;
    private readonly byte[] _messageHash;
    private readonly IPresignatureLedger _ledger;
    private readonly TimeSpan _roundTimeout;

    /// <summary>Prepares the session; nothing is sent until <see cref="RunAsync"/>.</summary>
    /// <param name="messenger">This node's messenger for the session.</param>
    /// <param name="participants">The key's participants (node ids, in participant order: id j is <c>participants[j - 1]</c>).</param>
    /// <param name="signers">The signing nodes, this node included: exactly the presignature's signer set.</param>
    /// <param name="presignature">This node's presignature (owned: consumed or disposed by <see cref="RunAsync"/>).</param>
    /// <param name="messageHash">The 32-byte digest this node computed from the message.</param>
    /// <param name="ledger">The single-use record of presignatures.</param>
    /// <param name="roundTimeout">How long the round waits for the other signers.</param>
    public CggmpPresignedSigningSession(SessionMessenger messenger, IReadOnlyList<string> participants, IEnumerable<string> signers, Presignature presignature, ReadOnlySpan<byte> messageHash, IPresignatureLedger ledger, TimeSpan roundTimeout)
    {
        ArgumentNullException.ThrowIfNull(messenger);
        ArgumentNullException.ThrowIfNull(participants);
        ArgumentNullException.ThrowIfNull(presignature);
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(roundTimeout, TimeSpan.Zero);
        if (messageHash.Length != 32)
        {
            throw new ArgumentException("The message hash is 32 bytes.", nameof(messageHash));
        }

        _signers = SessionParticipants.Canonical(signers, messenger.NodeId, nameof(signers));
        var ids = _signers.Select(s => SessionParticipants.IdOf(participants, s)).Order().ToList();
        if (!ids.SequenceEqual(presignature.Signers) || presignature.Self != SessionParticipants.IdOf(participants, messenger.NodeId))
        {
            throw new ArgumentException("The signers are not exactly the presignature's signer set, or the presignature is another signer's.", nameof(signers));
        }

        _messenger = messenger;
        _participants = participants;
        _presignature = presignature;
        _messageHash = messageHash.ToArray();
        _ledger = ledger;
        _roundTimeout = roundTimeout;
    }

    /// <summary>Signs, exchanges partial signatures, and returns the verified signature.</summary>
    /// <exception cref="ProtocolAbortException">A signer sent a wrong or malformed partial signature; the culprits are named.</exception>
    /// <exception cref="SessionTimeoutException">A signer did not deliver in time.</exception>
    /// <exception cref="InvalidOperationException">The ledger refused the presignature (already used).</exception>
    public async Task<EcdsaSignature> RunAsync(CancellationToken cancellationToken = default)
    {
        var others = _signers.Where(s => !string.Equals(s, _messenger.NodeId, StringComparison.Ordinal)).ToList();
        using (_presignature)
        {
            var publicData = _presignature.PublicData;
            var own = CggmpSigning.PartialSign(_presignature, _messageHash, _ledger);
            await _messenger.SendToAllAsync(others, PartialSignatureRound, CggmpPayload.Encode(own), cancellationToken).ConfigureAwait(false);
            var partials = await SessionPayload.ReceiveAllAsync(
                _messenger, PartialSignatureRound, others, _roundTimeout, s => SessionParticipants.IdOf(_participants, s), CggmpPayload.PartialSignature,
                (id, body) => CggmpPayload.DecodePartialSignature(body, id), cancellationToken).ConfigureAwait(false);

            var signature = CggmpSigning.Combine(publicData, [.. partials, own], _messageHash);
            if (!EcdsaSecp256k1.VerifyCompact(Conclave.Crypto.Groups.Secp256k1Group.Instance.SerializeElement(publicData.PublicKey), _messageHash, signature.ToCompact()))
            {
                throw new InternalInvariantException("The combined signature does not verify under the group key.");
            }

            return signature;
        }
    }
}

using Conclave.Crypto.Signatures;
using Conclave.Threshold;
using Conclave.Threshold.Cggmp.Presign;

namespace Conclave.Mpc.Sessions;

/// <summary>
/// One signer's part in a CGGMP21 signing session over sealed envelopes, without a coordinator
/// (docs/design/cggmp-sessions.md): a fresh presignature is made by the signers
/// (<see cref="CggmpPresignSession"/>, messenger rounds 1–3), this signer
/// computes its partial signature through the <see cref="IPresignatureLedger"/>
/// (<see cref="CggmpSigning.PartialSign(Presignature, ReadOnlySpan{byte}, IPresignatureLedger)"/>,
/// which consumes the presignature) and sends it to every other signer in round 4, and every signer
/// combines and verifies the signature itself.
/// </summary>
/// <remarks>
/// Participant ids are the key's (<see cref="CggmpKeygenResult.ParticipantIdOf"/>), not positions
/// among the signers. Every signer must be given the same signer set and message hash.
/// </remarks>
public sealed class CggmpSigningSession
{
    internal const int PresignRound1 = CggmpPresignSession.Round1;
    internal const int PresignRound2 = CggmpPresignSession.Round2;
    internal const int PresignRound3 = CggmpPresignSession.Round3;
    internal const int PartialSignatureRound = 4;

    private readonly SessionMessenger _messenger;
    private readonly CggmpKeygenResult _key;
    private readonly List<string> _signers;
    private readonly byte[] _messageHash;
    private readonly IPresignatureLedger _ledger;
    private readonly TimeSpan _roundTimeout;

    /// <summary>Prepares the session; nothing is sent until <see cref="RunAsync"/>.</summary>
    /// <param name="messenger">This node's messenger for the session.</param>
    /// <param name="key">This node's key (not owned; not disposed here).</param>
    /// <param name="signers">The signing nodes, this node included: at least t of the key's participants.</param>
    /// <param name="messageHash">The 32-byte message digest to sign.</param>
    /// <param name="ledger">The single-use record of presignatures.</param>
    /// <param name="roundTimeout">How long each round waits for the other signers.</param>
    public CggmpSigningSession(SessionMessenger messenger, CggmpKeygenResult key, IEnumerable<string> signers, ReadOnlySpan<byte> messageHash, IPresignatureLedger ledger, TimeSpan roundTimeout)
    {
        ArgumentNullException.ThrowIfNull(messenger);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(roundTimeout, TimeSpan.Zero);
        if (messageHash.Length != 32)
        {
            throw new ArgumentException("The message hash is 32 bytes.", nameof(messageHash));
        }

        _signers = SessionParticipants.Canonical(signers, messenger.NodeId, nameof(signers));
        if (_signers.Count < key.Share.Threshold)
        {
            throw new ArgumentException($"At least {key.Share.Threshold} signers are needed.", nameof(signers));
        }

        foreach (var signer in _signers)
        {
            _ = key.ParticipantIdOf(signer); // throws for a node that holds no share of this key
        }

        _messenger = messenger;
        _key = key;
        _messageHash = messageHash.ToArray();
        _ledger = ledger;
        _roundTimeout = roundTimeout;
    }

    /// <summary>Runs presigning and signing to completion and returns the verified signature.</summary>
    /// <exception cref="ProtocolAbortException">A signer misbehaved; the culprits are named.</exception>
    /// <exception cref="SessionTimeoutException">A signer did not deliver a round in time.</exception>
    /// <exception cref="InvalidOperationException">The ledger refused the presignature (already used).</exception>
    public async Task<EcdsaSignature> RunAsync(CancellationToken cancellationToken = default)
    {
        var others = _signers.Where(s => !string.Equals(s, _messenger.NodeId, StringComparison.Ordinal)).ToList();
        var presignature = await new CggmpPresignSession(_messenger, _key, _signers, _roundTimeout).RunAsync(cancellationToken).ConfigureAwait(false);
        using (presignature)
        {
            var publicData = presignature.PublicData;
            var own = CggmpSigning.PartialSign(presignature, _messageHash, _ledger);
            await _messenger.SendToAllAsync(others, PartialSignatureRound, CggmpPayload.Encode(own), cancellationToken).ConfigureAwait(false);
            var partials = await ReceiveAsync(PartialSignatureRound, others, CggmpPayload.PartialSignature, (id, body) => CggmpPayload.DecodePartialSignature(body, id), cancellationToken).ConfigureAwait(false);

            var signature = CggmpSigning.Combine(publicData, [.. partials, own], _messageHash);
            if (!EcdsaSecp256k1.VerifyCompact(_key.SerializePublicKey(), _messageHash, signature.ToCompact()))
            {
                throw new InternalInvariantException("The combined signature does not verify under the group key.");
            }

            return signature;
        }
    }

    private Task<List<T>> ReceiveAsync<T>(int round, List<string> senders, byte kind, Func<ParticipantId, ReadOnlySpan<byte>, T> parse, CancellationToken cancellationToken) =>
        SessionPayload.ReceiveAllAsync(_messenger, round, senders, _roundTimeout, _key.ParticipantIdOf, kind, parse, cancellationToken);
}

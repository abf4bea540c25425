using Conclave.Threshold;
using Conclave.Threshold.Frost.Signing;

namespace Conclave.Mpc.Sessions;

/// <summary>
/// One signer's part in a FROST signing session over sealed envelopes, without a coordinator:
/// round 1 sends this signer's <see cref="SigningCommitments"/> to every other signer; each signer
/// builds the same <see cref="SigningPackage"/>, signs (<see cref="Round2.Sign(SigningPackage, SigningNonces, Threshold.Frost.Keys.KeyPackage, ReadOnlySpan{byte})"/>, which
/// consumes the nonces), sends its <see cref="SignatureShare"/> to every other signer in round 2,
/// and aggregates and verifies the signature itself. Every honest signer ends with the same
/// signature, or an abort naming the signers whose shares are invalid.
/// </summary>
public sealed class FrostSigningSession
{
    private const int Round1 = 1;
    private const int Round2 = 2;

    private readonly SessionMessenger _messenger;
    private readonly FrostKeygenResult _key;
    private readonly List<string> _signers;
    private readonly byte[] _message;
    private readonly TimeSpan _roundTimeout;

    /// <summary>Prepares the session; nothing is sent until <see cref="RunAsync"/>.</summary>
    /// <param name="messenger">This node's messenger for the session.</param>
    /// <param name="key">This node's key from the key generation (not owned; not disposed here).</param>
    /// <param name="signers">The signing nodes, this node included: at least t of the key's participants.</param>
    /// <param name="message">The message to sign (public).</param>
    /// <param name="roundTimeout">How long each round waits for the other signers.</param>
    public FrostSigningSession(SessionMessenger messenger, FrostKeygenResult key, IEnumerable<string> signers, ReadOnlySpan<byte> message, TimeSpan roundTimeout)
    {
        ArgumentNullException.ThrowIfNull(messenger);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(roundTimeout, TimeSpan.Zero);
        _signers = SessionParticipants.Canonical(signers, messenger.NodeId, nameof(signers));
        if (_signers.Count < key.KeyPackage.MinSigners)
        {
            throw new ArgumentException($"At least {key.KeyPackage.MinSigners} signers are needed.", nameof(signers));
        }

        foreach (var signer in _signers)
        {
            _ = key.ParticipantIdOf(signer); // throws for a node that holds no share of this key
        }

        _messenger = messenger;
        _key = key;
        _message = message.ToArray();
        _roundTimeout = roundTimeout;
    }

    /// <summary>Runs the signing to completion and returns the verified signature.</summary>
    /// <exception cref="ProtocolAbortException">A signer misbehaved; the culprits are named.</exception>
    /// <exception cref="SessionTimeoutException">A signer did not deliver a round in time.</exception>
    public async Task<byte[]> RunAsync(CancellationToken cancellationToken = default)
    {
        var suite = _key.PublicKeyPackage.Suite;
        var self = _messenger.NodeId;
        var others = _signers.Where(s => !string.Equals(s, self, StringComparison.Ordinal)).ToList();

        using var nonces = Threshold.Frost.Signing.Round1.Commit(_key.KeyPackage);
        var own = nonces.Commitments;
        await _messenger.SendToAllAsync(others, Round1, SessionPayload.Wrap(FrostPayload.SigningCommitments, own.Serialize()), cancellationToken).ConfigureAwait(false);
        var commitments = await ReceiveAsync(Round1, others, FrostPayload.SigningCommitments, body => SigningCommitments.Deserialize(suite, body), c => c.Identifier, cancellationToken).ConfigureAwait(false);
        var signingPackage = new SigningPackage(commitments.Values.Append(own), _message);

        var ownShare = Threshold.Frost.Signing.Round2.Sign(signingPackage, nonces, _key.KeyPackage);
        await _messenger.SendToAllAsync(others, Round2, SessionPayload.Wrap(FrostPayload.SignatureShare, ownShare.Serialize()), cancellationToken).ConfigureAwait(false);
        var shares = await ReceiveAsync(Round2, others, FrostPayload.SignatureShare, body => SignatureShare.Deserialize(suite, body), s => s.Identifier, cancellationToken).ConfigureAwait(false);

        var signature = Aggregate.Run(signingPackage, [.. shares.Values.Append(ownShare)], _key.PublicKeyPackage);
        if (!suite.Verify(_key.PublicKeyPackage.SerializePublicKey(), _message, signature))
        {
            throw new InternalInvariantException("The aggregated signature does not verify under the group key.");
        }

        return signature;
    }

    private async Task<Dictionary<ParticipantId, T>> ReceiveAsync<T>(
        int round, List<string> senders, byte kind, Func<ReadOnlySpan<byte>, T> parse, Func<T, ParticipantId> identifierOf, CancellationToken cancellationToken)
    {
        var parsed = await SessionPayload.ReceiveParsedAsync(_messenger, round, senders, _roundTimeout, _key.ParticipantIdOf, kind, (_, body) => parse(body), cancellationToken).ConfigureAwait(false);

        // The identifier inside the message must be the authenticated sender's.
        var impostors = parsed.Where(kv => identifierOf(kv.Value) != kv.Key).Select(kv => kv.Key).Order().ToList();
        return impostors.Count == 0
            ? parsed
            : throw new ProtocolAbortException(AbortReason.UnexpectedParticipant, impostors, "the identifier in the message is not the sender's");
    }
}

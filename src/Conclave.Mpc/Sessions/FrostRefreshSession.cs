using System.Security.Cryptography;
using Conclave.Threshold;
using Conclave.Threshold.Frost.Keys.Dkg;
using Conclave.Threshold.Frost.Keys.Refresh;

namespace Conclave.Mpc.Sessions;

/// <summary>
/// One node's part in a FROST proactive refresh (<see cref="FrostRefresh"/>, HJKY95 share renewal)
/// of a stored key among all of its holders, over sealed envelopes: round 1 sends this node's
/// <see cref="RefreshPackage"/> (commitment to a polynomial with constant term zero) to every
/// other participant, round 3 echoes the digests of the round-one packages (as the DKG does, so an
/// equivocating dealer is named before any share leaves), round 2 sends each participant its
/// refresh share point to point (encrypted to that node only), then part3 checks every share
/// against its dealer's commitment and adds them to the old share. The group key does not change.
/// </summary>
/// <remarks>
/// Participants are the wallet's parties in ordinal order, as at keygen (participant i is the i-th);
/// every one of them must take part. A <see cref="ProtocolAbortException"/> names the culprits; a
/// missing message ends in a <see cref="SessionTimeoutException"/> naming the silent nodes.
/// </remarks>
public sealed class FrostRefreshSession
{
    private const int Round1 = 1;
    private const int Round2 = 2;
    private const int Round1Echo = 3;

    private readonly SessionMessenger _messenger;
    private readonly FrostKeygenResult _key;
    private readonly List<string> _participants;
    private readonly TimeSpan _roundTimeout;

    /// <summary>Prepares the session; nothing is sent until <see cref="RunAsync"/>.</summary>
    /// <param name="messenger">This node's messenger for the session.</param>
    /// <param name="key">This node's current key (not owned).</param>
    /// <param name="roundTimeout">How long each round waits for the other participants.</param>
    public FrostRefreshSession(SessionMessenger messenger, FrostKeygenResult key, TimeSpan roundTimeout)
    {
        ArgumentNullException.ThrowIfNull(messenger);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(roundTimeout, TimeSpan.Zero);
        _participants = SessionParticipants.Canonical(key.Participants, messenger.NodeId, nameof(key));
        if (key.KeyPackage.Identifier != SessionParticipants.IdOf(_participants, messenger.NodeId)
            || key.PublicKeyPackage.VerifyingShares.Count != _participants.Count)
        {
            throw new ArgumentException("The key is not this node's share among its participants.", nameof(key));
        }

        _messenger = messenger;
        _key = key;
        _roundTimeout = roundTimeout;
    }

    /// <summary>Runs the refresh to completion; the result holds the new share under the same group key.</summary>
    /// <exception cref="ProtocolAbortException">A participant misbehaved; the culprits are named.</exception>
    /// <exception cref="SessionTimeoutException">A participant did not deliver a round in time.</exception>
    public async Task<FrostKeygenResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var suite = _key.KeyPackage.Suite;
        var self = _messenger.NodeId;
        var others = _participants.Where(p => !string.Equals(p, self, StringComparison.Ordinal)).ToList();
        ParticipantId IdOf(string nodeId) => SessionParticipants.IdOf(_participants, nodeId);
        var selfId = IdOf(self);

        var (secret, package) = FrostRefresh.Part1(suite, selfId, _participants.Count, _key.KeyPackage.MinSigners);
        using (secret)
        {
            await _messenger.SendToAllAsync(others, Round1, SessionPayload.Wrap(FrostPayload.RefreshRound1, package.Serialize()), cancellationToken).ConfigureAwait(false);
            var received1 = await SessionPayload.ReceiveParsedAsync(_messenger, Round1, others, _roundTimeout, IdOf, FrostPayload.RefreshRound1, (_, body) => RefreshPackage.Deserialize(suite, body), cancellationToken).ConfigureAwait(false);
            await FrostKeygenSession.CheckEchoAsync(_messenger, Round1Echo, _participants.Count, others, IdOf, id => (id == selfId ? package : received1[id]).Serialize(), _roundTimeout, cancellationToken).ConfigureAwait(false);

            var shares = FrostRefresh.Part2(secret, received1);
            try
            {
                foreach (var (to, share) in shares)
                {
                    var payload = SessionPayload.Wrap(FrostPayload.RefreshRound2, share.Serialize());
                    try
                    {
                        await _messenger.SendAsync(_participants[to.Value - 1], Round2, payload, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        CryptographicOperations.ZeroMemory(payload);
                    }
                }
            }
            finally
            {
                foreach (var share in shares.Values)
                {
                    share.Dispose();
                }
            }

            var received2 = await SessionPayload.ReceiveParsedAsync(_messenger, Round2, others, _roundTimeout, IdOf, FrostPayload.RefreshRound2, (_, body) => Round2Package.Deserialize(suite, body), cancellationToken).ConfigureAwait(false);
            try
            {
                var (keyPackage, publicKeyPackage) = FrostRefresh.Part3(secret, received1, received2, _key.KeyPackage, _key.PublicKeyPackage);
                return new FrostKeygenResult(keyPackage, publicKeyPackage, _participants);
            }
            finally
            {
                foreach (var share in received2.Values)
                {
                    share.Dispose();
                }
            }
        }
    }
}

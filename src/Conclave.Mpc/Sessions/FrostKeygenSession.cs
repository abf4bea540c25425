using System.Security.Cryptography;
using Conclave.Threshold;
using Conclave.Threshold.Frost.Ciphersuites;
using Conclave.Threshold.Frost.Keys.Dkg;

namespace Conclave.Mpc.Sessions;

/// <summary>
/// One node's part in a FROST distributed key generation (<see cref="FrostDkg"/>) over sealed
/// envelopes: round 1 sends this node's <see cref="Round1Package"/> to every other participant,
/// round 2 sends each of them its secret <see cref="Round2Package"/> point to point (encrypted to
/// that node only; the plaintext copies are wiped once sealed or used), then part3 derives the
/// key locally. The session id is the DKG's context string, so proofs of knowledge are bound to it.
/// </summary>
/// <remarks>
/// <para>Participants are the node ids in ordinal order; participant i is the i-th of them
/// (<see cref="FrostKeygenResult.Participants"/>). Every node must be given the same set.</para>
/// <para>Round 1 is sent point to point without an echo round, so it assumes the sender does
/// not equivocate (as the DKG's reliable-broadcast assumption; an echo check is a later step).</para>
/// <para>A <see cref="ProtocolAbortException"/> from the DKG propagates unchanged; a missing
/// message ends in a <see cref="SessionTimeoutException"/> naming the silent nodes.</para>
/// </remarks>
public sealed class FrostKeygenSession
{
    private const int Round1 = 1;
    private const int Round2 = 2;

    private readonly SessionMessenger _messenger;
    private readonly FrostCiphersuite _suite;
    private readonly List<string> _participants;
    private readonly int _minSigners;
    private readonly TimeSpan _roundTimeout;

    /// <summary>Prepares the session; nothing is sent until <see cref="RunAsync"/>.</summary>
    /// <param name="messenger">This node's messenger for the session.</param>
    /// <param name="suite">The FROST ciphersuite.</param>
    /// <param name="participants">Every participant's node id, this node included.</param>
    /// <param name="minSigners">The threshold t.</param>
    /// <param name="roundTimeout">How long each round waits for the other participants.</param>
    public FrostKeygenSession(SessionMessenger messenger, FrostCiphersuite suite, IEnumerable<string> participants, int minSigners, TimeSpan roundTimeout)
    {
        ArgumentNullException.ThrowIfNull(messenger);
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(roundTimeout, TimeSpan.Zero);
        _participants = SessionParticipants.Canonical(participants, messenger.NodeId, nameof(participants));
        if (minSigners < 2 || minSigners > _participants.Count || _participants.Count > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(minSigners), "Need 2 ≤ t ≤ n ≤ 65535.");
        }

        _messenger = messenger;
        _suite = suite;
        _minSigners = minSigners;
        _roundTimeout = roundTimeout;
    }

    /// <summary>Runs the DKG to completion.</summary>
    /// <exception cref="ProtocolAbortException">A participant misbehaved; the culprits are named.</exception>
    /// <exception cref="SessionTimeoutException">A participant did not deliver a round in time.</exception>
    public async Task<FrostKeygenResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var self = _messenger.NodeId;
        var others = _participants.Where(p => !string.Equals(p, self, StringComparison.Ordinal)).ToList();
        ParticipantId IdOf(string nodeId) => SessionParticipants.IdOf(_participants, nodeId);

        var (secret1, package1) = FrostDkg.Part1(_suite, IdOf(self), _participants.Count, _minSigners, _messenger.Session.Bytes);
        Round1SecretPackage? round1Secret = secret1;
        Round2SecretPackage? round2Secret = null;
        try
        {
            await _messenger.SendToAllAsync(others, Round1, SessionPayload.Wrap(FrostPayload.DkgRound1, package1.Serialize()), cancellationToken).ConfigureAwait(false);
            Dictionary<ParticipantId, Round1Package> received1;
            var messages1 = await _messenger.ReceiveRoundAsync(Round1, others, _roundTimeout, cancellationToken).ConfigureAwait(false);
            try
            {
                received1 = SessionPayload.ParseAll(messages1, IdOf, FrostPayload.DkgRound1, (_, body) => Round1Package.Deserialize(_suite, body));
            }
            finally
            {
                DisposeAll(messages1.Values);
            }

            round1Secret = null; // part2 consumes it, also when it aborts
            var (secret2, packages) = FrostDkg.Part2(secret1, received1);
            round2Secret = secret2;
            try
            {
                foreach (var (to, package) in packages)
                {
                    var payload = SessionPayload.Wrap(FrostPayload.DkgRound2, package.Serialize());
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
                foreach (var package in packages.Values)
                {
                    package.Dispose();
                }
            }

            var messages2 = await _messenger.ReceiveRoundAsync(Round2, others, _roundTimeout, cancellationToken).ConfigureAwait(false);
            Dictionary<ParticipantId, Round2Package> received2;
            try
            {
                received2 = SessionPayload.ParseAll(messages2, IdOf, FrostPayload.DkgRound2, (_, body) => Round2Package.Deserialize(_suite, body));
            }
            finally
            {
                DisposeAll(messages2.Values); // wipes the decrypted shares
            }

            try
            {
                round2Secret = null; // part3 consumes it
                var (keyPackage, publicKeyPackage) = FrostDkg.Part3(secret2, received1, received2);
                return new FrostKeygenResult(keyPackage, publicKeyPackage, _participants);
            }
            finally
            {
                foreach (var package in received2.Values)
                {
                    package.Dispose();
                }
            }
        }
        finally
        {
            round1Secret?.Dispose();
            round2Secret?.Dispose();
        }
    }

    private static void DisposeAll(IEnumerable<IDisposable> items)
    {
        foreach (var item in items)
        {
            item.Dispose();
        }
    }
}

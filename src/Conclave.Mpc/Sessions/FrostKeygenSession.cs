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
/// <para>Round 1 is sent point to point and followed by an echo round (each node sends every other
/// the digests of the round-one packages it received), so a sender that equivocates is caught and
/// named before any secret share is sent.</para>
/// <para>A <see cref="ProtocolAbortException"/> from the DKG propagates unchanged; a missing
/// message ends in a <see cref="SessionTimeoutException"/> naming the silent nodes.</para>
/// </remarks>
public sealed class FrostKeygenSession
{
    private const int Round1 = 1;
    private const int Round2 = 2;
    private const int Round1Echo = 3;

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
            var received1 = await SessionPayload.ReceiveParsedAsync(_messenger, Round1, others, _roundTimeout, IdOf, FrostPayload.DkgRound1, (_, body) => Round1Package.Deserialize(_suite, body), cancellationToken).ConfigureAwait(false);
            await CheckRound1EchoAsync(others, IdOf, package1, received1, cancellationToken).ConfigureAwait(false);
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

            // The opened messages holding the decrypted shares are wiped as soon as they are parsed.
            var received2 = await SessionPayload.ReceiveParsedAsync(_messenger, Round2, others, _roundTimeout, IdOf, FrostPayload.DkgRound2, (_, body) => Round2Package.Deserialize(_suite, body), cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// Reliable broadcast for round one (the DKG assumes it; RFC 9591 Appendix C and the FROST
    /// paper's KeyGen require every participant to see the same commitments): each node sends every
    /// other the SHA-256 of each round-one package as it received it (its own included), in
    /// participant order, before any secret share leaves it. A digest at position k that differs
    /// from this node's means participant k sent different packages to different nodes; every such
    /// k is named (<see cref="AbortReason.Equivocation"/>), as the CGGMP21 state machines do.
    /// </summary>
    private Task CheckRound1EchoAsync(List<string> others, Func<string, ParticipantId> idOf, Round1Package own, Dictionary<ParticipantId, Round1Package> received, CancellationToken cancellationToken)
    {
        var self = idOf(_messenger.NodeId);
        return CheckEchoAsync(_messenger, Round1Echo, _participants.Count, others, idOf, id => (id == self ? own : received[id]).Serialize(), _roundTimeout, cancellationToken);
    }

    /// <summary>
    /// The echo round shared by the DKG and the refresh: sends every other participant the SHA-256
    /// of each participant's round-one package as this node received it (<paramref name="serialized"/>,
    /// its own included, in participant order) and names every participant k whose digest differs in
    /// any echo (<see cref="AbortReason.Equivocation"/>).
    /// </summary>
    internal static async Task CheckEchoAsync(SessionMessenger messenger, int round, int n, List<string> others, Func<string, ParticipantId> idOf, Func<ParticipantId, byte[]> serialized, TimeSpan roundTimeout, CancellationToken cancellationToken)
    {
        var view = new byte[n * SHA256.HashSizeInBytes];
        for (var k = 0; k < n; k++)
        {
            SHA256.HashData(serialized(new ParticipantId((ushort)(k + 1))), view.AsSpan(k * SHA256.HashSizeInBytes, SHA256.HashSizeInBytes));
        }

        await messenger.SendToAllAsync(others, round, SessionPayload.Wrap(FrostPayload.DkgRound1Echo, view.ToArray()), cancellationToken).ConfigureAwait(false);
        var echoes = await SessionPayload.ReceiveParsedAsync(messenger, round, others, roundTimeout, idOf, FrostPayload.DkgRound1Echo, (_, body) =>
            body.Length == view.Length ? body.ToArray() : throw new FormatException($"an echo holds {n} digests of 32 bytes, not {body.Length} bytes"), cancellationToken).ConfigureAwait(false);

        var equivocators = new SortedSet<ParticipantId>();
        foreach (var echo in echoes.Values)
        {
            for (var k = 0; k < n; k++)
            {
                var slot = new Range(k * SHA256.HashSizeInBytes, (k + 1) * SHA256.HashSizeInBytes);
                if (!CryptographicOperations.FixedTimeEquals(echo.AsSpan(slot), view.AsSpan(slot)))
                {
                    equivocators.Add(new ParticipantId((ushort)(k + 1)));
                }
            }
        }

        if (equivocators.Count > 0)
        {
            throw new ProtocolAbortException(AbortReason.Equivocation, [.. equivocators], "participants received different round-one packages");
        }
    }
}

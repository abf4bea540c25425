using System.Security.Cryptography;
using Conclave.Crypto.Paillier;
using Conclave.Threshold;
using Conclave.Threshold.Cggmp.AuxInfo;
using Conclave.Threshold.Cggmp.Keygen;

namespace Conclave.Mpc.Sessions;

/// <summary>
/// One node's part in a CGGMP21 key generation followed by the aux-info protocol, over sealed
/// envelopes in one messenger session (docs/design/cggmp-sessions.md). Key generation
/// (<see cref="KeygenParty"/>) runs under the messenger's session id in messenger rounds 1–5:
/// commit, echo, reveal (broadcast), shares (point to point, secret: encrypted to the recipient,
/// the plaintext payloads wiped once sealed or parsed), Schnorr proof. Aux info
/// (<see cref="AuxInfoParty"/>) runs under a session id derived from the messenger's
/// (<see cref="CggmpSessionIds.AuxInfo"/>) in rounds 11–14: commit, echo, reveal, proofs (point to point).
/// <see cref="Refresh"/> runs the same rounds as a proactive key refresh of an existing share
/// (<see cref="KeygenParty.Refresh"/>, the threshold form of the paper's Fig. 6) followed by a fresh
/// aux-info run with a new Paillier key, as Fig. 6 refreshes the auxiliary information too.
/// </summary>
/// <remarks>
/// <para>Participants are the node ids in ordinal order; participant i is the i-th of them. Every
/// node must be given the same set and threshold.</para>
/// <para>"Broadcast" messages are sent to every other participant separately; the state machines'
/// echo rounds detect a sender that sent different commitments to different nodes.</para>
/// <para>A <see cref="ProtocolAbortException"/> from a state machine, or for a payload that does not
/// parse, names the culprits; a missing message ends in a <see cref="SessionTimeoutException"/>.</para>
/// </remarks>
public sealed class CggmpKeygenSession
{
    internal const int KeygenCommitRound = 1;
    internal const int KeygenEchoRound = 2;
    internal const int KeygenRevealRound = 3;
    internal const int KeygenShareRound = 4;
    internal const int KeygenProofRound = 5;
    internal const int AuxCommitRound = 11;
    internal const int AuxEchoRound = 12;
    internal const int AuxRevealRound = 13;
    internal const int AuxProofRound = 14;

    private readonly SessionMessenger _messenger;
    private readonly List<string> _participants;
    private readonly int _threshold;
    private readonly Func<CancellationToken, Task<PaillierSecretKey>> _paillierKeySource;
    private readonly TimeSpan _roundTimeout;
    private CggmpCoreKeyShare? _refreshOf;

    /// <summary>Prepares the session; nothing is sent until <see cref="RunAsync"/>.</summary>
    /// <param name="messenger">This node's messenger for the session.</param>
    /// <param name="participants">Every participant's node id, this node included.</param>
    /// <param name="threshold">The threshold t (signing needs t participants).</param>
    /// <param name="paillierKeySource">Called once, at the start of <see cref="RunAsync"/>, for this node's fresh Paillier key (the session takes ownership).</param>
    /// <param name="roundTimeout">How long each round waits for the other participants.</param>
    public CggmpKeygenSession(SessionMessenger messenger, IEnumerable<string> participants, int threshold, Func<CancellationToken, Task<PaillierSecretKey>> paillierKeySource, TimeSpan roundTimeout)
    {
        ArgumentNullException.ThrowIfNull(messenger);
        ArgumentNullException.ThrowIfNull(paillierKeySource);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(roundTimeout, TimeSpan.Zero);
        _participants = SessionParticipants.Canonical(participants, messenger.NodeId, nameof(participants));
        if (threshold < 2 || threshold > _participants.Count || _participants.Count > CggmpPayload.MaxListCount)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), $"Need 2 ≤ t ≤ n ≤ {CggmpPayload.MaxListCount}.");
        }

        _messenger = messenger;
        _threshold = threshold;
        _paillierKeySource = paillierKeySource;
        _roundTimeout = roundTimeout;
    }

    /// <summary>
    /// A proactive refresh of <paramref name="share"/> (not owned; the caller deletes it once the
    /// result is stored) among <paramref name="participants"/>, the wallet's parties, with the share's threshold.
    /// </summary>
    public static CggmpKeygenSession Refresh(SessionMessenger messenger, IEnumerable<string> participants, CggmpCoreKeyShare share, Func<CancellationToken, Task<PaillierSecretKey>> paillierKeySource, TimeSpan roundTimeout)
    {
        ArgumentNullException.ThrowIfNull(share);
        var session = new CggmpKeygenSession(messenger, participants, share.Threshold, paillierKeySource, roundTimeout);
        if (share.PublicShares.Count != session._participants.Count || share.Self != session.IdOf(messenger.NodeId))
        {
            throw new ArgumentException("The share is not this node's share among these participants.", nameof(share));
        }

        session._refreshOf = share;
        return session;
    }

    /// <summary>Runs key generation (or the refresh), then aux info, to completion.</summary>
    /// <exception cref="ProtocolAbortException">A participant misbehaved; the culprits are named.</exception>
    /// <exception cref="SessionTimeoutException">A participant did not deliver a round in time.</exception>
    public async Task<CggmpKeygenResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var paillierKey = await _paillierKeySource(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The Paillier key source returned no key.");
        CggmpCoreKeyShare share;
        try
        {
            share = await KeygenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            paillierKey.Dispose();
            throw;
        }

        try
        {
            var aux = await AuxInfoAsync(paillierKey, cancellationToken).ConfigureAwait(false);
            return CggmpKeygenResult.Create(share, aux, _participants);
        }
        catch
        {
            share.Dispose();
            throw;
        }
    }

    private List<string> Others => [.. _participants.Where(p => !string.Equals(p, _messenger.NodeId, StringComparison.Ordinal))];

    private ParticipantId IdOf(string nodeId) => SessionParticipants.IdOf(_participants, nodeId);

    private string NodeOf(ParticipantId id) => _participants[id.Value - 1];

    private List<ParticipantId> Ids => [.. _participants.Select(IdOf)];

    private async Task<CggmpCoreKeyShare> KeygenAsync(CancellationToken cancellationToken)
    {
        var session = _messenger.Session;
        var self = IdOf(_messenger.NodeId);
        var others = Others;
        using var party = _refreshOf is null ? new KeygenParty(session, self, Ids, _threshold) : KeygenParty.Refresh(session, _refreshOf);

        await _messenger.SendToAllAsync(others, KeygenCommitRound, CggmpPayload.Encode(party.Round1()), cancellationToken).ConfigureAwait(false);
        var commits = await ReceiveAsync(KeygenCommitRound, others, CggmpPayload.KeygenCommit, (id, body) => CggmpPayload.DecodeKeygenCommit(body, session, id), cancellationToken).ConfigureAwait(false);

        await _messenger.SendToAllAsync(others, KeygenEchoRound, CggmpPayload.Encode(party.Round2(commits)), cancellationToken).ConfigureAwait(false);
        var echoes = await ReceiveAsync(KeygenEchoRound, others, CggmpPayload.KeygenEcho, (id, body) => CggmpPayload.DecodeKeygenEcho(body, session, id), cancellationToken).ConfigureAwait(false);

        var (reveal, shares) = party.Round3(echoes);
        try
        {
            await _messenger.SendToAllAsync(others, KeygenRevealRound, CggmpPayload.Encode(reveal), cancellationToken).ConfigureAwait(false);
            foreach (var share in shares)
            {
                var payload = CggmpPayload.Encode(share);
                try
                {
                    await _messenger.SendAsync(NodeOf(share.Recipient), KeygenShareRound, payload, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(payload);
                }
            }
        }
        finally
        {
            foreach (var share in shares)
            {
                share.Dispose();
            }
        }

        var reveals = await ReceiveAsync(KeygenRevealRound, others, CggmpPayload.KeygenReveal, (id, body) => CggmpPayload.DecodeKeygenReveal(body, session, id), cancellationToken).ConfigureAwait(false);
        var received = await ReceiveAsync(KeygenShareRound, others, CggmpPayload.KeygenShare, (id, body) => CggmpPayload.DecodeKeygenShare(body, session, id, self), cancellationToken).ConfigureAwait(false);
        KeygenProofMessage proof;
        try
        {
            proof = party.Round4(reveals, received);
        }
        finally
        {
            foreach (var share in received)
            {
                share.Dispose();
            }
        }

        await _messenger.SendToAllAsync(others, KeygenProofRound, CggmpPayload.Encode(proof), cancellationToken).ConfigureAwait(false);
        var proofs = await ReceiveAsync(KeygenProofRound, others, CggmpPayload.KeygenProof, (id, body) => CggmpPayload.DecodeKeygenProof(body, session, id), cancellationToken).ConfigureAwait(false);
        return party.Finish(proofs);
    }

    private async Task<CggmpAuxInfo> AuxInfoAsync(PaillierSecretKey paillierKey, CancellationToken cancellationToken)
    {
        var session = CggmpSessionIds.AuxInfo(_messenger.Session);
        var self = IdOf(_messenger.NodeId);
        var others = Others;
        AuxInfoParty party;
        try
        {
            party = new AuxInfoParty(session, self, Ids, paillierKey);
        }
        catch
        {
            paillierKey.Dispose(); // not yet owned by the party
            throw;
        }

        using (party)
        {
            await _messenger.SendToAllAsync(others, AuxCommitRound, CggmpPayload.Encode(party.Round1()), cancellationToken).ConfigureAwait(false);
            var commits = await ReceiveAsync(AuxCommitRound, others, CggmpPayload.AuxCommit, (id, body) => CggmpPayload.DecodeAuxCommit(body, session, id), cancellationToken).ConfigureAwait(false);

            await _messenger.SendToAllAsync(others, AuxEchoRound, CggmpPayload.Encode(party.Round2(commits)), cancellationToken).ConfigureAwait(false);
            var echoes = await ReceiveAsync(AuxEchoRound, others, CggmpPayload.AuxEcho, (id, body) => CggmpPayload.DecodeAuxEcho(body, session, id), cancellationToken).ConfigureAwait(false);

            await _messenger.SendToAllAsync(others, AuxRevealRound, CggmpPayload.Encode(party.Round3(echoes)), cancellationToken).ConfigureAwait(false);
            var reveals = await ReceiveAsync(AuxRevealRound, others, CggmpPayload.AuxReveal, (id, body) => CggmpPayload.DecodeAuxReveal(body, session, id), cancellationToken).ConfigureAwait(false);

            foreach (var proof in party.Round4(reveals))
            {
                await _messenger.SendAsync(NodeOf(proof.Recipient), AuxProofRound, CggmpPayload.Encode(proof), cancellationToken).ConfigureAwait(false);
            }

            var proofs = await ReceiveAsync(AuxProofRound, others, CggmpPayload.AuxProof, (id, body) => CggmpPayload.DecodeAuxProof(body, session, id, self), cancellationToken).ConfigureAwait(false);
            return party.Finish(proofs);
        }
    }

    private Task<List<T>> ReceiveAsync<T>(int round, List<string> senders, byte kind, Func<ParticipantId, ReadOnlySpan<byte>, T> parse, CancellationToken cancellationToken) =>
        SessionPayload.ReceiveAllAsync(_messenger, round, senders, _roundTimeout, IdOf, kind, parse, cancellationToken);
}

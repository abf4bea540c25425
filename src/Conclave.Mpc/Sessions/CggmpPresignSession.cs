using Conclave.Threshold;
using Conclave.Threshold.Cggmp.Presign;

namespace Conclave.Mpc.Sessions;

/// <summary>
/// One signer's part in CGGMP21 presigning over sealed envelopes (messenger rounds 1–3, every
/// message point to point, under the session id <see cref="CggmpSessionIds.Presign"/> derives from
/// the messenger's). It ends with this signer's <see cref="Presignature"/> for exactly the given
/// signer set: <see cref="CggmpSigningSession"/> uses it at once for the request's own hash, and a
/// node's presignature pool stores it (encrypted) for a later one-round
/// <see cref="CggmpPresignedSigningSession"/>.
/// </summary>
/// <remarks>
/// When a signer's δ·G = ΣΔ_j check (or, with that one passing, its δ·X = ΣS_j check) fails although
/// every proof verified, every signer that learns of it runs the identification round
/// (<see cref="IdentificationRound"/>: the δ round, or the χ round), which ends in a
/// <see cref="ProtocolAbortException"/> naming the culprits. Signers learn of it from the round after
/// round 3: <see cref="RunAsync"/> exchanges a status (<see cref="StatusRound"/>), and the fresh signing
/// path sends the status instead of its partial signature in the same round
/// (docs/design/cggmp-sessions.md, "Identification"). Both are echo broadcasts of signed statements
/// (<see cref="EchoBroadcast"/>, echo in <see cref="StatusEchoRound"/>), so a signer that sends
/// different statuses to different signers is named by all of them.
/// </remarks>
public sealed class CggmpPresignSession
{
    internal const int Round1 = 1;
    internal const int Round2 = 2;
    internal const int Round3 = 3;

    /// <summary>
    /// The round after round 3: the presign-only session's status (presignature made, or
    /// identification needed); the fresh signing path sends its partial signature here instead, or
    /// the status when it needs identification.
    /// </summary>
    internal const int StatusRound = 4;

    /// <summary>The identification round, only when some signer asked for it in <see cref="StatusRound"/>.</summary>
    internal const int IdentificationRound = 5;

    /// <summary>
    /// The echo of <see cref="StatusRound"/>'s signed statements (<see cref="EchoBroadcast"/>), with
    /// three or more signers: it comes after the status round and before any identification round.
    /// </summary>
    internal const int StatusEchoRound = 6;

    private readonly SessionMessenger _messenger;
    private readonly CggmpKeygenResult _key;
    private readonly List<string> _signers;
    private readonly TimeSpan _roundTimeout;

    /// <summary>Prepares the session; nothing is sent until <see cref="RunAsync"/>.</summary>
    /// <param name="messenger">This node's messenger for the session.</param>
    /// <param name="key">This node's key (not owned; not disposed here).</param>
    /// <param name="signers">The signing nodes, this node included: at least t of the key's participants.</param>
    /// <param name="roundTimeout">How long each round waits for the other signers.</param>
    public CggmpPresignSession(SessionMessenger messenger, CggmpKeygenResult key, IEnumerable<string> signers, TimeSpan roundTimeout)
    {
        ArgumentNullException.ThrowIfNull(messenger);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(roundTimeout, TimeSpan.Zero);
        _signers = CheckedSigners(key, signers, messenger.NodeId);
        _messenger = messenger;
        _key = key;
        _roundTimeout = roundTimeout;
    }

    /// <summary>
    /// The signer set in canonical order, this node included, after checking it has at least t
    /// members that all hold a share of <paramref name="key"/>.
    /// </summary>
    internal static List<string> CheckedSigners(CggmpKeygenResult key, IEnumerable<string> signers, string nodeId)
    {
        var canonical = SessionParticipants.Canonical(signers, nodeId, nameof(signers));
        if (canonical.Count < key.Share.Threshold)
        {
            throw new ArgumentException($"At least {key.Share.Threshold} signers are needed.", nameof(signers));
        }

        foreach (var signer in canonical)
        {
            _ = key.ParticipantIdOf(signer); // throws for a node that holds no share of this key
        }

        return canonical;
    }

    /// <summary>The signers, ordinal order.</summary>
    internal IReadOnlyList<string> Signers => _signers;

    /// <summary>
    /// Runs rounds 1–3 and the status round and returns this signer's presignature (the caller owns
    /// and disposes it). If any signer's output check failed, runs the identification round instead.
    /// </summary>
    /// <exception cref="ProtocolAbortException">A signer misbehaved; the culprits are named.</exception>
    /// <exception cref="SessionTimeoutException">A signer did not deliver a round in time.</exception>
    public async Task<Presignature> RunAsync(CancellationToken cancellationToken = default)
    {
        using var run = await RunRoundsAsync(cancellationToken).ConfigureAwait(false);
        var statuses = await ExchangeStatusAsync(run.Party.FailedCheck, cancellationToken).ConfigureAwait(false);
        await IdentifyIfAnyFailedAsync(run, statuses, signedHash: null, cancellationToken).ConfigureAwait(false);
        return run.TakePresignature();
    }

    /// <summary>
    /// Rounds 1–3 and the output check. The result keeps the party alive (for the identification
    /// round) and holds the presignature, or null when one of this signer's output checks failed
    /// (<see cref="PresignParty.FailedCheck"/>).
    /// </summary>
    internal async Task<Run> RunRoundsAsync(CancellationToken cancellationToken)
    {
        var session = CggmpSessionIds.Presign(_messenger.Session);
        var self = _key.ParticipantIdOf(_messenger.NodeId);
        var others = Others();
        var signerIds = _signers.Select(_key.ParticipantIdOf).ToList();

        var party = new PresignParty(session, _key.Share, _key.AuxInfo, signerIds);
        try
        {
            await SendEachAsync(party.Round1(), Round1, m => m.Recipient, CggmpPayload.Encode, cancellationToken).ConfigureAwait(false);
            var round1 = await ReceiveAsync(Round1, others, CggmpPayload.PresignRound1, (id, body) => CggmpPayload.DecodePresignRound1(body, session, id, self), cancellationToken).ConfigureAwait(false);

            await SendEachAsync(party.Round2(round1), Round2, m => m.Recipient, CggmpPayload.Encode, cancellationToken).ConfigureAwait(false);
            var round2 = await ReceiveAsync(Round2, others, CggmpPayload.PresignRound2, (id, body) => CggmpPayload.DecodePresignRound2(body, session, id, self), cancellationToken).ConfigureAwait(false);

            await SendEachAsync(party.Round3(round2), Round3, m => m.Recipient, CggmpPayload.Encode, cancellationToken).ConfigureAwait(false);
            var round3 = await ReceiveAsync(Round3, others, CggmpPayload.PresignRound3, (id, body) => CggmpPayload.DecodePresignRound3(body, session, id, self), cancellationToken).ConfigureAwait(false);
            return new Run(party, party.TryFinish(round3, out var presignature) ? presignature : null);
        }
        catch
        {
            party.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The identification round (paper Fig. 7, "Output" 2): sends this signer's identification
    /// messages, receives every other signer's and runs <see cref="PresignParty.Identify"/>, which
    /// always throws naming whoever fails. A signer that does not answer in time is named by the
    /// <see cref="SessionTimeoutException"/> instead.
    /// </summary>
    internal async Task IdentifyAsync(Run run, CancellationToken cancellationToken)
    {
        var session = CggmpSessionIds.Presign(_messenger.Session);
        var self = _key.ParticipantIdOf(_messenger.NodeId);
        run.DiscardPresignature();
        await SendEachAsync(run.Party.IdentificationRound(), IdentificationRound, m => m.Recipient, CggmpPayload.Encode, cancellationToken).ConfigureAwait(false);
        var messages = await ReceiveAsync(IdentificationRound, Others(), CggmpPayload.PresignIdentification, (id, body) => CggmpPayload.DecodePresignIdentification(body, session, id, self), cancellationToken).ConfigureAwait(false);
        run.Party.Identify(messages);
        throw new InternalInvariantException("The identification round ended without an abort.");
    }

    /// <summary>
    /// The status round as an echo broadcast (<see cref="EchoBroadcast"/>): every signer acts on the
    /// same statuses, so no signer can send "identify" to one and "presigned" to another and have an
    /// honest signer named for the timeout that follows.
    /// </summary>
    private async Task<IEnumerable<PresignOutputCheck>> ExchangeStatusAsync(PresignOutputCheck failed, CancellationToken cancellationToken)
    {
        var broadcast = new EchoBroadcast(_messenger, EchoBroadcast.PresignStatusProtocol, StatusRound, StatusEchoRound, _signers, _key.ParticipantIdOf, _roundTimeout);
        var statuses = await broadcast.RunAsync(CggmpPayload.EncodePresignStatus(failed), static (id, payload) => CggmpPayload.DecodePresignStatusCheck(SessionPayload.Body(payload, CggmpPayload.PresignStatus, id)), cancellationToken).ConfigureAwait(false);
        return statuses.Values;
    }

    /// <summary>
    /// Runs the identification round that the failed output checks call for, if any (this signer's
    /// own and the <paramref name="statuses"/> of the others): the δ round when any δ·G = ΣΔ_j check
    /// failed, else the χ round when any δ·X = ΣS_j check failed. Returns only when none failed.
    /// </summary>
    /// <param name="signedHash">
    /// The digest this presignature signed (the fresh signing path, whose partial signature may
    /// already be out), or null for one that signed nothing (the χ round then signs the public
    /// message <see cref="PresignParty.ChiIdentificationMessageHash"/>).
    /// </param>
    internal async Task IdentifyIfAnyFailedAsync(Run run, IEnumerable<PresignOutputCheck> statuses, byte[]? signedHash, CancellationToken cancellationToken)
    {
        var failed = statuses.Append(run.Party.FailedCheck).ToHashSet();
        if (failed.Contains(PresignOutputCheck.Delta))
        {
            await IdentifyAsync(run, cancellationToken).ConfigureAwait(false);
        }

        if (failed.Contains(PresignOutputCheck.Chi))
        {
            await IdentifyChiAsync(run, signedHash, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The χ identification round (δ·X ≠ ΣS_j; the paper's signing-time identification, Fig. 8):
    /// discards the presignature, sends this signer's σ_i for <paramref name="signedHash"/> (or the
    /// public message when null) with its proofs, receives every other signer's and runs
    /// <see cref="PresignParty.IdentifyChi"/>, which always throws naming whoever fails.
    /// </summary>
    internal async Task IdentifyChiAsync(Run run, byte[]? signedHash, CancellationToken cancellationToken)
    {
        var session = CggmpSessionIds.Presign(_messenger.Session);
        var self = _key.ParticipantIdOf(_messenger.NodeId);
        run.DiscardPresignature();
        var messages = signedHash is null ? run.Party.ChiIdentificationRound() : run.Party.ChiIdentificationRound(signedHash);
        await SendEachAsync(messages, IdentificationRound, m => m.Recipient, CggmpPayload.Encode, cancellationToken).ConfigureAwait(false);
        var received = await ReceiveAsync(IdentificationRound, Others(), CggmpPayload.PresignChiIdentification, (id, body) => CggmpPayload.DecodePresignChiIdentification(body, session, id, self), cancellationToken).ConfigureAwait(false);
        run.Party.IdentifyChi(received);
        throw new InternalInvariantException("The χ identification round ended without an abort.");
    }

    private List<string> Others() => [.. _signers.Where(s => !string.Equals(s, _messenger.NodeId, StringComparison.Ordinal))];

    private async Task SendEachAsync<T>(IReadOnlyList<T> messages, int round, Func<T, ParticipantId> recipientOf, Func<T, byte[]> encode, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            await _messenger.SendAsync(_key.Participants[recipientOf(message).Value - 1], round, encode(message), cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<List<T>> ReceiveAsync<T>(int round, List<string> senders, byte kind, Func<ParticipantId, ReadOnlySpan<byte>, T> parse, CancellationToken cancellationToken) =>
        SessionPayload.ReceiveAllAsync(_messenger, round, senders, _roundTimeout, _key.ParticipantIdOf, kind, parse, cancellationToken);

    /// <summary>
    /// The end of rounds 1–3: the party (kept for the identification round) and this signer's
    /// presignature, null when its output check failed. Disposing wipes both, unless the
    /// presignature was taken.
    /// </summary>
    internal sealed class Run(PresignParty party, Presignature? presignature) : IDisposable
    {
        public PresignParty Party { get; } = party;

        public Presignature? Presignature { get; private set; } = presignature;

        /// <summary>Hands the presignature to the caller, who disposes it from then on.</summary>
        public Presignature TakePresignature()
        {
            var p = Presignature ?? throw new InvalidOperationException("This signer's output check failed.");
            Presignature = null;
            return p;
        }

        /// <summary>Wipes the presignature (an identification round follows; it is never used).</summary>
        public void DiscardPresignature()
        {
            Presignature?.Dispose();
            Presignature = null;
        }

        public void Dispose()
        {
            Presignature?.Dispose();
            Party.Dispose();
        }
    }
}

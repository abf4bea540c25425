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
public sealed class CggmpPresignSession
{
    internal const int Round1 = 1;
    internal const int Round2 = 2;
    internal const int Round3 = 3;

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
        _roundTimeout = roundTimeout;
    }

    /// <summary>The signers, ordinal order.</summary>
    internal IReadOnlyList<string> Signers => _signers;

    /// <summary>Runs rounds 1–3 and returns this signer's presignature (the caller owns and disposes it).</summary>
    /// <exception cref="ProtocolAbortException">A signer misbehaved; the culprits are named.</exception>
    /// <exception cref="SessionTimeoutException">A signer did not deliver a round in time.</exception>
    public async Task<Presignature> RunAsync(CancellationToken cancellationToken = default)
    {
        var session = CggmpSessionIds.Presign(_messenger.Session);
        var self = _key.ParticipantIdOf(_messenger.NodeId);
        var others = _signers.Where(s => !string.Equals(s, _messenger.NodeId, StringComparison.Ordinal)).ToList();
        var signerIds = _signers.Select(_key.ParticipantIdOf).ToList();

        using var party = new PresignParty(session, _key.Share, _key.AuxInfo, signerIds);
        await SendEachAsync(party.Round1(), Round1, m => m.Recipient, CggmpPayload.Encode, cancellationToken).ConfigureAwait(false);
        var round1 = await ReceiveAsync(Round1, others, CggmpPayload.PresignRound1, (id, body) => CggmpPayload.DecodePresignRound1(body, session, id, self), cancellationToken).ConfigureAwait(false);

        await SendEachAsync(party.Round2(round1), Round2, m => m.Recipient, CggmpPayload.Encode, cancellationToken).ConfigureAwait(false);
        var round2 = await ReceiveAsync(Round2, others, CggmpPayload.PresignRound2, (id, body) => CggmpPayload.DecodePresignRound2(body, session, id, self), cancellationToken).ConfigureAwait(false);

        await SendEachAsync(party.Round3(round2), Round3, m => m.Recipient, CggmpPayload.Encode, cancellationToken).ConfigureAwait(false);
        var round3 = await ReceiveAsync(Round3, others, CggmpPayload.PresignRound3, (id, body) => CggmpPayload.DecodePresignRound3(body, session, id, self), cancellationToken).ConfigureAwait(false);
        return party.Finish(round3);
    }

    private async Task SendEachAsync<T>(IReadOnlyList<T> messages, int round, Func<T, ParticipantId> recipientOf, Func<T, byte[]> encode, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            await _messenger.SendAsync(_key.Participants[recipientOf(message).Value - 1], round, encode(message), cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<List<T>> ReceiveAsync<T>(int round, List<string> senders, byte kind, Func<ParticipantId, ReadOnlySpan<byte>, T> parse, CancellationToken cancellationToken) =>
        SessionPayload.ReceiveAllAsync(_messenger, round, senders, _roundTimeout, _key.ParticipantIdOf, kind, parse, cancellationToken);
}

using System.Security.Cryptography;
using Conclave.Threshold;

namespace Conclave.Mpc.Sessions;

/// <summary>
/// The framing shared by every session payload (<see cref="FrostPayload"/>, <see cref="CggmpPayload"/>):
/// <c>kind:u8 ‖ body</c>, and parsing one round's payloads with blame for every malformed one.
/// </summary>
internal static class SessionPayload
{
    /// <summary>Prefixes <paramref name="wire"/> with <paramref name="kind"/> and wipes <paramref name="wire"/> (it may hold a secret share).</summary>
    internal static byte[] Wrap(byte kind, byte[] wire)
    {
        var payload = new byte[1 + wire.Length];
        payload[0] = kind;
        wire.CopyTo(payload, 1);
        CryptographicOperations.ZeroMemory(wire);
        return payload;
    }

    /// <summary>The body of a payload of <paramref name="kind"/>; anything else is a malformed message by <paramref name="sender"/>.</summary>
    internal static ReadOnlySpan<byte> Body(ReadOnlySpan<byte> payload, byte kind, ParticipantId sender) =>
        payload.Length >= 1 && payload[0] == kind
            ? payload[1..]
            : throw new ProtocolAbortException(AbortReason.MalformedMessage, [sender], $"expected a message of kind {kind}");

    /// <summary>
    /// Parses one payload per sender with <paramref name="parse"/>; throws one abort naming every
    /// sender whose payload is malformed (the list is complete), after disposing what was parsed.
    /// </summary>
    internal static Dictionary<ParticipantId, T> ParseAll<T>(
        IReadOnlyDictionary<string, Transport.OpenedMessage> messages, Func<string, ParticipantId> participantOf, byte kind, Func<ParticipantId, ReadOnlySpan<byte>, T> parse) =>
        ParseAllPayloads(messages, participantOf, (id, payload) => parse(id, Body(payload, kind, id)));

    /// <summary>
    /// <see cref="ParseAll"/> for a round whose payloads may be of more than one kind:
    /// <paramref name="parse"/> gets the whole payload, kind byte included, and throws
    /// <see cref="FormatException"/> or <see cref="ProtocolAbortException"/> for a kind it does not take.
    /// </summary>
    internal static Dictionary<ParticipantId, T> ParseAllPayloads<T>(
        IReadOnlyDictionary<string, Transport.OpenedMessage> messages, Func<string, ParticipantId> participantOf, Func<ParticipantId, ReadOnlySpan<byte>, T> parse)
    {
        var parsed = new Dictionary<ParticipantId, T>();
        var culprits = new List<(ParticipantId Id, string Error)>();
        foreach (var (sender, message) in messages)
        {
            var id = participantOf(sender);
            try
            {
                parsed[id] = parse(id, message.Payload.Span);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or ProtocolAbortException)
            {
                culprits.Add((id, ex.Message)); // lengths, kinds and ids only: no payload bytes
            }
        }

        if (culprits.Count > 0)
        {
            foreach (var value in parsed.Values)
            {
                (value as IDisposable)?.Dispose();
            }

            var ordered = culprits.OrderBy(c => c.Id).ToList();
            throw new ProtocolAbortException(AbortReason.MalformedMessage, [.. ordered.Select(c => c.Id)], string.Join("; ", ordered.Select(c => $"participant {c.Id}: {c.Error}")));
        }

        return parsed;
    }

    /// <summary>
    /// Receives one message of <paramref name="round"/> from each of <paramref name="senders"/> and
    /// parses them with <see cref="ParseAll"/>, keyed by sender; the opened messages are wiped
    /// whatever happens.
    /// </summary>
    internal static async Task<Dictionary<ParticipantId, T>> ReceiveParsedAsync<T>(
        SessionMessenger messenger, int round, IReadOnlyCollection<string> senders, TimeSpan timeout, Func<string, ParticipantId> participantOf, byte kind,
        Func<ParticipantId, ReadOnlySpan<byte>, T> parse, CancellationToken cancellationToken)
    {
        var messages = await messenger.ReceiveRoundAsync(round, senders, timeout, cancellationToken).ConfigureAwait(false);
        try
        {
            return ParseAll(messages, participantOf, kind, parse);
        }
        finally
        {
            foreach (var message in messages.Values)
            {
                message.Dispose();
            }
        }
    }

    /// <summary><see cref="ReceiveParsedAsync"/>, the results in participant order.</summary>
    internal static async Task<List<T>> ReceiveAllAsync<T>(
        SessionMessenger messenger, int round, IReadOnlyCollection<string> senders, TimeSpan timeout, Func<string, ParticipantId> participantOf, byte kind,
        Func<ParticipantId, ReadOnlySpan<byte>, T> parse, CancellationToken cancellationToken)
    {
        var parsed = await ReceiveParsedAsync(messenger, round, senders, timeout, participantOf, kind, parse, cancellationToken).ConfigureAwait(false);
        return [.. parsed.OrderBy(kv => kv.Key).Select(kv => kv.Value)];
    }
}

using System.Security.Cryptography;
using Conclave.Threshold;

namespace Conclave.Mpc.Sessions;

/// <summary>
/// Session payloads of the FROST sessions: <c>kind:u8 ‖ wire encoding</c> of the Threshold type
/// (<c>Round1Package</c>, <c>Round2Package</c>, <c>SigningCommitments</c>, <c>SignatureShare</c>).
/// </summary>
internal static class FrostPayload
{
    internal const byte DkgRound1 = 1;
    internal const byte DkgRound2 = 2;
    internal const byte SigningCommitments = 3;
    internal const byte SignatureShare = 4;

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
        IReadOnlyDictionary<string, Transport.OpenedMessage> messages, Func<string, ParticipantId> participantOf, byte kind, Func<ParticipantId, ReadOnlySpan<byte>, T> parse)
    {
        var parsed = new Dictionary<ParticipantId, T>();
        var culprits = new List<ParticipantId>();
        foreach (var (sender, message) in messages)
        {
            var id = participantOf(sender);
            try
            {
                parsed[id] = parse(id, Body(message.Payload.Span, kind, id));
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or ProtocolAbortException)
            {
                culprits.Add(id);
            }
        }

        if (culprits.Count > 0)
        {
            foreach (var value in parsed.Values)
            {
                (value as IDisposable)?.Dispose();
            }

            throw new ProtocolAbortException(AbortReason.MalformedMessage, [.. culprits.Order()]);
        }

        return parsed;
    }
}

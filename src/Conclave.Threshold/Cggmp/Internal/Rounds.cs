using System.Security.Cryptography;

namespace Conclave.Threshold.Cggmp.Internal;

/// <summary>Checks shared by every CGGMP21 sub-protocol: message collection, echo comparison, aborts, stage order.</summary>
internal static class Rounds
{
    /// <summary>
    /// Indexes one round's messages by sender: every other party exactly once, from this session
    /// and round. Foreign or unknown senders and missing parties abort as UnexpectedParticipant;
    /// two messages from one sender abort as Equivocation.
    /// </summary>
    internal static Dictionary<ParticipantId, T> Collect<T>(IReadOnlyCollection<T> messages, SessionId session, ParticipantId self, IReadOnlyList<ParticipantId> parties, int round)
        where T : IProtocolMessage
    {
        ArgumentNullException.ThrowIfNull(messages);
        var result = new Dictionary<ParticipantId, T>();
        var strangers = new SortedSet<ParticipantId>();
        var duplicates = new SortedSet<ParticipantId>();
        foreach (var m in messages)
        {
            if (m.Session != session || m.Round != round || m.Sender == self || !parties.Contains(m.Sender))
            {
                strangers.Add(m.Sender);
            }
            else if (!result.TryAdd(m.Sender, m))
            {
                duplicates.Add(m.Sender);
            }
        }

        Abort(AbortReason.UnexpectedParticipant, [.. strangers], $"a round-{round} message is from another session, round, or an unknown party");
        Abort(AbortReason.Equivocation, [.. duplicates], $"more than one round-{round} message from the same party");
        Abort(AbortReason.UnexpectedParticipant, [.. parties.Where(p => p != self && !result.ContainsKey(p))], $"round-{round} message missing");
        return result;
    }

    /// <summary>
    /// The reliability check: every echo must list, in participant order, the same round-one
    /// commitments this party received. A mismatch at position k means party k sent different
    /// commitments to different parties; all such parties are named.
    /// </summary>
    internal static void CheckEchoes(IEnumerable<(ParticipantId Sender, IReadOnlyList<byte[]> Commitments)> echoes, IReadOnlyList<ParticipantId> parties, IReadOnlyDictionary<ParticipantId, byte[]> received)
    {
        var list = echoes.ToList();
        Abort(AbortReason.MalformedMessage, [.. list.Where(e => e.Commitments.Count != parties.Count).Select(e => e.Sender).Order()], "an echo must list one commitment per party");
        var equivocators = new SortedSet<ParticipantId>();
        foreach (var (_, commitments) in list)
        {
            for (var k = 0; k < parties.Count; k++)
            {
                if (!CryptographicOperations.FixedTimeEquals(commitments[k], received[parties[k]]))
                {
                    equivocators.Add(parties[k]);
                }
            }
        }

        Abort(AbortReason.Equivocation, [.. equivocators], "parties received different round-one commitments");
    }

    /// <summary>Throws <see cref="ProtocolAbortException"/> when <paramref name="culprits"/> is not empty.</summary>
    internal static void Abort(AbortReason reason, List<ParticipantId> culprits, string detail)
    {
        if (culprits.Count > 0)
        {
            throw new ProtocolAbortException(reason, culprits, detail);
        }
    }

    /// <summary>Validates the party list: distinct, contains self.</summary>
    internal static List<ParticipantId> PartyList(IReadOnlyCollection<ParticipantId> parties, ParticipantId self)
    {
        ArgumentNullException.ThrowIfNull(parties);
        List<ParticipantId> list = [.. parties.Distinct().Order()];
        if (list.Count != parties.Count)
        {
            throw new ArgumentException("Duplicate participant identifiers.", nameof(parties));
        }

        if (!list.Contains(self))
        {
            throw new ArgumentException($"Participant {self} is not in the party list.", nameof(self));
        }

        return list;
    }
}

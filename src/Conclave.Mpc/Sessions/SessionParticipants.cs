using Conclave.Threshold;

namespace Conclave.Mpc.Sessions;

/// <summary>Node id ↔ participant id: the ordinally sorted node list, participant i at index i - 1.</summary>
internal static class SessionParticipants
{
    internal static List<string> Canonical(IEnumerable<string> nodeIds, string self, string paramName)
    {
        ArgumentNullException.ThrowIfNull(nodeIds, paramName);
        var list = nodeIds.Order(StringComparer.Ordinal).ToList();
        if (list.Distinct(StringComparer.Ordinal).Count() != list.Count)
        {
            throw new ArgumentException("A node is listed twice.", paramName);
        }

        if (!list.Contains(self, StringComparer.Ordinal))
        {
            throw new ArgumentException($"Node {self} is not among the listed nodes.", paramName);
        }

        return list;
    }

    internal static ParticipantId IdOf(IReadOnlyList<string> participants, string nodeId)
    {
        for (var i = 0; i < participants.Count; i++)
        {
            if (string.Equals(participants[i], nodeId, StringComparison.Ordinal))
            {
                return new ParticipantId((ushort)(i + 1));
            }
        }

        throw new ArgumentException($"Node {nodeId} is not a participant.", nameof(nodeId));
    }
}

using System.Globalization;
using Conclave.Threshold;

namespace Conclave.Benchmarks;

/// <summary>Parses the "t-of-n" strings used as benchmark parameters.</summary>
internal static class CommitteeConfig
{
    public static (int MinSigners, int MaxSigners) Parse(string config)
    {
        var parts = config.Split("-of-");
        if (parts.Length != 2)
        {
            throw new ArgumentException($"Expected 't-of-n', got '{config}'.", nameof(config));
        }

        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    /// <summary>Participants 1..count.</summary>
    public static ParticipantId[] Ids(int count) =>
        [.. Enumerable.Range(1, count).Select(i => new ParticipantId((ushort)i))];
}

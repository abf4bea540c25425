using System.Globalization;

namespace Conclave.Threshold;

/// <summary>
/// A participant identifier: a non-zero integer, encoded on the wire as the scalar of the same
/// value (RFC 9591 §5: identifiers are non-zero scalars).
/// </summary>
public readonly record struct ParticipantId : IComparable<ParticipantId>
{
    /// <summary>Creates an identifier; zero is not a valid identifier.</summary>
    public ParticipantId(ushort value)
    {
        if (value == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "Participant identifiers start at 1.");
        }

        Value = value;
    }

    /// <summary>The integer value.</summary>
    public ushort Value { get; }

    /// <inheritdoc />
    public int CompareTo(ParticipantId other) => Value.CompareTo(other.Value);

    /// <summary>Less-than by value.</summary>
    public static bool operator <(ParticipantId left, ParticipantId right) => left.Value < right.Value;

    /// <summary>Greater-than by value.</summary>
    public static bool operator >(ParticipantId left, ParticipantId right) => left.Value > right.Value;

    /// <summary>Less-or-equal by value.</summary>
    public static bool operator <=(ParticipantId left, ParticipantId right) => left.Value <= right.Value;

    /// <summary>Greater-or-equal by value.</summary>
    public static bool operator >=(ParticipantId left, ParticipantId right) => left.Value >= right.Value;

    /// <inheritdoc />
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

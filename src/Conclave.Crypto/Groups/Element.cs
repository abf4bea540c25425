using System.Diagnostics;

namespace Conclave.Crypto.Groups;

/// <summary>
/// An element of a prime-order group. Immutable; public data only. The identity is represented
/// explicitly (libsecp256k1 cannot represent it). Elements from <see cref="PrimeOrderGroup.TryDeserializeElement"/>
/// are valid by construction: canonical, on the curve, in the prime-order subgroup, not the identity.
/// </summary>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class Element : IEquatable<Element>
{
    private byte[]? _encoding;

    internal Element(PrimeOrderGroup group, byte[]? representation)
    {
        Group = group;
        Representation = representation;
    }

    /// <summary>The group this element belongs to.</summary>
    public PrimeOrderGroup Group { get; }

    /// <summary>Whether this is the identity element.</summary>
    public bool IsIdentity => Representation is null;

    /// <summary>The group's internal representation (null for the identity).</summary>
    internal byte[]? Representation { get; }

    /// <summary>The canonical encoding (cached); the identity encodes as the group defines it.</summary>
    internal ReadOnlySpan<byte> Encoding => _encoding ??= Group.EncodeCore(this);

    /// <inheritdoc />
    public bool Equals(Element? other) =>
        other is not null && ReferenceEquals(Group, other.Group) && Encoding.SequenceEqual(other.Encoding);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Element e && Equals(e);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = default(HashCode);
        h.AddBytes(Encoding);
        return h.ToHashCode();
    }

    /// <summary>Hex of the canonical encoding, or "identity".</summary>
    public override string ToString() => IsIdentity ? "identity" : Convert.ToHexStringLower(Encoding);
}

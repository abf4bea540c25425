namespace Conclave.Threshold;

/// <summary>
/// A protocol session identifier (16 to 64 bytes, normally derived by the session layer from the
/// request and a fresh nonce). Bound into every transcript and carried by every message.
/// </summary>
public readonly struct SessionId : IEquatable<SessionId>
{
    private readonly byte[]? _bytes;

    /// <summary>Creates the id (copies the bytes).</summary>
    public SessionId(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length is < 16 or > 64)
        {
            throw new ArgumentException("A session id has 16 to 64 bytes.", nameof(bytes));
        }

        _bytes = bytes.ToArray();
    }

    /// <summary>The bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>A fresh random 32-byte id.</summary>
    public static SessionId Random() => new(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>Equality by value.</summary>
    public static bool operator ==(SessionId left, SessionId right) => left.Equals(right);

    /// <summary>Inequality by value.</summary>
    public static bool operator !=(SessionId left, SessionId right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(SessionId other) => Bytes.SequenceEqual(other.Bytes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SessionId s && Equals(s);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = default(HashCode);
        h.AddBytes(Bytes);
        return h.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => Convert.ToHexStringLower(Bytes);
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Conclave.Kms.Keys;

/// <summary>
/// The internal identifier of a key: <c>SHA-256(lp("kms") ‖ lp(tenant) ‖ lp(keyId))</c> with 4-byte
/// big-endian length prefixes. Stores key every row of a key by its lane, so a key id presented
/// under another tenant names a different lane and can never reach this key's rows by accident.
/// </summary>
public static class KeyLane
{
    /// <summary>The lane of <paramref name="keyId"/> in <paramref name="tenant"/> (32 bytes).</summary>
    public static byte[] Compute(string tenant, string keyId)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(keyId);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, "kms"u8);
        Append(hash, Encoding.UTF8.GetBytes(tenant));
        Append(hash, Encoding.UTF8.GetBytes(keyId));
        return hash.GetHashAndReset();
    }

    private static void Append(IncrementalHash hash, ReadOnlySpan<byte> value)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, value.Length);
        hash.AppendData(length);
        hash.AppendData(value);
    }
}

using System.Security.Cryptography;
using System.Text;

namespace Conclave.Crypto.Hashing;

/// <summary>BIP-340 tagged hashes: hash_tag(x) = SHA256(SHA256(tag) || SHA256(tag) || x).</summary>
public static class TaggedHash
{
    /// <summary>Computes hash_tag(x) for the UTF-8 tag, writing 32 bytes.</summary>
    public static void Compute(string tag, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(tag);
        Span<byte> tagHash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(tag), tagHash);
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData(tagHash);
        h.AppendData(tagHash);
        h.AppendData(data);
        if (!h.TryGetHashAndReset(destination, out var written) || written != 32)
        {
            throw new ArgumentException("Destination must hold 32 bytes.", nameof(destination));
        }
    }

    /// <summary>Computes hash_tag(x1 || x2 || ...). (A separate name, so a call with a destination array can never bind here.)</summary>
    public static byte[] ComputeParts(string tag, params ReadOnlySpan<byte[]> parts)
    {
        ArgumentNullException.ThrowIfNull(tag);
        Span<byte> tagHash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(tag), tagHash);
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData(tagHash);
        h.AppendData(tagHash);
        foreach (var p in parts)
        {
            h.AppendData(p);
        }

        return h.GetHashAndReset();
    }
}

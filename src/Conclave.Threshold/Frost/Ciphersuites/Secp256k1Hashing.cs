using System.Security.Cryptography;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Hashing;

namespace Conclave.Threshold.Frost.Ciphersuites;

/// <summary>hash_to_field for the secp256k1 scalar field (RFC 9380 §5.2, m = 1, L = 48), shared by both secp256k1 suites.</summary>
internal static class Secp256k1Hashing
{
    internal static void HashToField(ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst, Span<byte> scalar)
    {
        var uniform = ExpandMessageXmd.Sha256(message, dst, 48);
        try
        {
            Secp256k1Group.Instance.ScalarReduce(uniform, scalar); // OS2IP(uniform) mod n
        }
        finally
        {
            CryptographicOperations.ZeroMemory(uniform);
        }
    }
}

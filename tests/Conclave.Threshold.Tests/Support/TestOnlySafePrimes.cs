using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;

namespace Conclave.Threshold.Tests.Support;

/// <summary>
/// TEST-ONLY 1024-bit safe primes (TestData/test-only-safe-primes-1024.txt, shared with
/// Conclave.Crypto.Tests) so protocol tests need not search for primes. Never use them for real keys.
/// </summary>
internal static class TestOnlySafePrimes
{
    private static readonly Lazy<string[]> Lines = new(() =>
        [.. File.ReadLines(Path.Combine(AppContext.BaseDirectory, "TestData", "test-only-safe-primes-1024.txt"))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))]);

    /// <summary>A Paillier key from fixture primes <paramref name="i"/> and <paramref name="j"/> (2048-bit N).</summary>
    public static PaillierSecretKey CreateKey(int i, int j)
    {
        using var p = GmpInteger.FromBytes(Convert.FromHexString(Lines.Value[i]));
        using var q = GmpInteger.FromBytes(Convert.FromHexString(Lines.Value[j]));
        return new PaillierSecretKey(p, q);
    }
}

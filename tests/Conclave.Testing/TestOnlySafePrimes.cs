using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;

namespace Conclave.Testing;

/// <summary>
/// TEST-ONLY 1024-bit safe primes from TestData/test-only-safe-primes-1024.txt, generated once with
/// <see cref="SafePrimes.Generate"/> so tests need not spend seconds on fresh ones (ARCHITECTURE.md
/// allows pre-generated primes in tests only). They are public: never use them for real keys.
/// </summary>
public static class TestOnlySafePrimes
{
    private static readonly Lazy<string[]> Lines = new(Load);

    /// <summary>How many primes the fixture holds.</summary>
    public static int Count => Lines.Value.Length;

    /// <summary>A new copy of prime <paramref name="index"/> (the caller disposes it).</summary>
    public static GmpInteger Get(int index) => GmpInteger.FromBytes(Convert.FromHexString(Lines.Value[index]));

    /// <summary>A Paillier key N = p_i · p_j from primes <paramref name="i"/> and <paramref name="j"/> (2048 bits).</summary>
    /// <summary>
    /// A Paillier key source for nodes under test: each call builds a key from the next unused pair
    /// of the 16 primes (8 keys, then it wraps around, so at most 8 parties may draw from one source).
    /// </summary>
    public static Func<CancellationToken, Task<PaillierSecretKey>> KeySource()
    {
        var next = -1;
        return _ =>
        {
            var pair = Interlocked.Increment(ref next) % (Count / 2);
            return Task.FromResult(CreateKey(2 * pair, (2 * pair) + 1));
        };
    }

    public static PaillierSecretKey CreateKey(int i, int j)
    {
        using var p = Get(i);
        using var q = Get(j);
        return new PaillierSecretKey(p, q);
    }

    private static string[] Load() =>
        [.. File.ReadLines(Path.Combine(AppContext.BaseDirectory, "TestData", "test-only-safe-primes-1024.txt"))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))];
}

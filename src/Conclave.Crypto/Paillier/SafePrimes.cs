using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Random;

namespace Conclave.Crypto.Paillier;

/// <summary>
/// Safe-prime generation: p = 2p' + 1 with p and p' prime. Candidates p' are sieved so that
/// neither p' nor 2p' + 1 has a small factor (p' mod r ∉ {0, (r-1)/2} for the first odd primes r,
/// as in the CGGMP21 implementation spec §2.1), then p' and p are tested with GMP's
/// <c>mpz_probab_prime_p</c> (trial division, Baillie-PSW, Miller-Rabin). The search runs on
/// several threads; the first safe prime found wins.
/// </summary>
public static class SafePrimes
{
    private const int SievePrimeCount = 2048;

    private static readonly uint[] SmallOddPrimes = BuildSmallPrimes(SievePrimeCount);

    /// <summary>
    /// Generates a random safe prime of exactly <paramref name="bits"/> bits with p ≡ 3 (mod 4)
    /// (true of every safe prime above 7), so products of two are Paillier-Blum moduli. The two
    /// top bits are set so a product of two such primes has exactly 2·bits bits.
    /// </summary>
    public static GmpInteger Generate(int bits, IRandomSource? random = null, int parallelism = 0, CancellationToken cancellationToken = default)
    {
        if (bits < 16)
        {
            throw new ArgumentOutOfRangeException(nameof(bits), "Safe primes below 16 bits are not supported.");
        }

        random ??= SystemRandomSource.Instance;
        parallelism = parallelism <= 0 ? Environment.ProcessorCount : parallelism;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        GmpInteger? found = null;
        var gate = new object();
        var workers = Enumerable.Range(0, parallelism).Select(_ => Task.Factory.StartNew(
            () =>
            {
                var p = Search(bits, random, cts.Token);
                if (p is null)
                {
                    return;
                }

                lock (gate)
                {
                    if (found is null)
                    {
                        found = p;
                        cts.Cancel();
                        return;
                    }
                }

                p.Dispose();
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        Task.WaitAll(workers, CancellationToken.None);
        if (cancellationToken.IsCancellationRequested)
        {
            found?.Dispose(); // a prime found just before cancellation is wiped, not leaked
            cancellationToken.ThrowIfCancellationRequested();
        }

        return found ?? throw new InvalidOperationException("Safe-prime search ended without a result.");
    }

    /// <summary>Whether <paramref name="p"/> is a safe prime (p and (p-1)/2 both probably prime).</summary>
    public static bool IsSafePrime(GmpInteger p)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (!p.IsOdd || p.CompareTo(5) < 0)
        {
            return false;
        }

        using var q = GmpInteger.ShiftRight(p, 1);
        return q.IsProbablePrime() && p.IsProbablePrime();
    }

    private static GmpInteger? Search(int bits, IRandomSource random, CancellationToken token)
    {
        var residues = new uint[SmallOddPrimes.Length];
        while (!token.IsCancellationRequested)
        {
            // p' has bits-1 bits with its top two bits set, and is odd with p' ≡ 1 (mod 2) so that p ≡ 3 (mod 4).
            using var candidate = GmpInteger.RandomBits(bits - 1, random);
            using var three = GmpInteger.FromUInt64(3);
            using var top = GmpInteger.ShiftLeft(three, bits - 3);
            using var withTop = OrTopAndOdd(candidate, top);
            for (var i = 0; i < residues.Length; i++)
            {
                residues[i] = (uint)withTop.ModSmall(SmallOddPrimes[i]);
            }

            // Walk p' + 2k while the top bits stay set; sieve each offset with the residues.
            for (uint delta = 0; delta < 1u << 20 && !token.IsCancellationRequested; delta += 2)
            {
                if (!PassesSieve(residues, delta))
                {
                    continue;
                }

                using var d = GmpInteger.FromUInt64(delta);
                using var q = GmpInteger.Add(withTop, d);
                if (q.BitLength != bits - 1)
                {
                    break;
                }

                if (!q.IsProbablePrime(25))
                {
                    continue;
                }

                using var twoQ = GmpInteger.ShiftLeft(q, 1);
                var p = GmpInteger.Add(twoQ, One);
                if (p.IsProbablePrime(25) && q.IsProbablePrime(40))
                {
                    return p;
                }

                p.Dispose();
            }
        }

        return null;
    }

    private static GmpInteger One { get; } = GmpInteger.FromUInt64(1);

    private static bool PassesSieve(uint[] residues, uint delta)
    {
        for (var i = 0; i < residues.Length; i++)
        {
            var r = SmallOddPrimes[i];
            var x = (uint)((residues[i] + (ulong)delta) % r);

            // r | p' or r | 2p'+1 (i.e. p' ≡ (r-1)/2 mod r).
            if (x == 0 || x == (r - 1) / 2)
            {
                return false;
            }
        }

        return true;
    }

    private static GmpInteger OrTopAndOdd(GmpInteger candidate, GmpInteger top)
    {
        // candidate < 2^(bits-1); force the two top bits and the low bit by arithmetic on the bytes.
        var width = (top.BitLength + 7) / 8;
        var c = candidate.ToBytes(width);
        var t = top.ToBytes(width);
        for (var i = 0; i < width; i++)
        {
            c[i] |= t[i];
        }

        c[^1] |= 1;
        try
        {
            return GmpInteger.FromBytes(c);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(c);
        }
    }

    private static uint[] BuildSmallPrimes(int count)
    {
        var primes = new List<uint>(count);
        for (uint n = 3; primes.Count < count; n += 2)
        {
            var isPrime = true;
            foreach (var p in primes)
            {
                if (p * p > n)
                {
                    break;
                }

                if (n % p == 0)
                {
                    isPrime = false;
                    break;
                }
            }

            if (isPrime)
            {
                primes.Add(n);
            }
        }

        return [.. primes];
    }
}

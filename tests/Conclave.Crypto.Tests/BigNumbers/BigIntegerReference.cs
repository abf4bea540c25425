using System.Numerics;
using System.Security.Cryptography;
using Conclave.Crypto.BigNumbers;

namespace Conclave.Crypto.Tests.BigNumbers;

/// <summary>
/// Slow, obviously-correct reference arithmetic on <see cref="BigInteger"/> (public test values only),
/// written independently of GMP so the binding is checked against something else.
/// </summary>
internal static class BigIntegerReference
{
    private static readonly int[] SmallPrimes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47];

    /// <summary>A GMP copy of a possibly negative value.</summary>
    public static GmpInteger ToGmp(BigInteger value)
    {
        if (value.Sign >= 0)
        {
            return GmpInteger.FromBigInteger(value);
        }

        using var magnitude = GmpInteger.FromBigInteger(-value);
        return GmpInteger.Negate(magnitude);
    }

    /// <summary>Reads a GMP value and disposes it.</summary>
    public static BigInteger Take(GmpInteger value)
    {
        using (value)
        {
            return value.ToBigInteger();
        }
    }

    /// <summary>a mod m in [0, m).</summary>
    public static BigInteger Mod(BigInteger a, BigInteger m)
    {
        var r = BigInteger.Remainder(a, m);
        return r.Sign < 0 ? r + m : r;
    }

    /// <summary>a^-1 mod m by the extended Euclidean algorithm, or null when gcd(a, m) != 1.</summary>
    public static BigInteger? Inverse(BigInteger a, BigInteger m)
    {
        BigInteger r0 = m, r1 = Mod(a, m), s0 = 0, s1 = 1;
        while (!r1.IsZero)
        {
            var q = BigInteger.Divide(r0, r1);
            (r0, r1) = (r1, r0 - (q * r1));
            (s0, s1) = (s1, s0 - (q * s1));
        }

        return r0.IsOne ? Mod(s0, m) : null;
    }

    /// <summary>b^e mod m in [0, m), a negative e meaning the inverse of b.</summary>
    public static BigInteger ModPow(BigInteger b, BigInteger e, BigInteger m)
    {
        if (e.Sign < 0)
        {
            var inverse = Inverse(b, m) ?? throw new ArithmeticException("no inverse");
            return ModPow(inverse, -e, m);
        }

        return Mod(BigInteger.ModPow(Mod(b, m), e, m), m);
    }

    /// <summary>The Jacobi symbol (a/n) for odd positive n, by quadratic reciprocity.</summary>
    public static int Jacobi(BigInteger a, BigInteger n)
    {
        if (n.Sign <= 0 || n.IsEven)
        {
            throw new ArgumentException("n must be odd and positive.", nameof(n));
        }

        a = Mod(a, n);
        var result = 1;
        while (!a.IsZero)
        {
            while (a.IsEven)
            {
                a /= 2;
                var r = (int)(n % 8);
                if (r is 3 or 5)
                {
                    result = -result;
                }
            }

            (a, n) = (n, a);
            if (a % 4 == 3 && n % 4 == 3)
            {
                result = -result;
            }

            a %= n;
        }

        return n.IsOne ? result : 0;
    }

    /// <summary>Primality by trial division (small values only).</summary>
    public static bool IsPrimeByTrialDivision(long n)
    {
        if (n < 2)
        {
            return false;
        }

        for (long d = 2; d * d <= n; d++)
        {
            if (n % d == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Miller-Rabin with random bases (error below 4^-rounds).</summary>
    public static bool IsProbablePrime(BigInteger n, int rounds = 24)
    {
        if (n < 2)
        {
            return false;
        }

        foreach (var p in SmallPrimes)
        {
            if (n == p)
            {
                return true;
            }

            if (n % p == 0)
            {
                return false;
            }
        }

        var d = n - 1;
        var s = 0;
        while (d.IsEven)
        {
            d >>= 1;
            s++;
        }

        for (var i = 0; i < rounds; i++)
        {
            var a = 2 + RandomBelow(n - 3);
            var x = BigInteger.ModPow(a, d, n);
            if (x.IsOne || x == n - 1)
            {
                continue;
            }

            var witness = true;
            for (var j = 1; j < s && witness; j++)
            {
                x = BigInteger.ModPow(x, 2, n);
                witness = x != n - 1;
            }

            if (witness)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A uniform value in [0, 2^bits) from the OS CSPRNG.</summary>
    public static BigInteger RandomBits(int bits)
    {
        var bytes = RandomNumberGenerator.GetBytes((bits + 7) / 8);
        if (bytes.Length > 0)
        {
            bytes[0] &= (byte)(0xFF >> ((bytes.Length * 8) - bits));
        }

        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }

    /// <summary>A uniform value in [0, bound) from the OS CSPRNG.</summary>
    public static BigInteger RandomBelow(BigInteger bound)
    {
        var bits = (int)bound.GetBitLength();
        while (true)
        {
            var x = RandomBits(bits);
            if (x < bound)
            {
                return x;
            }
        }
    }

    /// <summary>A random value of exactly <paramref name="bits"/> bits (top bit set).</summary>
    public static BigInteger RandomExactBits(int bits) => RandomBits(bits - 1) | (BigInteger.One << (bits - 1));

    /// <summary>A random odd value of exactly <paramref name="bits"/> bits.</summary>
    public static BigInteger RandomOdd(int bits) => RandomExactBits(bits) | BigInteger.One;

    /// <summary>A random prime of exactly <paramref name="bits"/> bits.</summary>
    public static BigInteger RandomPrime(int bits)
    {
        while (true)
        {
            var candidate = RandomOdd(bits);
            if (IsProbablePrime(candidate))
            {
                return candidate;
            }
        }
    }

    /// <summary>m mod n mapped to the signed range [-(n-1)/2, (n-1)/2] for odd n, i.e. (-n/2, n/2].</summary>
    public static BigInteger Signed(BigInteger m, BigInteger n)
    {
        var r = Mod(m, n);
        return r > n / 2 ? r - n : r;
    }
}

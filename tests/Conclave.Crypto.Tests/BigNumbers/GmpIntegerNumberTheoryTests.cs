using System.Numerics;
using Conclave.Crypto.BigNumbers;
using static Conclave.Crypto.Tests.BigNumbers.BigIntegerReference;

namespace Conclave.Crypto.Tests.BigNumbers;

/// <summary><see cref="GmpInteger"/>: Jacobi symbols, primality and perfect squares.</summary>
public sealed class GmpIntegerNumberTheoryTests
{
    [Fact]
    public void Jacobi_matches_a_reference_implementation_on_all_small_inputs()
    {
        for (var n = 1; n < 200; n += 2)
        {
            using var gn = GmpInteger.FromUInt64((ulong)n);
            for (var a = -60; a <= 260; a++)
            {
                using var ga = ToGmp(a);
                Assert.Equal(Jacobi(a, n), GmpInteger.Jacobi(ga, gn));
            }
        }
    }

    [Fact]
    public void Jacobi_matches_a_reference_implementation_on_large_inputs()
    {
        for (var i = 0; i < 50; i++)
        {
            var n = RandomOdd(i < 25 ? 256 : 2048);
            var a = i % 3 == 0 ? -RandomBits(300) : RandomBits(2100);
            using var gn = ToGmp(n);
            using var ga = ToGmp(a);
            Assert.Equal(Jacobi(a, n), GmpInteger.Jacobi(ga, gn));
        }
    }

    [Fact]
    public void Jacobi_is_the_Legendre_symbol_modulo_a_prime()
    {
        var p = RandomPrime(256);
        using var gp = ToGmp(p);
        for (var i = 0; i < 40; i++)
        {
            var a = RandomBelow(p - 1) + 1;
            using var ga = ToGmp(a);
            var euler = BigInteger.ModPow(a, (p - 1) / 2, p);
            Assert.Equal(euler.IsOne ? 1 : -1, GmpInteger.Jacobi(ga, gp));

            using var square = ToGmp(a * a % p);
            Assert.Equal(1, GmpInteger.Jacobi(square, gp));
        }

        using var multiple = ToGmp(p * 3);
        Assert.Equal(0, GmpInteger.Jacobi(multiple, gp));
    }

    [Fact]
    public void Jacobi_rejects_an_even_or_negative_n()
    {
        using var a = GmpInteger.FromUInt64(3);
        using var even = GmpInteger.FromUInt64(10);
        using var zero = new GmpInteger();
        using var negative = ToGmp(-7);
        Assert.Throws<ArgumentException>(() => GmpInteger.Jacobi(a, even));
        Assert.Throws<ArgumentException>(() => GmpInteger.Jacobi(a, zero));
        Assert.Throws<ArgumentException>(() => GmpInteger.Jacobi(a, negative));
    }

    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    [InlineData("5")]
    [InlineData("7919")]
    [InlineData("65537")]
    [InlineData("2147483647")] // 2^31 - 1
    [InlineData("2305843009213693951")] // 2^61 - 1
    [InlineData("170141183460469231731687303715884105727")] // 2^127 - 1
    [InlineData("115792089237316195423570985008687907853269984665640564039457584007908834671663")] // secp256k1 p
    [InlineData("57896044618658097711785492504343953926634992332820282019728792003956564819949")] // 2^255 - 19
    public void IsProbablePrime_accepts_known_primes(string value)
    {
        using var x = ToGmp(BigInteger.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(x.IsProbablePrime());
        Assert.True(x.IsProbablePrime(1));
    }

    [Fact]
    public void IsProbablePrime_accepts_the_Mersenne_prime_2_521_minus_1_and_rejects_2_523_minus_1()
    {
        using var m521 = ToGmp((BigInteger.One << 521) - 1);
        using var m523 = ToGmp((BigInteger.One << 523) - 1);
        Assert.True(m521.IsProbablePrime());
        Assert.False(m523.IsProbablePrime());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("4")]
    [InlineData("9")]
    [InlineData("561")] // Carmichael numbers: Fermat liars for every coprime base
    [InlineData("1105")]
    [InlineData("1729")]
    [InlineData("41041")]
    [InlineData("825265")]
    [InlineData("321197185")]
    [InlineData("2047")] // strong pseudoprime to base 2
    [InlineData("3215031751")] // strong pseudoprime to bases 2, 3, 5 and 7
    [InlineData("3825123056546413051")] // strong pseudoprime to the first nine prime bases
    [InlineData("318665857834031151167461")] // strong pseudoprime to the first twelve prime bases
    [InlineData("340282366920938463463374607431768211457")] // 2^128 + 1 (Fermat F7, composite)
    public void IsProbablePrime_rejects_composites_including_Carmichael_numbers_and_pseudoprimes(string value)
    {
        using var x = ToGmp(BigInteger.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(x.IsProbablePrime());
    }

    [Fact]
    public void IsProbablePrime_rejects_products_of_two_large_primes_and_agrees_with_trial_division_below_5000()
    {
        for (var i = 0; i < 3; i++)
        {
            using var n = ToGmp(RandomPrime(256) * RandomPrime(256));
            Assert.False(n.IsProbablePrime());
        }

        var p = RandomPrime(512);
        using var gp = ToGmp(p);
        Assert.True(gp.IsProbablePrime());
        using var square = ToGmp(p * p);
        Assert.False(square.IsProbablePrime());

        for (var k = 0; k < 5000; k++)
        {
            using var x = GmpInteger.FromUInt64((ulong)k);
            Assert.Equal(IsPrimeByTrialDivision(k), x.IsProbablePrime());
        }
    }

    [Fact]
    public void IsPerfectSquare_recognises_squares_only()
    {
        for (var i = 0; i < 20; i++)
        {
            var root = RandomBits(i < 10 ? 40 : 1500);
            using var square = ToGmp(root * root);
            using var next = ToGmp((root * root) + 1);
            using var before = ToGmp((root * root) + (2 * root) + 2); // (root + 1)² + 1 is never a square
            Assert.True(square.IsPerfectSquare());
            Assert.Equal(root.IsZero, next.IsPerfectSquare()); // 0² + 1 = 1 is the only square of this form
            Assert.False(before.IsPerfectSquare());
        }

        for (var k = 0; k < 2000; k++)
        {
            var r = (int)Math.Sqrt(k);
            using var x = GmpInteger.FromUInt64((ulong)k);
            Assert.Equal(r * r == k, x.IsPerfectSquare());
        }

        using var negative = ToGmp(-4);
        Assert.False(negative.IsPerfectSquare());
    }
}

using System.Diagnostics;
using System.Numerics;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Tests.BigNumbers;
using Org.BouncyCastle.Crypto.Agreement;
using static Conclave.Crypto.Tests.BigNumbers.BigIntegerReference;

namespace Conclave.Crypto.Tests.Paillier;

/// <summary>
/// <see cref="SafePrimes"/>: generated primes are safe (checked independently with a BigInteger
/// Miller-Rabin), have exactly the requested size and shape, and <see cref="SafePrimes.IsSafePrime"/>
/// separates safe primes from other primes and composites. Production keys use 1024-bit primes;
/// most tests here stay at or below 512 bits for speed.
/// </summary>
public sealed class SafePrimesTests
{
    [Theory]
    [InlineData(256)]
    [InlineData(512)]
    public void Generate_returns_a_safe_prime_of_exactly_the_requested_size(int bits)
    {
        for (var i = 0; i < 3; i++)
        {
            using var p = SafePrimes.Generate(bits, cancellationToken: TestContext.Current.CancellationToken);
            AssertWellShapedSafePrime(p, bits);
        }
    }

    [Fact]
    public void Generate_returns_a_1024_bit_safe_prime_as_used_for_real_keys()
    {
        using var p = SafePrimes.Generate(1024, cancellationToken: TestContext.Current.CancellationToken);
        AssertWellShapedSafePrime(p, 1024);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(20)]
    [InlineData(24)]
    [InlineData(31)]
    [InlineData(40)]
    public void Generate_small_sizes_give_safe_primes_confirmed_by_trial_division(int bits)
    {
        for (var i = 0; i < 5; i++)
        {
            using var p = SafePrimes.Generate(bits, parallelism: 1, cancellationToken: TestContext.Current.CancellationToken);
            var value = (long)p.ToBigInteger();
            Assert.True(IsPrimeByTrialDivision(value), $"{value} is not prime");
            Assert.True(IsPrimeByTrialDivision((value - 1) / 2), $"({value} - 1) / 2 is not prime");
            Assert.Equal(bits, p.BitLength);
            Assert.Equal(3, value >> (bits - 2));
            Assert.Equal(3, value % 4);
        }
    }

    [Fact]
    public void Generate_gives_different_primes_on_each_call()
    {
        var ct = TestContext.Current.CancellationToken;
        using var a = SafePrimes.Generate(256, cancellationToken: ct);
        using var b = SafePrimes.Generate(256, cancellationToken: ct);
        Assert.NotEqual(0, a.CompareTo(b));
    }

    [Fact]
    public void Generate_is_reproducible_with_a_seeded_source_on_one_thread()
    {
        var ct = TestContext.Current.CancellationToken;
        using var a = SafePrimes.Generate(256, new SeededRandomSource("safe-prime-1"), parallelism: 1, cancellationToken: ct);
        using var b = SafePrimes.Generate(256, new SeededRandomSource("safe-prime-1"), parallelism: 1, cancellationToken: ct);
        using var c = SafePrimes.Generate(256, new SeededRandomSource("safe-prime-2"), parallelism: 1, cancellationToken: ct);
        Assert.Equal(a.ToBigInteger(), b.ToBigInteger());
        Assert.NotEqual(a.ToBigInteger(), c.ToBigInteger());
        AssertWellShapedSafePrime(a, 256);
        AssertWellShapedSafePrime(c, 256);
    }

    [Theory]
    [InlineData(15)]
    [InlineData(2)]
    [InlineData(0)]
    [InlineData(-1)]
    public void Generate_rejects_sizes_below_16_bits(int bits)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SafePrimes.Generate(bits, cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Generate_with_an_already_cancelled_token_throws_OperationCanceledException()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => SafePrimes.Generate(512, cancellationToken: cts.Token));
    }

    [Fact]
    public void Generate_stops_promptly_when_cancelled_during_the_search()
    {
        // A 4096-bit safe prime takes minutes on two cores, so the search is still running at 200 ms.
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromMilliseconds(200));
        var stopwatch = Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => SafePrimes.Generate(4096, parallelism: 2, cancellationToken: cts.Token));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"cancellation took {stopwatch.Elapsed}");
    }

    [Theory]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(11)]
    [InlineData(23)]
    [InlineData(47)]
    [InlineData(59)]
    [InlineData(83)]
    [InlineData(107)]
    [InlineData(167)]
    [InlineData(179)]
    [InlineData(227)]
    [InlineData(263)]
    [InlineData(2879)]
    public void IsSafePrime_accepts_small_safe_primes(int value)
    {
        using var p = GmpInteger.FromUInt64((ulong)value);
        Assert.True(SafePrimes.IsSafePrime(p));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)] // (3 - 1) / 2 = 1 is not prime
    [InlineData(4)]
    [InlineData(13)] // prime, but 6 is not
    [InlineData(17)]
    [InlineData(29)] // prime, but 14 is not
    [InlineData(31)]
    [InlineData(37)]
    [InlineData(9)]
    [InlineData(15)] // (15 - 1) / 2 = 7 is prime, but 15 is not
    [InlineData(95)] // 47 is prime, 95 is not
    [InlineData(561)]
    [InlineData(41041)]
    [InlineData(22)]
    [InlineData(46)]
    [InlineData(1 << 20)]
    public void IsSafePrime_rejects_other_primes_composites_and_even_numbers(int value)
    {
        using var p = GmpInteger.FromUInt64((ulong)value);
        Assert.False(SafePrimes.IsSafePrime(p));
    }

    [Fact]
    public void IsSafePrime_agrees_with_trial_division_below_20000()
    {
        for (var n = 0; n < 20000; n++)
        {
            using var p = GmpInteger.FromUInt64((ulong)n);
            var expected = IsPrimeByTrialDivision(n) && IsPrimeByTrialDivision((n - 1) / 2);
            Assert.True(expected == SafePrimes.IsSafePrime(p), $"IsSafePrime({n}) should be {expected}");
        }
    }

    [Fact]
    public void IsSafePrime_rejects_negative_values()
    {
        foreach (var v in new[] { -5, -7, -23, -1 })
        {
            using var p = ToGmp(v);
            Assert.False(SafePrimes.IsSafePrime(p));
        }
    }

    [Fact]
    public void IsSafePrime_accepts_the_standard_RFC_2409_and_RFC_3526_Diffie_Hellman_primes()
    {
        foreach (var group in new[] { DHStandardGroups.rfc2409_768, DHStandardGroups.rfc2409_1024, DHStandardGroups.rfc3526_2048 })
        {
            var p = new BigInteger(group.P.ToByteArrayUnsigned(), isUnsigned: true, isBigEndian: true);
            using var gp = ToGmp(p);
            Assert.True(SafePrimes.IsSafePrime(gp));

            // Near misses: 3p is composite; p - 4 is safe exactly when it and (p - 5) / 2 are prime.
            using var timesThree = ToGmp(p * 3);
            Assert.False(SafePrimes.IsSafePrime(timesThree));
            using var minusFour = ToGmp(p - 4);
            Assert.Equal(IsProbablePrime(p - 4) && IsProbablePrime((p - 5) / 2), SafePrimes.IsSafePrime(minusFour));
        }
    }

    [Fact]
    public void IsSafePrime_rejects_large_primes_whose_half_is_composite()
    {
        var secp256k1 = (BigInteger.One << 256) - (BigInteger.One << 32) - 977; // prime, p ≡ 3 (mod 4), (p-1)/2 composite
        var m127 = (BigInteger.One << 127) - 1; // (p-1)/2 = 2^126 - 1 = 3 · ...
        foreach (var p in new[] { secp256k1, m127 })
        {
            Assert.True(IsProbablePrime(p));
            Assert.False(IsProbablePrime((p - 1) / 2));
            using var gp = ToGmp(p);
            Assert.False(SafePrimes.IsSafePrime(gp));
        }

        // A random 256-bit prime is almost never safe; check against the reference either way.
        var q = RandomPrime(256);
        using var gq = ToGmp(q);
        Assert.Equal(IsProbablePrime((q - 1) / 2), SafePrimes.IsSafePrime(gq));
    }

    [Fact]
    public void IsSafePrime_rejects_products_of_generated_safe_primes()
    {
        var ct = TestContext.Current.CancellationToken;
        using var p = SafePrimes.Generate(128, cancellationToken: ct);
        using var q = SafePrimes.Generate(128, cancellationToken: ct);
        using var n = GmpInteger.Multiply(p, q);
        using var square = GmpInteger.Multiply(p, p);
        using var two = GmpInteger.FromUInt64(2);
        using var twice = GmpInteger.Multiply(p, two);
        using var one = GmpInteger.FromUInt64(1);
        using var twicePlusOne = GmpInteger.Add(twice, one);
        Assert.False(SafePrimes.IsSafePrime(n));
        Assert.False(SafePrimes.IsSafePrime(square));
        Assert.False(SafePrimes.IsSafePrime(twice));
        Assert.Equal(IsProbablePrime(twicePlusOne.ToBigInteger()), SafePrimes.IsSafePrime(twicePlusOne)); // p itself is prime: 2p + 1 is safe iff prime
    }

    /// <summary>Checks size, the two top bits, p ≡ 3 (mod 4), and primality of p and (p-1)/2 both with GMP and independently.</summary>
    internal static void AssertWellShapedSafePrime(GmpInteger p, int bits)
    {
        Assert.Equal(bits, p.BitLength);
        var value = p.ToBigInteger();
        Assert.Equal(new BigInteger(3), value >> (bits - 2));
        Assert.Equal(3UL, p.ModSmall(4));
        Assert.True(SafePrimes.IsSafePrime(p));
        Assert.True(IsProbablePrime(value), "p fails the reference Miller-Rabin test");
        Assert.True(IsProbablePrime((value - 1) / 2), "(p-1)/2 fails the reference Miller-Rabin test");
        using var half = GmpInteger.ShiftRight(p, 1);
        Assert.True(half.IsProbablePrime());
        Assert.True(p.IsProbablePrime());
    }
}

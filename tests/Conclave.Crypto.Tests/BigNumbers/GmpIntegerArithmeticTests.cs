using System.Numerics;
using System.Security.Cryptography;
using Conclave.Crypto.BigNumbers;
using static Conclave.Crypto.Tests.BigNumbers.BigIntegerReference;

namespace Conclave.Crypto.Tests.BigNumbers;

/// <summary><see cref="GmpInteger"/> arithmetic against <see cref="BigInteger"/> on random and edge values.</summary>
public sealed class GmpIntegerArithmeticTests
{
    private static readonly int[] Sizes = [1, 2, 63, 64, 65, 127, 256, 1000, 2048, 4096];

    [Fact]
    public void Add_Subtract_and_Multiply_agree_with_BigInteger()
    {
        var values = SignedValues();
        foreach (var a in values)
        {
            foreach (var b in values)
            {
                using var ga = ToGmp(a);
                using var gb = ToGmp(b);
                Assert.Equal(a + b, Take(GmpInteger.Add(ga, gb)));
                Assert.Equal(a - b, Take(GmpInteger.Subtract(ga, gb)));
                Assert.Equal(a * b, Take(GmpInteger.Multiply(ga, gb)));
            }
        }
    }

    [Fact]
    public void Subtract_gives_negative_results_that_feed_back_into_arithmetic()
    {
        using var small = GmpInteger.FromUInt64(3);
        using var large = GmpInteger.FromBigInteger(BigInteger.One << 4096);
        using var difference = GmpInteger.Subtract(small, large);
        Assert.True(difference.IsNegative);
        Assert.Equal(3 - (BigInteger.One << 4096), difference.ToBigInteger());

        using var back = GmpInteger.Add(difference, large);
        Assert.Equal(new BigInteger(3), back.ToBigInteger());
        using var product = GmpInteger.Multiply(difference, difference);
        Assert.False(product.IsNegative);
        Assert.Equal(BigInteger.Pow(3 - (BigInteger.One << 4096), 2), product.ToBigInteger());
        using var zero = GmpInteger.Subtract(small, small);
        Assert.True(zero.IsZero);
        Assert.False(zero.IsNegative);
    }

    [Fact]
    public void Negate_and_DivideExact_agree_with_BigInteger()
    {
        foreach (var a in SignedValues())
        {
            using var ga = ToGmp(a);
            Assert.Equal(-a, Take(GmpInteger.Negate(ga)));
            foreach (var b in SignedValues().Where(b => !b.IsZero).Take(8))
            {
                using var gb = ToGmp(b);
                using var product = GmpInteger.Multiply(ga, gb);
                Assert.Equal(a, Take(GmpInteger.DivideExact(product, gb)));
            }
        }
    }

    [Fact]
    public void Mod_lies_in_zero_to_m_also_for_negative_a()
    {
        foreach (var m in Moduli())
        {
            using var gm = ToGmp(m);
            foreach (var a in SignedValues())
            {
                using var ga = ToGmp(a);
                using var r = GmpInteger.Mod(ga, gm);
                Assert.False(r.IsNegative);
                Assert.True(r.CompareTo(gm) < 0);
                Assert.Equal(Mod(a, m), r.ToBigInteger());
            }
        }

        using var minusOne = ToGmp(-1);
        using var seven = GmpInteger.FromUInt64(7);
        Assert.Equal(6, (int)Take(GmpInteger.Mod(minusOne, seven)));
        using var minusSeven = ToGmp(-7);
        Assert.True(Take(GmpInteger.Mod(minusSeven, seven)).IsZero);
    }

    [Fact]
    public void Modular_operations_reject_a_zero_or_negative_modulus()
    {
        using var a = GmpInteger.FromUInt64(5);
        using var zero = new GmpInteger();
        using var negative = ToGmp(-7);
        foreach (var m in new[] { zero, negative })
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => GmpInteger.Mod(a, m));
            Assert.Throws<ArgumentOutOfRangeException>(() => GmpInteger.MultiplyMod(a, a, m));
            Assert.Throws<ArgumentOutOfRangeException>(() => GmpInteger.AddMod(a, a, m));
            Assert.Throws<ArgumentOutOfRangeException>(() => GmpInteger.PowModPublic(a, a, m));
            Assert.Throws<ArgumentOutOfRangeException>(() => GmpInteger.PowModSecret(a, a, m));
            Assert.Throws<ArgumentOutOfRangeException>(() => GmpInteger.Invert(a, m));
        }
    }

    [Fact]
    public void MultiplyMod_and_AddMod_agree_with_BigInteger()
    {
        foreach (var m in Moduli())
        {
            using var gm = ToGmp(m);
            foreach (var (a, b) in Pairs(SignedValues(), 12))
            {
                using var ga = ToGmp(a);
                using var gb = ToGmp(b);
                Assert.Equal(Mod(a * b, m), Take(GmpInteger.MultiplyMod(ga, gb, gm)));
                Assert.Equal(Mod(a + b, m), Take(GmpInteger.AddMod(ga, gb, gm)));
            }
        }
    }

    [Fact]
    public void PowModPublic_and_PowModSecret_agree_with_BigInteger_ModPow()
    {
        foreach (var bits in new[] { 2, 64, 256, 1024, 2048 })
        {
            for (var i = 0; i < 4; i++)
            {
                var m = RandomOdd(bits);
                var b = RandomBits(bits + 40); // also bases above the modulus
                var e = RandomBits(bits);
                using var gm = ToGmp(m);
                using var gb = ToGmp(b);
                using var ge = ToGmp(e);
                var expected = BigInteger.ModPow(b, e, m);
                Assert.Equal(expected, Take(GmpInteger.PowModPublic(gb, ge, gm)));
                Assert.Equal(expected, Take(GmpInteger.PowModSecret(gb, ge, gm)));
            }
        }
    }

    [Fact]
    public void PowMod_handles_4096_bit_operands()
    {
        var m = RandomOdd(4096);
        var b = RandomBelow(m);
        var e = RandomBits(4096);
        using var gm = ToGmp(m);
        using var gb = ToGmp(b);
        using var ge = ToGmp(e);
        var expected = BigInteger.ModPow(b, e, m);
        Assert.Equal(expected, Take(GmpInteger.PowModPublic(gb, ge, gm)));
        Assert.Equal(expected, Take(GmpInteger.PowModSecret(gb, ge, gm)));
    }

    [Fact]
    public void PowMod_with_an_even_modulus_works_publicly_and_is_rejected_for_secret_exponents()
    {
        var m = RandomExactBits(512) & ~BigInteger.One;
        var b = RandomBelow(m);
        var e = RandomBits(300);
        using var gm = ToGmp(m);
        using var gb = ToGmp(b);
        using var ge = ToGmp(e);
        Assert.Equal(BigInteger.ModPow(b, e, m), Take(GmpInteger.PowModPublic(gb, ge, gm)));
        Assert.Throws<ArgumentException>(() => GmpInteger.PowModSecret(gb, ge, gm));

        using var two = GmpInteger.FromUInt64(2);
        Assert.Throws<ArgumentException>(() => GmpInteger.PowModSecret(gb, ge, two));
    }

    [Fact]
    public void PowMod_with_a_negative_base_is_reduced_into_zero_to_m()
    {
        var m = RandomOdd(256);
        var b = -RandomBits(300);
        using var gm = ToGmp(m);
        using var gb = ToGmp(b);
        foreach (var e in new BigInteger[] { 1, 2, 3, RandomBits(200) | 1, RandomBits(200) & ~BigInteger.One })
        {
            using var ge = ToGmp(e);
            var expected = Mod(BigInteger.ModPow(b, e, m), m);
            Assert.Equal(expected, Take(GmpInteger.PowModPublic(gb, ge, gm)));
            Assert.Equal(expected, Take(GmpInteger.PowModSecret(gb, ge, gm)));
        }
    }

    [Fact]
    public void PowMod_with_exponent_zero_is_one_or_zero_modulo_one()
    {
        using var zero = new GmpInteger();
        using var one = GmpInteger.FromUInt64(1);
        using var m = GmpInteger.FromBigInteger(RandomOdd(512));
        using var b = GmpInteger.FromBigInteger(RandomBits(512));
        foreach (var baseValue in new[] { b, zero, one })
        {
            Assert.Equal(BigInteger.One, Take(GmpInteger.PowModPublic(baseValue, zero, m)));
            Assert.Equal(BigInteger.One, Take(GmpInteger.PowModSecret(baseValue, zero, m)));
            Assert.Equal(BigInteger.Zero, Take(GmpInteger.PowModPublic(baseValue, zero, one)));
            Assert.Equal(BigInteger.Zero, Take(GmpInteger.PowModSecret(baseValue, zero, one)));
        }

        // 0^e = 0 for e > 0.
        using var e = GmpInteger.FromUInt64(5);
        Assert.True(Take(GmpInteger.PowModPublic(zero, e, m)).IsZero);
        Assert.True(Take(GmpInteger.PowModSecret(zero, e, m)).IsZero);
    }

    [Fact]
    public void PowMod_with_a_negative_exponent_uses_the_inverse_of_the_base()
    {
        foreach (var m in new[] { RandomOdd(64), RandomPrime(256), RandomOdd(2048) })
        {
            var b = RandomBelow(m);
            while (Inverse(b, m) is null)
            {
                b = RandomBelow(m);
            }

            var bits = (int)m.GetBitLength();
            var e = RandomBits(bits);
            using var gm = ToGmp(m);
            using var gb = ToGmp(b);
            using var ge = ToGmp(-e);
            var expected = ModPow(b, -e, m);
            Assert.Equal(expected, Take(GmpInteger.PowModPublic(gb, ge, gm)));
            Assert.Equal(expected, Take(GmpInteger.PowModSecret(gb, ge, gm)));

            // b^-e · b^e = 1.
            Assert.Equal(BigInteger.One, Mod(expected * BigInteger.ModPow(b, e, m), m));
        }

        using var minusOne = ToGmp(-1);
        using var three = GmpInteger.FromUInt64(3);
        using var seven = GmpInteger.FromUInt64(7);
        Assert.Equal(5, (int)Take(GmpInteger.PowModPublic(three, minusOne, seven))); // 3 · 5 = 15 ≡ 1
        Assert.Equal(5, (int)Take(GmpInteger.PowModSecret(three, minusOne, seven)));
    }

    [Fact]
    public void PowMod_with_a_negative_exponent_and_a_non_invertible_base_throws()
    {
        using var m = GmpInteger.FromUInt64(15);
        using var b = GmpInteger.FromUInt64(6);
        using var e = ToGmp(-3);
        Assert.Throws<ArithmeticException>(() => GmpInteger.PowModPublic(b, e, m));
        Assert.Throws<ArithmeticException>(() => GmpInteger.PowModSecret(b, e, m));
    }

    [Fact]
    public void Invert_agrees_with_the_extended_Euclidean_algorithm()
    {
        foreach (var m in Moduli().Where(m => m > 1))
        {
            using var gm = ToGmp(m);
            foreach (var a in SignedValues())
            {
                using var ga = ToGmp(a);
                var expected = Inverse(a, m);
                using var inverse = GmpInteger.Invert(ga, gm);
                if (expected is null)
                {
                    Assert.Null(inverse);
                }
                else
                {
                    Assert.NotNull(inverse);
                    Assert.Equal(expected.Value, inverse.ToBigInteger());
                    Assert.Equal(BigInteger.One, Mod(a * inverse.ToBigInteger(), m));
                }
            }
        }
    }

    [Fact]
    public void Invert_is_null_when_not_coprime()
    {
        var p = RandomPrime(256);
        var q = RandomPrime(256);
        using var n = GmpInteger.FromBigInteger(p * q);
        using var gp = GmpInteger.FromBigInteger(p);
        using var multiple = GmpInteger.FromBigInteger(p * 12345);
        using var zero = new GmpInteger();
        using var six = GmpInteger.FromUInt64(6);
        using var nine = GmpInteger.FromUInt64(9);
        Assert.Null(GmpInteger.Invert(gp, n));
        Assert.Null(GmpInteger.Invert(multiple, n));
        Assert.Null(GmpInteger.Invert(n, n));
        Assert.Null(GmpInteger.Invert(zero, n));
        Assert.Null(GmpInteger.Invert(six, nine));
    }

    [Fact]
    public void Gcd_agrees_with_BigInteger_and_is_non_negative()
    {
        var common = RandomBits(300) | 1;
        var values = SignedValues().Concat([common * RandomBits(200), -common * RandomBits(100), common]).ToList();
        foreach (var (a, b) in Pairs(values, values.Count))
        {
            using var ga = ToGmp(a);
            using var gb = ToGmp(b);
            using var g = GmpInteger.Gcd(ga, gb);
            Assert.False(g.IsNegative);
            Assert.Equal(BigInteger.GreatestCommonDivisor(a, b), g.ToBigInteger());
        }
    }

    [Fact]
    public void ModSmall_agrees_with_BigInteger_including_negative_values()
    {
        var divisors = new ulong[] { 1, 2, 3, 4, 7, 65537, uint.MaxValue, ulong.MaxValue };
        foreach (var a in SignedValues())
        {
            using var ga = ToGmp(a);
            foreach (var d in divisors)
            {
                Assert.Equal((ulong)Mod(a, d), ga.ModSmall(d));
            }
        }
    }

    [Fact]
    public void ShiftLeft_and_ShiftRight_agree_with_BigInteger_shifts()
    {
        foreach (var a in SignedValues())
        {
            using var ga = ToGmp(a);
            foreach (var k in new[] { 0, 1, 7, 63, 64, 65, 1000 })
            {
                Assert.Equal(a << k, Take(GmpInteger.ShiftLeft(ga, k)));

                // BigInteger >> is an arithmetic shift, i.e. floor(a / 2^k), which is what ShiftRight promises.
                Assert.Equal(a >> k, Take(GmpInteger.ShiftRight(ga, k)));
            }
        }

        using var minusFive = ToGmp(-5);
        Assert.Equal(-3, (int)Take(GmpInteger.ShiftRight(minusFive, 1)));
    }

    [Fact]
    public void IsOdd_and_IsNegative_follow_the_value()
    {
        foreach (var a in SignedValues())
        {
            using var ga = ToGmp(a);
            Assert.Equal(!a.IsEven, ga.IsOdd);
            Assert.Equal(a.Sign < 0, ga.IsNegative);
            Assert.Equal(a.IsZero, ga.IsZero);
            Assert.Equal(a.IsZero ? 0 : (int)BigInteger.Abs(a).GetBitLength(), ga.BitLength);
        }
    }

    /// <summary>0, ±1, and random values of many sizes with both signs.</summary>
    private static List<BigInteger> SignedValues()
    {
        var values = new List<BigInteger> { 0, 1, -1, 2, -2 };
        foreach (var bits in Sizes)
        {
            var v = RandomExactBits(bits);
            values.Add(v);
            values.Add(-RandomExactBits(bits));
        }

        return values;
    }

    private static List<BigInteger> Moduli() =>
        [1, 2, 3, 7, 65537, (BigInteger.One << 64) + 1, RandomOdd(256), RandomExactBits(255) << 1, RandomOdd(2048), RandomExactBits(4096)];

    /// <summary>A random sample of <paramref name="count"/> ordered pairs (plus the pairs with 0 and ±1).</summary>
    private static IEnumerable<(BigInteger A, BigInteger B)> Pairs(List<BigInteger> values, int count)
    {
        for (var i = 0; i < 5; i++)
        {
            foreach (var v in values)
            {
                yield return (values[i], v);
                yield return (v, values[i]);
            }
        }

        for (var i = 0; i < count; i++)
        {
            yield return (values[RandomNumberGenerator.GetInt32(values.Count)], values[RandomNumberGenerator.GetInt32(values.Count)]);
        }
    }
}

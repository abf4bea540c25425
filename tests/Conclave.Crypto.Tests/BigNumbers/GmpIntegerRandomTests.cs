using System.Numerics;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Random;
using static Conclave.Crypto.Tests.BigNumbers.BigIntegerReference;

namespace Conclave.Crypto.Tests.BigNumbers;

/// <summary><see cref="GmpInteger"/>'s samplers: range, coverage of the range, and rejection (not reduction).</summary>
public sealed class GmpIntegerRandomTests
{
    private static readonly IRandomSource Rng = SystemRandomSource.Instance;

    [Fact]
    public void RandomBelow_stays_below_large_bounds()
    {
        foreach (var bits in new[] { 1, 8, 9, 255, 256, 2048, 4096 })
        {
            var bound = RandomExactBits(bits);
            using var gb = ToGmp(bound);
            for (var i = 0; i < 50; i++)
            {
                using var x = GmpInteger.RandomBelow(gb, Rng);
                Assert.False(x.IsNegative);
                Assert.True(x.CompareTo(gb) < 0);
            }
        }
    }

    [Fact]
    public void RandomBelow_a_small_bound_hits_every_value_including_zero_and_bound_minus_one()
    {
        using var ten = GmpInteger.FromUInt64(10);
        var counts = new int[10];
        for (var i = 0; i < 2000; i++)
        {
            using var x = GmpInteger.RandomBelow(ten, Rng);
            Assert.True(x.CompareTo(10) < 0);
            counts[(int)x.ToBigInteger()]++;
        }

        // Expected 200 each; 100 is more than 7 standard deviations away.
        Assert.All(counts, c => Assert.InRange(c, 100, 300));
    }

    [Fact]
    public void RandomBelow_one_is_always_zero()
    {
        using var one = GmpInteger.FromUInt64(1);
        for (var i = 0; i < 20; i++)
        {
            using var x = GmpInteger.RandomBelow(one, Rng);
            Assert.True(x.IsZero);
        }
    }

    [Fact]
    public void RandomBelow_rejects_a_zero_or_negative_bound()
    {
        using var zero = new GmpInteger();
        using var negative = ToGmp(-10);
        Assert.Throws<ArgumentOutOfRangeException>(() => GmpInteger.RandomBelow(zero, Rng));
        Assert.Throws<ArgumentOutOfRangeException>(() => GmpInteger.RandomBelow(negative, Rng));
    }

    [Fact]
    public void RandomBelow_masks_the_excess_top_bits_then_rejects_values_at_or_above_the_bound()
    {
        // Bound 10 has 4 bits: 0xFA masks to 10 (rejected, not reduced to 0), 0x3F to 15 (rejected), 0xF3 to 3.
        var replay = new ReplayRandomSource([0xFA], [0x3F], [0xF3]);
        using var ten = GmpInteger.FromUInt64(10);
        using var x = GmpInteger.RandomBelow(ten, replay);
        Assert.Equal(3, (int)x.ToBigInteger());
        Assert.Equal(0, replay.Remaining);

        // Bound 2^16 + 1 has 17 bits: three bytes with the top seven bits of the first masked off.
        var wide = new ReplayRandomSource([0xFF, 0x00, 0x01], [0xFE, 0x12, 0x34]);
        using var bound = GmpInteger.FromUInt64(0x10001);
        using var y = GmpInteger.RandomBelow(bound, wide);
        Assert.Equal(0x1234, (int)y.ToBigInteger()); // 0x10001 itself was rejected
    }

    [Fact]
    public void RandomBits_stays_below_two_to_the_bits_and_reaches_the_top_bit()
    {
        foreach (var bits in new[] { 0, 1, 7, 8, 9, 13, 64, 2047, 4096 })
        {
            var sawTopBit = bits == 0;
            for (var i = 0; i < 64; i++)
            {
                using var x = GmpInteger.RandomBits(bits, Rng);
                Assert.False(x.IsNegative);
                Assert.True(x.BitLength <= bits);
                sawTopBit |= x.BitLength == bits;
            }

            Assert.True(sawTopBit, $"no {bits}-bit value in 64 draws");
        }
    }

    [Fact]
    public void RandomBits_masks_the_excess_bits_of_the_first_byte()
    {
        var replay = new ReplayRandomSource([0xFF, 0xFF]);
        using var x = GmpInteger.RandomBits(12, replay);
        Assert.Equal(0xFFF, (int)x.ToBigInteger());
    }

    [Fact]
    public void RandomSigned_covers_minus_two_to_the_b_through_two_to_the_b_inclusive()
    {
        var counts = new Dictionary<int, int>();
        for (var i = 0; i < 1800; i++)
        {
            using var x = GmpInteger.RandomSigned(2, Rng);
            var v = (int)x.ToBigInteger();
            Assert.InRange(v, -4, 4);
            counts[v] = counts.GetValueOrDefault(v) + 1;
        }

        // Nine values, 200 expected each.
        for (var v = -4; v <= 4; v++)
        {
            Assert.InRange(counts.GetValueOrDefault(v), 90, 320);
        }
    }

    [Fact]
    public void RandomSigned_stays_within_range_for_large_b_and_takes_both_signs()
    {
        foreach (var bits in new[] { 64, 256, 2048 })
        {
            var limit = BigInteger.One << bits;
            var negatives = 0;
            for (var i = 0; i < 100; i++)
            {
                var v = Take(GmpInteger.RandomSigned(bits, Rng));
                Assert.True(BigInteger.Abs(v) <= limit);
                negatives += v.Sign < 0 ? 1 : 0;
            }

            Assert.InRange(negatives, 20, 80);
        }
    }

    [Fact]
    public void RandomSigned_can_return_both_endpoints()
    {
        // Bits = 0: the range is {-1, 0, 1}, drawn below 3 from one masked byte (2 bits).
        var replay = new ReplayRandomSource([0x00], [0x03], [0x02], [0x01]);
        Assert.Equal(BigInteger.MinusOne, Take(GmpInteger.RandomSigned(0, replay)));
        Assert.Equal(BigInteger.One, Take(GmpInteger.RandomSigned(0, replay))); // 3 is rejected, 2 - 1 = 1
        Assert.Equal(BigInteger.Zero, Take(GmpInteger.RandomSigned(0, replay)));
    }

    [Fact]
    public void Samplers_with_a_seeded_source_are_reproducible()
    {
        using var bound = ToGmp(RandomOdd(1024));
        var a = new SeededRandomSource("gmp-sampler");
        var b = new SeededRandomSource("gmp-sampler");
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(Take(GmpInteger.RandomBelow(bound, a)), Take(GmpInteger.RandomBelow(bound, b)));
            Assert.Equal(Take(GmpInteger.RandomSigned(300, a)), Take(GmpInteger.RandomSigned(300, b)));
        }
    }
}

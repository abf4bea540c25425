using System.Numerics;
using System.Security.Cryptography;
using Conclave.Crypto.BigNumbers;
using static Conclave.Crypto.Tests.BigNumbers.BigIntegerReference;

namespace Conclave.Crypto.Tests.BigNumbers;

/// <summary><see cref="GmpInteger"/>: byte and <see cref="BigInteger"/> conversions, sizes, lifetime and redaction.</summary>
public sealed class GmpIntegerEncodingTests
{
    public static TheoryData<int> ByteLengths => [1, 2, 7, 8, 9, 31, 32, 33, 64, 128, 255, 256, 512];

    [Theory]
    [MemberData(nameof(ByteLengths))]
    public void FromBytes_then_ToBytes_round_trips_random_values(int length)
    {
        for (var i = 0; i < 20; i++)
        {
            var bytes = RandomNumberGenerator.GetBytes(length);
            bytes[0] |= 0x01; // no leading zero byte, so the minimal encoding is the input itself
            using var x = GmpInteger.FromBytes(bytes);
            Assert.Equal(bytes, x.ToBytes());
            Assert.Equal(new BigInteger(bytes, isUnsigned: true, isBigEndian: true), x.ToBigInteger());
            Assert.Equal((int)new BigInteger(bytes, isUnsigned: true, isBigEndian: true).GetBitLength(), x.BitLength);
        }
    }

    [Fact]
    public void FromBytes_ignores_leading_zero_bytes_and_ToBytes_is_minimal()
    {
        using var x = GmpInteger.FromBytes([0, 0, 0, 0x01, 0x00]);
        Assert.Equal(new byte[] { 0x01, 0x00 }, x.ToBytes());
        Assert.Equal(9, x.BitLength);
        Assert.Equal(256, (int)x.ToBigInteger());
    }

    [Fact]
    public void Zero_has_an_empty_encoding_and_no_bits()
    {
        using var fromEmpty = GmpInteger.FromBytes([]);
        using var fromZeros = GmpInteger.FromBytes(new byte[17]);
        using var created = new GmpInteger();
        using var fromUlong = GmpInteger.FromUInt64(0);
        foreach (var zero in new[] { fromEmpty, fromZeros, created, fromUlong })
        {
            Assert.True(zero.IsZero);
            Assert.False(zero.IsNegative);
            Assert.False(zero.IsOdd);
            Assert.Equal(0, zero.BitLength);
            Assert.Empty(zero.ToBytes());
            Assert.Equal(new byte[4], zero.ToBytes(4));
            Assert.Equal(BigInteger.Zero, zero.ToBigInteger());
            Assert.Equal(0, zero.CompareTo(0));
        }
    }

    [Fact]
    public void One_and_small_values_encode_as_expected()
    {
        using var one = GmpInteger.FromUInt64(1);
        Assert.Equal(new byte[] { 1 }, one.ToBytes());
        Assert.Equal(1, one.BitLength);
        Assert.True(one.IsOdd);

        using var max = GmpInteger.FromUInt64(ulong.MaxValue);
        Assert.Equal(Enumerable.Repeat((byte)0xFF, 8).ToArray(), max.ToBytes());
        Assert.Equal(64, max.BitLength);
        Assert.Equal(ulong.MaxValue, (ulong)max.ToBigInteger());
        Assert.Equal(0, max.CompareTo(ulong.MaxValue));
        Assert.Equal(1, max.CompareTo(ulong.MaxValue - 1));
    }

    [Fact]
    public void ToBytes_with_a_length_left_pads_and_rejects_a_length_too_small()
    {
        using var x = GmpInteger.FromBytes([0xAB, 0xCD]);
        Assert.Equal(new byte[] { 0, 0, 0, 0xAB, 0xCD }, x.ToBytes(5));
        Assert.Equal(new byte[] { 0xAB, 0xCD }, x.ToBytes(2));
        Assert.Throws<ArgumentException>(() => x.ToBytes(1));
        Assert.Throws<ArgumentException>(() => x.ToBytes(0));
    }

    [Fact]
    public void WriteBytes_right_aligns_and_clears_the_rest_of_the_destination()
    {
        for (var i = 0; i < 20; i++)
        {
            var value = RandomNumberGenerator.GetBytes(256);
            value[0] |= 0x80;
            using var x = GmpInteger.FromBytes(value);
            var destination = Enumerable.Repeat((byte)0xEE, 300).ToArray();
            x.WriteBytes(destination);
            Assert.Equal(new byte[44], destination[..44]);
            Assert.Equal(value, destination[44..]);

            var exact = new byte[256];
            x.WriteBytes(exact);
            Assert.Equal(value, exact);
            Assert.Throws<ArgumentException>(() => x.WriteBytes(new byte[255]));
        }
    }

    [Fact]
    public void Negative_values_encode_their_magnitude_and_keep_their_sign()
    {
        using var five = GmpInteger.FromUInt64(5);
        using var twelve = GmpInteger.FromUInt64(300);
        using var negative = GmpInteger.Subtract(five, twelve);
        Assert.True(negative.IsNegative);
        Assert.True(negative.IsOdd);
        Assert.Equal(new byte[] { 0x01, 0x27 }, negative.ToBytes()); // |5 - 300| = 295 = 0x127
        Assert.Equal(9, negative.BitLength);
        Assert.Equal(new BigInteger(-295), negative.ToBigInteger());
        Assert.Equal(-1, negative.CompareTo(0));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2048)]
    [InlineData(4096)]
    public void FromBigInteger_and_ToBigInteger_round_trip(int bits)
    {
        for (var i = 0; i < 10; i++)
        {
            var value = RandomBits(bits);
            using var x = GmpInteger.FromBigInteger(value);
            Assert.Equal(value, x.ToBigInteger());
            Assert.Equal(value.ToByteArray(isUnsigned: true, isBigEndian: true).SkipWhile(b => b == 0), x.ToBytes());

            using var negative = ToGmp(-value);
            Assert.Equal(-value, negative.ToBigInteger());
            Assert.Equal(!value.IsZero, negative.IsNegative);
        }
    }

    [Fact]
    public void FromBigInteger_rejects_negative_values()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GmpInteger.FromBigInteger(BigInteger.MinusOne));
    }

    [Fact]
    public void CompareTo_orders_by_value_including_negative_values()
    {
        var values = new BigInteger[] { -(BigInteger.One << 200), -5, -1, 0, 1, 5, BigInteger.One << 64, BigInteger.One << 200 };
        var gmp = values.Select(ToGmp).ToArray();
        try
        {
            for (var i = 0; i < values.Length; i++)
            {
                for (var j = 0; j < values.Length; j++)
                {
                    Assert.Equal(values[i].CompareTo(values[j]), gmp[i].CompareTo(gmp[j]));
                }
            }
        }
        finally
        {
            foreach (var g in gmp)
            {
                g.Dispose();
            }
        }
    }

    [Fact]
    public void Clone_is_an_independent_copy()
    {
        var value = RandomBits(1000);
        var original = GmpInteger.FromBigInteger(value);
        using var copy = original.Clone();
        original.Dispose();
        Assert.Equal(value, copy.ToBigInteger());
    }

    [Fact]
    public void ToString_is_redacted()
    {
        using var secret = GmpInteger.FromUInt64(0x1234_5678_9ABC);
        Assert.Equal("<redacted>", secret.ToString());
        Assert.Equal("<redacted>", $"{secret}");
    }

    [Fact]
    public void Use_after_Dispose_throws_ObjectDisposedException()
    {
        using var live = GmpInteger.FromUInt64(7);
        var x = GmpInteger.FromUInt64(42);
        x.Dispose();

        Assert.Throws<ObjectDisposedException>(() => x.BitLength);
        Assert.Throws<ObjectDisposedException>(() => x.IsZero);
        Assert.Throws<ObjectDisposedException>(() => x.IsOdd);
        Assert.Throws<ObjectDisposedException>(() => x.ToBytes());
        Assert.Throws<ObjectDisposedException>(() => x.ToBytes(8));
        Assert.Throws<ObjectDisposedException>(() => x.ToBigInteger());
        Assert.Throws<ObjectDisposedException>(() => x.Clone());
        Assert.Throws<ObjectDisposedException>(() => x.CompareTo(1));
        Assert.Throws<ObjectDisposedException>(() => live.CompareTo(x));
        Assert.Throws<ObjectDisposedException>(() => x.IsProbablePrime());
        Assert.Throws<ObjectDisposedException>(() => x.ModSmall(3));
        Assert.Throws<ObjectDisposedException>(() => GmpInteger.Add(live, x));
        Assert.Throws<ObjectDisposedException>(() => GmpInteger.Multiply(x, live));
        Assert.Throws<ObjectDisposedException>(() => GmpInteger.PowModSecret(x, live, live));
        Assert.Throws<ObjectDisposedException>(() => GmpInteger.PowModPublic(live, live, x));
        Assert.Throws<ObjectDisposedException>(() => GmpInteger.Invert(x, live));
        Assert.Equal("<redacted>", x.ToString());
    }

    [Fact]
    public void Dispose_twice_is_harmless()
    {
        var x = GmpInteger.FromBytes(RandomNumberGenerator.GetBytes(64));
        x.Dispose();
        x.Dispose();
        Assert.Throws<ObjectDisposedException>(() => x.BitLength);
    }
}

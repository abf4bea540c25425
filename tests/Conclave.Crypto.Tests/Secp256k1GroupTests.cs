using System.Globalization;
using System.Numerics;
using Conclave.Crypto.Groups;

namespace Conclave.Crypto.Tests;

/// <summary>The generic group suite for secp256k1, plus SEC1 parsing and the BIP-340 x-coordinate helpers.</summary>
public sealed class Secp256k1GroupTests : PrimeOrderGroupTests
{
    private const string GeneratorX = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";

    private static readonly BigInteger N = ParseHex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141");

    /// <summary>p = 2^256 - 2^32 - 977.</summary>
    private static readonly BigInteger FieldP = BigInteger.Pow(2, 256) - BigInteger.Pow(2, 32) - 977;

    private static Secp256k1Group Secp => Secp256k1Group.Instance;

    /// <inheritdoc />
    protected override PrimeOrderGroup Group => Secp256k1Group.Instance;

    /// <inheritdoc />
    protected override BigInteger Order => N;

    /// <inheritdoc />
    protected override bool ScalarsAreBigEndian => true;

    /// <inheritdoc />
    protected override int ExpectedElementLength => 33;

    /// <inheritdoc />
    protected override string GeneratorEncoding => "02" + GeneratorX;

    /// <inheritdoc />
    protected override byte[] ReferenceMultiplyBase(byte[] scalar) => Bip340Reference.MultiplyBaseCompressed(scalar);

    [Fact]
    public void The_field_prime_and_order_written_here_match_BouncyCastle()
    {
        Assert.Equal(FieldP.ToString(CultureInfo.InvariantCulture), Bip340Reference.FieldSize.ToString());
        Assert.Equal(N.ToString(CultureInfo.InvariantCulture), Bip340Reference.Order.ToString());
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x01)]
    [InlineData(0x04)]
    [InlineData(0x05)]
    [InlineData(0x06)]
    [InlineData(0x07)]
    [InlineData(0xff)]
    public void Deserialization_rejects_prefixes_other_than_02_and_03(byte prefix)
    {
        byte[] encoding = [prefix, .. Convert.FromHexString(GeneratorX)];
        Assert.False(Secp.TryDeserializeElement(encoding, out _));
        encoding[0] = 0x02;
        Assert.True(Secp.TryDeserializeElement(encoding, out _));
    }

    [Fact]
    public void Deserialization_rejects_uncompressed_encodings()
    {
        var uncompressed = Bip340Reference.G.GetEncoded(compressed: false);
        Assert.Equal(65, uncompressed.Length);
        Assert.False(Secp.TryDeserializeElement(uncompressed, out _));
    }

    [Fact]
    public void Deserialization_rejects_x_coordinates_not_below_p()
    {
        Assert.False(Secp.TryDeserializeElement([0x02, .. Enumerable.Repeat((byte)0xff, 32)], out _));
        Assert.False(Secp.TryDeserializeElement([0x03, .. Enumerable.Repeat((byte)0xff, 32)], out _));
        Assert.False(Secp.TryDeserializeElement([0x02, .. Be32(FieldP)], out _));
        Assert.False(Secp.TryDeserializeElement([0x03, .. Be32(FieldP)], out _));

        // x + p for a valid x is the same residue: a non-canonical encoding of a real point.
        var checkedAny = false;
        for (var x = 1; x < 20; x++)
        {
            if (!IsValidX(x))
            {
                continue;
            }

            Assert.True(Secp.TryDeserializeElement([0x02, .. Be32(x)], out _), $"x = {x}");
            Assert.False(Secp.TryDeserializeElement([0x02, .. Be32(FieldP + x)], out _), $"x = p + {x}");
            checkedAny = true;
        }

        Assert.True(checkedAny);
    }

    [Fact]
    public void Deserialization_accepts_an_x_coordinate_exactly_when_x_cubed_plus_7_is_a_square()
    {
        var accepted = 0;
        var rejected = 0;
        for (var x = 0; x < 40; x++)
        {
            var valid = IsValidX(x);
            foreach (var prefix in new byte[] { 0x02, 0x03 })
            {
                Assert.True(valid == Secp.TryDeserializeElement([prefix, .. Be32(x)], out _), $"x = {x}, prefix {prefix:x2}");
            }

            Assert.Equal(valid, Secp.TryLiftX(Be32(x), out _));
            Assert.Equal(valid, Bip340Reference.LiftX(Be32(x)) is not null);
            if (valid)
            {
                accepted++;
            }
            else
            {
                rejected++;
            }
        }

        Assert.True(accepted > 0 && rejected > 0, $"{accepted} accepted, {rejected} rejected");
    }

    [Fact]
    public void The_two_prefixes_give_a_point_and_its_negation_with_matching_y_parity()
    {
        var p = Secp.MultiplyBase(Encode(RandomValues(1).Single()));
        var encoding = Secp.SerializeElement(p);
        var flipped = (byte[])encoding.Clone();
        flipped[0] ^= 0x01; // 02 <-> 03
        Assert.True(Secp.TryDeserializeElement(flipped, out var q));
        Assert.Equal(Secp.Negate(p), q);
        Assert.Equal(encoding[0] == 0x02, Secp256k1Group.HasEvenY(p));
        Assert.Equal(flipped[0] == 0x02, Secp256k1Group.HasEvenY(q));
        Assert.NotEqual(Secp256k1Group.HasEvenY(p), Secp256k1Group.HasEvenY(q));
    }

    [Fact]
    public void HasEvenY_agrees_with_BouncyCastle()
    {
        foreach (var k in RandomValues(16))
        {
            var scalar = Encode(k);
            var reference = Bip340Reference.G.Multiply(new Org.BouncyCastle.Math.BigInteger(1, scalar)).Normalize();
            Assert.Equal(!reference.AffineYCoord.TestBitZero(), Secp256k1Group.HasEvenY(Secp.MultiplyBase(scalar)));
        }
    }

    [Fact]
    public void XOnly_is_the_x_coordinate_and_undefined_for_the_identity()
    {
        Assert.Equal(GeneratorX, Convert.ToHexStringLower(Secp256k1Group.XOnly(Secp.Generator)));
        Assert.Equal(Secp256k1Group.XOnly(Secp.Generator), Secp256k1Group.XOnly(Secp.Negate(Secp.Generator)));
        Assert.Throws<ArgumentException>(() => Secp256k1Group.XOnly(Secp.Identity));
        Assert.True(Secp256k1Group.HasEvenY(Secp.Identity));
    }

    [Fact]
    public void TryLiftX_returns_the_even_y_point_with_that_x()
    {
        foreach (var k in RandomValues(16))
        {
            var p = Secp.MultiplyBase(Encode(k));
            var x = Secp256k1Group.XOnly(p);
            Assert.True(Secp.TryLiftX(x, out var lifted));
            Assert.True(Secp256k1Group.HasEvenY(lifted));
            Assert.Equal(x, Secp256k1Group.XOnly(lifted));
            Assert.Equal(Secp256k1Group.HasEvenY(p) ? p : Secp.Negate(p), lifted);
            Assert.Equal(Bip340Reference.LiftX(x)!.GetEncoded(compressed: true), Secp.SerializeElement(lifted));
        }
    }

    [Fact]
    public void TryLiftX_rejects_wrong_lengths_and_x_not_below_p()
    {
        var x = Convert.FromHexString(GeneratorX);
        Assert.True(Secp.TryLiftX(x, out _));
        Assert.False(Secp.TryLiftX(x.AsSpan(..31), out var e));
        Assert.True(e.IsIdentity);
        Assert.False(Secp.TryLiftX([.. x, 0], out _));
        Assert.False(Secp.TryLiftX([0x02, .. x], out _));
        Assert.False(Secp.TryLiftX(Be32(FieldP), out _));
        Assert.False(Secp.TryLiftX(Enumerable.Repeat((byte)0xff, 32).ToArray(), out _));
    }

    [Fact]
    public void RandomScalar_resamples_values_that_are_zero_or_not_below_the_order()
    {
        var valid = Encode(RandomValues(1).Single() | BigInteger.One);
        var source = new ReplayRandomSource(
            Be32(N),
            new byte[32],
            Enumerable.Repeat((byte)0xff, 32).ToArray(),
            Be32(N + 1),
            valid);
        var result = Secp.NewScalar();
        Secp.RandomScalar(source, result);
        Assert.Equal(valid, result);
        Assert.Equal(0, source.Remaining);
    }

    private static bool IsValidX(BigInteger x)
    {
        // Euler's criterion: c is a non-zero square mod p iff c^((p-1)/2) = 1 (c = 0 has root 0).
        var c = ((x * x * x) + 7) % FieldP;
        return c.IsZero || BigInteger.ModPow(c, (FieldP - 1) / 2, FieldP).IsOne;
    }

    private static byte[] Be32(BigInteger value)
    {
        var result = new byte[32];
        var count = value.GetByteCount(isUnsigned: true);
        Assert.True(value.TryWriteBytes(result.AsSpan(32 - count), out _, isUnsigned: true, isBigEndian: true));
        return result;
    }

    private static BigInteger ParseHex(string hex) => new(Convert.FromHexString(hex), isUnsigned: true, isBigEndian: true);
}

using System.Numerics;
using System.Security.Cryptography;
using Conclave.Crypto.Groups;

namespace Conclave.Crypto.Tests;

/// <summary>
/// The generic group suite for Ed25519, plus the RFC 9591 §6.1 deserialization rules: canonical
/// y, on the curve, in the prime-order subgroup, not the identity.
/// </summary>
public sealed class Ed25519GroupTests : PrimeOrderGroupTests
{
    // RFC 8032 §7.1 TEST 1 public key: a point of prime order.
    private const string Rfc8032Test1PublicKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    /// <summary>The eight points of order dividing 8 (the 8-torsion), by their canonical encodings.</summary>
    public static TheoryData<string> SmallOrderEncodings { get; } =
    [
        "0100000000000000000000000000000000000000000000000000000000000000", // identity (order 1)
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // (0, -1), order 2
        "0000000000000000000000000000000000000000000000000000000000000000", // order 4
        "0000000000000000000000000000000000000000000000000000000000000080", // order 4
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", // order 8
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", // order 8
    ];

    private static Ed25519Group Ed => Ed25519Group.Instance;

    /// <inheritdoc />
    protected override PrimeOrderGroup Group => Ed25519Group.Instance;

    /// <inheritdoc />
    protected override BigInteger Order =>
        BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493", System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc />
    protected override bool ScalarsAreBigEndian => false;

    /// <inheritdoc />
    protected override int ExpectedElementLength => 32;

    /// <inheritdoc />
    protected override string GeneratorEncoding => "5866666666666666666666666666666666666666666666666666666666666666";

    /// <inheritdoc />
    protected override byte[] ReferenceMultiplyBase(byte[] scalar)
    {
        Assert.True(Edwards25519Reference.TryDecode(Convert.FromHexString(GeneratorEncoding), out var b));
        return Edwards25519Reference.Encode(Edwards25519Reference.Multiply(b, Decode(scalar)));
    }

    [Fact]
    public void The_small_order_list_is_exactly_the_eight_torsion_points()
    {
        var points = SmallOrderEncodings.Select(r => r.Data).Select(DecodePoint).ToList();
        Assert.Equal(8, points.Distinct().Count());
        foreach (var t in points)
        {
            Assert.Equal(Edwards25519Reference.Identity, Edwards25519Reference.Multiply(t, 8));
        }

        Assert.Equal(4, points.Count(t => Edwards25519Reference.Multiply(t, 4) != Edwards25519Reference.Identity));
    }

    [Theory]
    [MemberData(nameof(SmallOrderEncodings))]
    public void Deserialization_rejects_small_order_points(string encoding)
    {
        Assert.False(Ed.TryDeserializeElement(Convert.FromHexString(encoding), out _));
        Assert.Throws<FormatException>(() => Ed.DeserializeElement(Convert.FromHexString(encoding)));
    }

    [Fact]
    public void Deserialization_accepts_the_RFC_8032_test_key_which_has_prime_order()
    {
        var bytes = Convert.FromHexString(Rfc8032Test1PublicKey);
        Assert.True(Ed.TryDeserializeElement(bytes, out var a));
        Assert.Equal(Ed.Negate(a), Ed.Multiply(a, Encode(Order - 1)));
        var a2 = DecodePoint(Rfc8032Test1PublicKey);
        Assert.Equal(Edwards25519Reference.Identity, Edwards25519Reference.Multiply(a2, Order));
    }

    [Fact]
    public void Deserialization_rejects_mixed_order_points()
    {
        var a = DecodePoint(Rfc8032Test1PublicKey);
        Assert.Equal(Rfc8032Test1PublicKey, Convert.ToHexStringLower(Edwards25519Reference.Encode(a)));
        foreach (var torsion in SmallOrderEncodings.Select(r => r.Data).Select(DecodePoint))
        {
            var mixed = Edwards25519Reference.Encode(Edwards25519Reference.Add(a, torsion));
            Assert.True(Edwards25519Reference.TryDecode(mixed, out _)); // on the curve and canonical
            var accepted = Ed.TryDeserializeElement(mixed, out _);
            if (torsion == Edwards25519Reference.Identity)
            {
                Assert.True(accepted); // A + identity = A: the control case
            }
            else
            {
                Assert.False(accepted, $"A + T accepted for T = {Convert.ToHexStringLower(Edwards25519Reference.Encode(torsion))}");
            }
        }
    }

    [Fact]
    public void Adding_the_order_2_point_negates_both_coordinates()
    {
        // (x, y) + (0, -1) = (-x, -y): the same mixed-order point, derived by hand.
        var a = DecodePoint(Rfc8032Test1PublicKey);
        var mixed = Edwards25519Reference.Add(a, (BigInteger.Zero, Edwards25519Reference.P - 1));
        Assert.Equal((Edwards25519Reference.P - a.X, Edwards25519Reference.P - a.Y), mixed);
        Assert.False(Ed.TryDeserializeElement(Edwards25519Reference.Encode(mixed), out _));
    }

    [Fact]
    public void Deserialization_rejects_non_canonical_y_encodings()
    {
        // y = p + k for k = 0..18 are the only non-canonical values below 2^255; y = p is edff..ff7f.
        // Each must be rejected, with either sign bit. Where y = k has curve points, the encoding
        // names a real point, so the rejection must come from the canonicality rule (or the
        // subgroup rule), not from a failed square root.
        Assert.False(Ed.TryDeserializeElement(Convert.FromHexString("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), out _));
        var twinsOnCurve = 0;
        for (var k = 0; k <= 18; k++)
        {
            if (Edwards25519Reference.IsOnCurveY(k))
            {
                twinsOnCurve++;
            }

            foreach (var sign in new byte[] { 0x00, 0x80 })
            {
                var nonCanonical = Edwards25519Reference.EncodeY(Edwards25519Reference.P + k);
                nonCanonical[31] |= sign;
                Assert.False(Ed.TryDeserializeElement(nonCanonical, out _), $"y = p + {k}, sign {sign:x2}");
            }
        }

        Assert.True(twinsOnCurve > 0);
    }

    [Fact]
    public void Deserialization_rejects_y_values_with_no_point_on_the_curve()
    {
        var offCurve = 0;
        for (var y = 2; y < 60; y++)
        {
            if (Edwards25519Reference.IsOnCurveY(y))
            {
                continue;
            }

            offCurve++;
            Assert.False(Ed.TryDeserializeElement(Edwards25519Reference.EncodeY(y), out _), $"y = {y}");
        }

        Assert.True(offCurve > 0);
    }

    [Fact]
    public void Flipping_the_sign_bit_of_a_valid_point_gives_its_negation()
    {
        var p = Ed.MultiplyBase(Encode(RandomValues(1).Single()));
        var encoding = Ed.SerializeElement(p);
        encoding[31] ^= 0x80;
        Assert.True(Ed.TryDeserializeElement(encoding, out var q));
        Assert.Equal(Ed.Negate(p), q);
    }

    [Fact]
    public void Group_addition_agrees_with_the_reference()
    {
        foreach (var (a, b) in RandomValues(4).Zip(RandomValues(4)))
        {
            var pa = Ed.MultiplyBase(Encode(a));
            var pb = Ed.MultiplyBase(Encode(b));
            var expected = Edwards25519Reference.Add(DecodePoint(Ed.SerializeElement(pa)), DecodePoint(Ed.SerializeElement(pb)));
            Assert.Equal(Edwards25519Reference.Encode(expected), Ed.SerializeElement(Ed.Add(pa, pb)));
        }
    }

    [Fact]
    public void RandomScalar_resamples_when_the_wide_value_reduces_to_zero()
    {
        var wideOrder = new byte[64];
        Assert.True(Order.TryWriteBytes(wideOrder, out _, isUnsigned: true, isBigEndian: false));
        var valid = RandomNumberGenerator.GetBytes(64);
        valid[0] |= 1;
        var source = new ReplayRandomSource(new byte[64], wideOrder, valid);
        var result = Ed.NewScalar();
        Ed.RandomScalar(source, result);
        Assert.Equal(0, source.Remaining);
        Assert.Equal(new BigInteger(valid, isUnsigned: true) % Order, Decode(result));
    }

    private static (BigInteger X, BigInteger Y) DecodePoint(string hex) => DecodePoint(Convert.FromHexString(hex));

    private static (BigInteger X, BigInteger Y) DecodePoint(byte[] encoding)
    {
        Assert.True(Edwards25519Reference.TryDecode(encoding, out var point), Convert.ToHexStringLower(encoding));
        return point;
    }
}

using System.Numerics;
using System.Security.Cryptography;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Random;
using CsCheck;

namespace Conclave.Crypto.Tests;

/// <summary>
/// One suite for every <see cref="PrimeOrderGroup"/>, instantiated per group by the derived
/// classes (as frost-core's ciphersuite_generic tests are by each curve crate). Scalar
/// arithmetic is checked against <see cref="BigInteger"/> modulo an order given here, not read
/// from the library; group arithmetic against an independent implementation of the curve.
/// </summary>
public abstract class PrimeOrderGroupTests
{
    private const int RandomSamples = 24;

    /// <summary>The group under test.</summary>
    protected abstract PrimeOrderGroup Group { get; }

    /// <summary>The group order, written out independently of the library.</summary>
    protected abstract BigInteger Order { get; }

    /// <summary>Whether scalars are big-endian (secp256k1) rather than little-endian (Ed25519).</summary>
    protected abstract bool ScalarsAreBigEndian { get; }

    /// <summary>Ne.</summary>
    protected abstract int ExpectedElementLength { get; }

    /// <summary>The standard encoding of the generator (hex).</summary>
    protected abstract string GeneratorEncoding { get; }

    /// <summary>k*G computed by an implementation that shares no code with the library.</summary>
    protected abstract byte[] ReferenceMultiplyBase(byte[] scalar);

    // ---- Scalars --------------------------------------------------------------------------

    [Fact]
    public void Scalars_are_32_bytes_and_elements_have_the_group_length()
    {
        Assert.Equal(32, Group.ScalarLength);
        Assert.Equal(ExpectedElementLength, Group.ElementLength);
        Assert.Equal(32, Group.NewScalar().Length);
    }

    [Fact]
    public void Scalar_add_subtract_and_multiply_agree_with_BigInteger()
    {
        var values = EdgeValues().Concat(RandomValues(8)).ToList();
        var r = Group.NewScalar();
        foreach (var a in values)
        {
            foreach (var b in values)
            {
                var sa = Encode(a);
                var sb = Encode(b);
                Group.ScalarAdd(sa, sb, r);
                Assert.Equal(Mod(a + b), Decode(r));
                Group.ScalarSubtract(sa, sb, r);
                Assert.Equal(Mod(a - b), Decode(r));
                Group.ScalarMultiply(sa, sb, r);
                Assert.Equal(Mod(a * b), Decode(r));
            }
        }
    }

    [Fact]
    public void Scalar_negate_and_invert_agree_with_BigInteger()
    {
        var r = Group.NewScalar();
        foreach (var a in EdgeValues().Concat(RandomValues(RandomSamples)))
        {
            Group.ScalarNegate(Encode(a), r);
            Assert.Equal(Mod(-a), Decode(r));
            if (!a.IsZero)
            {
                Group.ScalarInvertPublic(Encode(a), r);
                Assert.Equal(BigInteger.ModPow(a, Order - 2, Order), Decode(r));
                Assert.Equal(BigInteger.One, Mod(a * Decode(r)));
            }
        }
    }

    [Fact]
    public void Scalar_operations_allow_the_result_to_alias_an_input()
    {
        var a = RandomValues(1).Single();
        var b = RandomValues(1).Single();

        var x = Encode(a);
        Group.ScalarAdd(x, Encode(b), x);
        Assert.Equal(Mod(a + b), Decode(x));

        x = Encode(b);
        Group.ScalarSubtract(Encode(a), x, x);
        Assert.Equal(Mod(a - b), Decode(x));

        x = Encode(a);
        Group.ScalarMultiply(x, x, x);
        Assert.Equal(Mod(a * a), Decode(x));

        x = Encode(a);
        Group.ScalarNegate(x, x);
        Assert.Equal(Mod(-a), Decode(x));
    }

    [Fact]
    public void ScalarInvertPublic_of_zero_throws()
    {
        Assert.Throws<DivideByZeroException>(() => Group.ScalarInvertPublic(Group.NewScalar(), Group.NewScalar()));
    }

    [Fact]
    public void Scalar_operations_reject_wrong_lengths()
    {
        var ok = Group.NewScalar();
        Assert.Throws<ArgumentException>(() => Group.ScalarAdd(new byte[31], ok, Group.NewScalar()));
        Assert.Throws<ArgumentException>(() => Group.ScalarMultiply(ok, new byte[33], Group.NewScalar()));
        Assert.Throws<ArgumentException>(() => Group.ScalarSubtract(ok, ok, new byte[31]));
        Assert.Throws<ArgumentException>(() => Group.ScalarNegate([], Group.NewScalar()));
        Assert.Throws<ArgumentException>(() => Group.ScalarFromUInt64(1, new byte[8]));
        Assert.Throws<ArgumentException>(() => Group.ScalarReduce(new byte[64], new byte[31]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(48)]
    [InlineData(63)]
    [InlineData(64)]
    public void ScalarReduce_agrees_with_BigInteger(int length)
    {
        var inputs = Enumerable.Range(0, RandomSamples).Select(_ => RandomNumberGenerator.GetBytes(length)).ToList();
        inputs.Add(Enumerable.Repeat((byte)0xff, length).ToArray());
        inputs.Add(new byte[length]);
        var r = Group.NewScalar();
        foreach (var wide in inputs)
        {
            Group.ScalarReduce(wide, r);
            var expected = Mod(new BigInteger(wide, isUnsigned: true, isBigEndian: ScalarsAreBigEndian));
            Assert.Equal(expected, Decode(r));
            Assert.True(Group.IsCanonicalScalar(r));
        }
    }

    [Fact]
    public void ScalarReduce_maps_multiples_of_the_order_to_zero()
    {
        var r = Group.NewScalar();
        Group.ScalarReduce(EncodeRaw(Order, 32), r);
        Assert.Equal(BigInteger.Zero, Decode(r));
        Group.ScalarReduce(EncodeRaw(Order + 1, 32), r);
        Assert.Equal(BigInteger.One, Decode(r));
        Group.ScalarReduce(EncodeRaw(Order * 12345, 64), r);
        Assert.Equal(BigInteger.Zero, Decode(r));
        Group.ScalarReduce(EncodeRaw((Order * Order) - 1, 64), r);
        Assert.Equal(Order - 1, Decode(r));
    }

    [Fact]
    public void ScalarReduce_rejects_more_than_64_bytes()
    {
        Assert.Throws<ArgumentException>(() => Group.ScalarReduce(new byte[65], Group.NewScalar()));
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(255UL)]
    [InlineData(256UL)]
    [InlineData(4294967296UL)]
    [InlineData(ulong.MaxValue)]
    public void ScalarFromUInt64_encodes_the_integer(ulong value)
    {
        var r = Group.NewScalar();
        r.AsSpan().Fill(0xaa); // stale contents must be overwritten
        Group.ScalarFromUInt64(value, r);
        Assert.Equal(new BigInteger(value), Decode(r));
    }

    [Fact]
    public void IsCanonicalScalar_accepts_zero_one_and_order_minus_one()
    {
        Assert.True(Group.IsCanonicalScalar(Encode(BigInteger.Zero)));
        Assert.True(Group.IsCanonicalScalar(Encode(BigInteger.One)));
        Assert.True(Group.IsCanonicalScalar(Encode(Order - 1)));
        Group.ValidateScalar(Encode(Order - 1));
    }

    [Fact]
    public void IsCanonicalScalar_rejects_the_order_and_above_and_wrong_lengths()
    {
        var max = Enumerable.Repeat((byte)0xff, 32).ToArray();
        Assert.False(Group.IsCanonicalScalar(EncodeRaw(Order, 32)));
        Assert.False(Group.IsCanonicalScalar(EncodeRaw(Order + 1, 32)));
        Assert.False(Group.IsCanonicalScalar(max));
        Assert.False(Group.IsCanonicalScalar([]));
        Assert.False(Group.IsCanonicalScalar(new byte[31]));
        Assert.False(Group.IsCanonicalScalar(new byte[33]));
        Assert.False(Group.IsCanonicalScalar(new byte[64]));
        Assert.Throws<FormatException>(() => Group.ValidateScalar(EncodeRaw(Order, 32)));
        Assert.Throws<FormatException>(() => Group.ValidateScalar(new byte[31]));
    }

    [Fact]
    public void RandomScalar_is_canonical_non_zero_and_never_repeats()
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < 64; i++)
        {
            var s = Group.NewScalar();
            Group.RandomScalar(SystemRandomSource.Instance, s);
            Assert.True(Group.IsCanonicalScalar(s));
            Assert.False(PrimeOrderGroup.IsZero(s));
            Assert.True(seen.Add(Convert.ToHexString(s)));
        }
    }

    [Fact]
    public void IsZero_is_true_only_for_all_zero_bytes()
    {
        Assert.True(PrimeOrderGroup.IsZero(new byte[32]));
        Assert.True(PrimeOrderGroup.IsZero([]));
        for (var i = 0; i < 32; i++)
        {
            var s = new byte[32];
            s[i] = 0x01;
            Assert.False(PrimeOrderGroup.IsZero(s));
        }
    }

    // ---- Elements -------------------------------------------------------------------------

    [Fact]
    public void MultiplyBase_of_one_is_the_standard_generator()
    {
        Assert.Equal(Group.Generator, Group.MultiplyBase(Encode(BigInteger.One)));
        Assert.Equal(GeneratorEncoding, Convert.ToHexStringLower(Group.SerializeElement(Group.Generator)));
        Assert.Equal(GeneratorEncoding, Group.Generator.ToString());
    }

    [Fact]
    public void MultiplyBase_agrees_with_an_independent_implementation()
    {
        foreach (var k in new[] { BigInteger.One, new BigInteger(2), new BigInteger(3), Order - 1 }.Concat(RandomValues(6)))
        {
            var scalar = Encode(k);
            Assert.Equal(Convert.ToHexStringLower(ReferenceMultiplyBase(scalar)), Convert.ToHexStringLower(Group.SerializeElement(Group.MultiplyBase(scalar))));
        }
    }

    [Fact]
    public void Multiplication_distributes_over_scalar_addition()
    {
        foreach (var (a, b) in RandomValues(RandomSamples).Zip(RandomValues(RandomSamples)))
        {
            var sum = Group.NewScalar();
            Group.ScalarAdd(Encode(a), Encode(b), sum);
            var aG = Group.MultiplyBase(Encode(a));
            var bG = Group.MultiplyBase(Encode(b));
            Assert.Equal(Group.MultiplyBase(sum), Group.Add(aG, bG));
            Assert.Equal(Group.MultiplyBase(Encode(Mod(a - b))), Group.Subtract(aG, bG));
        }
    }

    [Fact]
    public void Multiplication_is_compatible_with_scalar_multiplication()
    {
        foreach (var (a, b) in RandomValues(RandomSamples).Zip(RandomValues(RandomSamples)))
        {
            var bG = Group.MultiplyBase(Encode(b));
            Assert.Equal(Group.MultiplyBase(Encode(Mod(a * b))), Group.Multiply(bG, Encode(a)));
            Assert.Equal(Group.Multiply(Group.Generator, Encode(b)), bG);
        }
    }

    [Fact]
    public void Doubling_by_addition_equals_multiplication_by_two()
    {
        var p = Group.MultiplyBase(Encode(RandomValues(1).Single()));
        Assert.Equal(Group.Multiply(p, Encode(new BigInteger(2))), Group.Add(p, p));
        Assert.Equal(Group.MultiplyBase(Encode(new BigInteger(2))), Group.Add(Group.Generator, Group.Generator));
    }

    [Fact]
    public void A_point_plus_its_negation_is_the_identity()
    {
        var p = Group.MultiplyBase(Encode(RandomValues(1).Single()));
        var minusP = Group.Negate(p);
        Assert.NotEqual(p, minusP);
        Assert.True(Group.Add(p, minusP).IsIdentity);
        Assert.True(Group.Subtract(p, p).IsIdentity);
        Assert.Equal(Group.Multiply(p, Encode(Order - 1)), minusP);
        Assert.Equal(p, Group.Negate(minusP));
        Assert.True(Group.Negate(Group.Identity).IsIdentity);
    }

    [Fact]
    public void The_identity_is_neutral_and_absorbs_multiplication()
    {
        var p = Group.MultiplyBase(Encode(RandomValues(1).Single()));
        var zero = Group.NewScalar();
        Assert.True(Group.Identity.IsIdentity);
        Assert.False(p.IsIdentity);
        Assert.Equal(p, Group.Add(p, Group.Identity));
        Assert.Equal(p, Group.Add(Group.Identity, p));
        Assert.True(Group.Multiply(p, zero).IsIdentity);
        Assert.True(Group.MultiplyBase(zero).IsIdentity);
        Assert.True(Group.Multiply(Group.Identity, Encode(RandomValues(1).Single())).IsIdentity);
        Assert.True(Group.Sum([]).IsIdentity);
        Assert.Equal("identity", Group.Identity.ToString());
    }

    [Fact]
    public void Sum_adds_every_element()
    {
        var scalars = RandomValues(5).ToList();
        var expected = Group.MultiplyBase(Encode(Mod(scalars.Aggregate(BigInteger.Zero, (x, y) => x + y))));
        Assert.Equal(expected, Group.Sum(scalars.Select(k => Group.MultiplyBase(Encode(k)))));
    }

    [Fact]
    public void Serialize_then_deserialize_round_trips()
    {
        foreach (var k in RandomValues(RandomSamples))
        {
            var p = Group.MultiplyBase(Encode(k));
            var bytes = Group.SerializeElement(p);
            Assert.Equal(ExpectedElementLength, bytes.Length);

            var span = new byte[ExpectedElementLength];
            Assert.Equal(ExpectedElementLength, Group.SerializeElement(p, span));
            Assert.Equal(bytes, span);

            Assert.True(Group.TryDeserializeElement(bytes, out var parsed));
            Assert.Equal(p, parsed);
            Assert.Equal(p.GetHashCode(), parsed.GetHashCode());
            Assert.Equal(p, Group.DeserializeElement(bytes));
            Assert.Equal(Convert.ToHexStringLower(bytes), parsed.ToString());
        }
    }

    [Fact]
    public void SerializeElement_throws_on_the_identity()
    {
        Assert.Throws<ArgumentException>(() => Group.SerializeElement(Group.Identity));
        Assert.Throws<ArgumentException>(() => Group.SerializeElement(Group.Identity, new byte[ExpectedElementLength]));
        var p = Group.MultiplyBase(Encode(BigInteger.One));
        Assert.Throws<ArgumentException>(() => Group.SerializeElement(Group.Subtract(p, p)));
    }

    [Fact]
    public void Deserialization_rejects_wrong_lengths()
    {
        var good = Group.SerializeElement(Group.Generator);
        Assert.True(Group.TryDeserializeElement(good, out _));
        Assert.False(Group.TryDeserializeElement([], out var e));
        Assert.True(e.IsIdentity);
        Assert.False(Group.TryDeserializeElement(good.AsSpan(..^1), out _));
        Assert.False(Group.TryDeserializeElement([.. good, 0], out _));
        Assert.False(Group.TryDeserializeElement([0, .. good], out _));
        Assert.Throws<FormatException>(() => Group.DeserializeElement(good.AsSpan(..^1)));
    }

    [Fact]
    public void Elements_of_another_group_are_rejected()
    {
        PrimeOrderGroup other = Group is Ed25519Group ? Secp256k1Group.Instance : Ed25519Group.Instance;
        Assert.Throws<ArgumentException>(() => Group.Add(Group.Generator, other.Generator));
        Assert.Throws<ArgumentException>(() => Group.Multiply(other.Generator, Group.NewScalar()));
        Assert.Throws<ArgumentException>(() => Group.Negate(other.Generator));
        Assert.Throws<ArgumentException>(() => Group.SerializeElement(other.Generator));
        Assert.NotEqual(Group.Generator, other.Generator);
        Assert.NotEqual(Group.Identity, other.Identity);
    }

    [Fact]
    public void Point_operations_reject_wrong_scalar_lengths()
    {
        Assert.Throws<ArgumentException>(() => Group.MultiplyBase(new byte[31]));
        Assert.Throws<ArgumentException>(() => Group.Multiply(Group.Generator, new byte[33]));
    }

    // ---- Properties (CsCheck) -------------------------------------------------------------

    [Fact]
    public void Property_scalar_arithmetic_round_trips()
    {
        ScalarPairs().Sample((a, b) =>
        {
            // Buffers are per sample: CsCheck runs samples on several threads.
            var r = Group.NewScalar();
            var back = Group.NewScalar();
            Group.ScalarAdd(a, b, r);
            Group.ScalarSubtract(r, b, back);
            if (!back.AsSpan().SequenceEqual(a))
            {
                return false;
            }

            Group.ScalarNegate(a, r);
            Group.ScalarNegate(r, back);
            if (!back.AsSpan().SequenceEqual(a))
            {
                return false;
            }

            if (PrimeOrderGroup.IsZero(b))
            {
                return true;
            }

            // (a * b) * b^-1 == a
            Group.ScalarMultiply(a, b, r);
            Group.ScalarInvertPublic(b, back);
            Group.ScalarMultiply(r, back, r);
            return r.AsSpan().SequenceEqual(a);
        }, iter: 300);
    }

    [Fact]
    public void Property_serialized_elements_parse_back_to_the_same_element()
    {
        ScalarPairs().Sample((a, b) =>
        {
            var p = Group.Add(Group.MultiplyBase(a), Group.MultiplyBase(b));
            if (p.IsIdentity)
            {
                return true;
            }

            var bytes = Group.SerializeElement(p);
            return Group.TryDeserializeElement(bytes, out var q) && q.Equals(p) && Group.SerializeElement(q).AsSpan().SequenceEqual(bytes);
        }, iter: 150);
    }

    // ---- Helpers --------------------------------------------------------------------------

    /// <summary>Encodes a value in [0, order) as a scalar in the group's byte order.</summary>
    protected byte[] Encode(BigInteger value)
    {
        Assert.InRange(value, BigInteger.Zero, Order - 1);
        return EncodeRaw(value, 32);
    }

    /// <summary>Encodes any non-negative integer in <paramref name="length"/> bytes of the group's byte order.</summary>
    protected byte[] EncodeRaw(BigInteger value, int length)
    {
        var result = new byte[length];
        var count = value.GetByteCount(isUnsigned: true);
        var offset = ScalarsAreBigEndian ? length - count : 0;
        Assert.True(value.TryWriteBytes(result.AsSpan(offset), out _, isUnsigned: true, isBigEndian: ScalarsAreBigEndian));
        return result;
    }

    /// <summary>The integer a scalar encodes.</summary>
    protected BigInteger Decode(ReadOnlySpan<byte> scalar) => new(scalar, isUnsigned: true, isBigEndian: ScalarsAreBigEndian);

    /// <summary>Uniform values in [0, order), from the OS RNG (independent of the library's sampler).</summary>
    protected IEnumerable<BigInteger> RandomValues(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return Mod(new BigInteger(RandomNumberGenerator.GetBytes(64), isUnsigned: true));
        }
    }

    private BigInteger Mod(BigInteger v)
    {
        var r = v % Order;
        return r.Sign < 0 ? r + Order : r;
    }

    private IEnumerable<BigInteger> EdgeValues() =>
    [
        BigInteger.Zero,
        BigInteger.One,
        new BigInteger(2),
        Order - 1,
        Order - 2,
        (Order - 1) / 2,
        (Order + 1) / 2,
        BigInteger.Pow(2, 128) - 1,
        BigInteger.Pow(2, 128),
        BigInteger.Pow(2, 252),
        new BigInteger(ulong.MaxValue),
    ];

    private Gen<(byte[], byte[])> ScalarPairs()
    {
        var scalar = Gen.Byte.Array[64].Select(wide => Encode(Mod(new BigInteger(wide, isUnsigned: true))));
        var edge = Gen.OneOf<byte[]>(Encode(BigInteger.Zero), Encode(BigInteger.One), Encode(Order - 1));
        var any = Gen.Frequency<byte[]>((8, scalar), (1, edge));
        return Gen.Select(any, any);
    }
}

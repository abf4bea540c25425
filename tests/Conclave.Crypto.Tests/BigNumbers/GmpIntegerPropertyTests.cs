using System.Numerics;
using Conclave.Crypto.BigNumbers;
using CsCheck;
using static Conclave.Crypto.Tests.BigNumbers.BigIntegerReference;

namespace Conclave.Crypto.Tests.BigNumbers;

/// <summary>CsCheck properties: <see cref="GmpInteger"/> agrees with <see cref="BigInteger"/> on generated values.</summary>
public sealed class GmpIntegerPropertyTests
{
    /// <summary>Signed integers up to 2400 bits, biased toward small magnitudes and the edge values 0, ±1.</summary>
    private static readonly Gen<BigInteger> Signed =
        Gen.Frequency(
            (6, Gen.Select(Gen.Byte.Array[0, 300], Gen.Bool, (bytes, negative) =>
            {
                var v = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
                return negative ? -v : v;
            })),
            (1, Gen.OneOf<BigInteger>(BigInteger.Zero, BigInteger.One, BigInteger.MinusOne)));

    /// <summary>Positive odd moduli up to 2048 bits.</summary>
    private static readonly Gen<BigInteger> OddModulus =
        Gen.Byte.Array[1, 256].Select(bytes => new BigInteger(bytes, isUnsigned: true, isBigEndian: true) | BigInteger.One);

    [Fact]
    public void Property_ring_operations_and_reductions_agree_with_BigInteger()
    {
        Gen.Select(Signed, Signed, OddModulus).Sample((a, b, m) =>
        {
            using var ga = ToGmp(a);
            using var gb = ToGmp(b);
            using var gm = ToGmp(m);
            return Take(GmpInteger.Add(ga, gb)) == a + b
                && Take(GmpInteger.Subtract(ga, gb)) == a - b
                && Take(GmpInteger.Multiply(ga, gb)) == a * b
                && Take(GmpInteger.Mod(ga, gm)) == Mod(a, m)
                && Take(GmpInteger.MultiplyMod(ga, gb, gm)) == Mod(a * b, m)
                && Take(GmpInteger.AddMod(ga, gb, gm)) == Mod(a + b, m)
                && Take(GmpInteger.Gcd(ga, gb)) == BigInteger.GreatestCommonDivisor(a, b)
                && GmpInteger.Jacobi(ga, gm) == Jacobi(a, m);
        }, iter: 300);
    }

    [Fact]
    public void Property_secret_and_public_modular_exponentiation_agree_with_BigInteger()
    {
        var exponent = Gen.Byte.Array[0, 64].Select(bytes => new BigInteger(bytes, isUnsigned: true, isBigEndian: true));
        Gen.Select(Signed, exponent, OddModulus).Sample((b, e, m) =>
        {
            using var gb = ToGmp(b);
            using var ge = ToGmp(e);
            using var gm = ToGmp(m);
            var expected = ModPow(b, e, m);
            if (Take(GmpInteger.PowModPublic(gb, ge, gm)) != expected || Take(GmpInteger.PowModSecret(gb, ge, gm)) != expected)
            {
                return false;
            }

            // Negative exponents: defined exactly when b is invertible modulo m.
            using var negativeE = ToGmp(-e);
            if (Inverse(b, m) is null)
            {
                return e.IsZero || (Throws(() => GmpInteger.PowModPublic(gb, negativeE, gm)) && Throws(() => GmpInteger.PowModSecret(gb, negativeE, gm)));
            }

            var inverse = ModPow(b, -e, m);
            return Take(GmpInteger.PowModPublic(gb, negativeE, gm)) == inverse && Take(GmpInteger.PowModSecret(gb, negativeE, gm)) == inverse;
        }, iter: 200);
    }

    [Fact]
    public void Property_bytes_round_trip_and_shifts_agree_with_BigInteger()
    {
        Gen.Select(Gen.Byte.Array[0, 600], Gen.Int[0, 300]).Sample((bytes, k) =>
        {
            using var x = GmpInteger.FromBytes(bytes);
            var expected = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
            var minimal = bytes.SkipWhile(b => b == 0).ToArray();
            var padded = x.ToBytes(bytes.Length);
            return x.ToBigInteger() == expected
                && x.ToBytes().AsSpan().SequenceEqual(minimal)
                && padded.AsSpan().SequenceEqual(bytes)
                && Take(GmpInteger.ShiftLeft(x, k)) == expected << k
                && Take(GmpInteger.ShiftRight(x, k)) == expected >> k;
        }, iter: 300);
    }

    private static bool Throws(Func<GmpInteger> action)
    {
        try
        {
            action().Dispose();
            return false;
        }
        catch (ArithmeticException)
        {
            return true;
        }
    }
}

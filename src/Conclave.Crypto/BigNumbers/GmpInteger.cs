using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Conclave.Crypto.Native;
using Conclave.Crypto.Random;

namespace Conclave.Crypto.BigNumbers;

/// <summary>
/// A GMP integer (<c>mpz_t</c>) in native memory. Its limbs are wiped before they are freed, on
/// <see cref="Dispose"/> or by the finalizer, so it may hold secrets (Paillier primes, exponents).
/// Values are non-negative unless a method says otherwise. <see cref="ToString"/> prints nothing.
/// </summary>
[DebuggerDisplay("GmpInteger({BitLength} bits)")]
public sealed unsafe class GmpInteger : IDisposable
{
    private GmpNative.Mpz* _z;

    /// <summary>Creates zero.</summary>
    public GmpInteger()
    {
        _z = (GmpNative.Mpz*)NativeMemory.AllocZeroed(GmpNative.MpzSize);
        GmpNative.Init(_z);
    }

    /// <summary>Wipes and frees if the caller forgot to.</summary>
    ~GmpInteger()
    {
        Release();
    }

    /// <summary>Number of bits in the absolute value (0 for zero).</summary>
    public int BitLength => IsZero ? 0 : (int)GmpNative.SizeInBase(Z, 2);

    /// <summary>Whether the value is zero.</summary>
    public bool IsZero => Z->Size == 0;

    /// <summary>Whether the value is negative.</summary>
    public bool IsNegative => Z->Size < 0;

    /// <summary>Whether the value is odd.</summary>
    public bool IsOdd => GmpNative.TstBit(Z, 0) == 1;

    internal GmpNative.Mpz* Z
    {
        get
        {
            ObjectDisposedException.ThrowIf(_z is null, this);
            return _z;
        }
    }

    /// <summary>A value from an unsigned big-endian byte string.</summary>
    public static GmpInteger FromBytes(ReadOnlySpan<byte> bigEndian)
    {
        var r = new GmpInteger();
        if (!bigEndian.IsEmpty)
        {
            fixed (byte* p = bigEndian)
            {
                GmpNative.Import(r.Z, (nuint)bigEndian.Length, 1, 1, 1, 0, p);
            }
        }

        return r;
    }

    /// <summary>A small value.</summary>
    public static GmpInteger FromUInt64(ulong value)
    {
        var r = new GmpInteger();
        GmpNative.SetUi(r.Z, (nuint)value);
        return r;
    }

    /// <summary>A public value from a <see cref="BigInteger"/> (non-negative).</summary>
    public static GmpInteger FromBigInteger(BigInteger value)
    {
        if (value.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "Only non-negative values convert.");
        }

        return FromBytes(value.ToByteArray(isUnsigned: true, isBigEndian: true));
    }

    /// <summary>A copy.</summary>
    public GmpInteger Clone()
    {
        var r = new GmpInteger();
        GmpNative.Set(r.Z, Z);
        return r;
    }

    /// <summary>The unsigned big-endian magnitude (minimal length; empty for zero).</summary>
    public byte[] ToBytes()
    {
        var len = (BitLength + 7) / 8;
        var result = new byte[len];
        WriteBytes(result);
        return result;
    }

    /// <summary>The unsigned big-endian magnitude left-padded to <paramref name="length"/> bytes.</summary>
    public byte[] ToBytes(int length)
    {
        var result = new byte[length];
        WriteBytes(result);
        return result;
    }

    /// <summary>Writes the magnitude big-endian, right-aligned in <paramref name="destination"/>.</summary>
    public void WriteBytes(Span<byte> destination)
    {
        var len = (BitLength + 7) / 8;
        if (len > destination.Length)
        {
            throw new ArgumentException("Destination too small.", nameof(destination));
        }

        destination.Clear();
        if (len == 0)
        {
            return;
        }

        fixed (byte* p = destination[(destination.Length - len)..])
        {
            nuint count;
            GmpNative.Export(p, &count, 1, 1, 1, 0, Z);
        }
    }

    /// <summary>The value as a <see cref="BigInteger"/>: for public values only.</summary>
    public BigInteger ToBigInteger() =>
        IsNegative ? -new BigInteger(ToBytes(), isUnsigned: true, isBigEndian: true) : new BigInteger(ToBytes(), isUnsigned: true, isBigEndian: true);

    /// <summary>Compares by value.</summary>
    public int CompareTo(GmpInteger other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Math.Sign(GmpNative.Cmp(Z, other.Z));
    }

    /// <summary>Compares with a small value.</summary>
    public int CompareTo(ulong other) => Math.Sign(GmpNative.CmpUi(Z, (nuint)other));

    /// <summary>a + b.</summary>
    public static GmpInteger Add(GmpInteger a, GmpInteger b) => Op(a, b, &GmpNative.Add);

    /// <summary>a - b (may be negative).</summary>
    public static GmpInteger Subtract(GmpInteger a, GmpInteger b) => Op(a, b, &GmpNative.Sub);

    /// <summary>a * b.</summary>
    public static GmpInteger Multiply(GmpInteger a, GmpInteger b) => Op(a, b, &GmpNative.Mul);

    /// <summary>a mod m, in [0, m).</summary>
    public static GmpInteger Mod(GmpInteger a, GmpInteger m)
    {
        CheckModulus(m);
        return Op(a, m, &GmpNative.Mod);
    }

    /// <summary>a * b mod m.</summary>
    public static GmpInteger MultiplyMod(GmpInteger a, GmpInteger b, GmpInteger m)
    {
        CheckModulus(m);
        var r = Multiply(a, b);
        GmpNative.Mod(r.Z, r.Z, m.Z);
        return r;
    }

    /// <summary>a + b mod m.</summary>
    public static GmpInteger AddMod(GmpInteger a, GmpInteger b, GmpInteger m)
    {
        CheckModulus(m);
        var r = Add(a, b);
        GmpNative.Mod(r.Z, r.Z, m.Z);
        return r;
    }

    /// <summary>b^e mod m for a public exponent (variable time; a negative e uses the inverse of b).</summary>
    public static GmpInteger PowModPublic(GmpInteger b, GmpInteger e, GmpInteger m)
    {
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(e);
        CheckModulus(m);
        if (e.IsNegative)
        {
            using var inv = Invert(b, m) ?? throw new ArithmeticException("The base has no inverse modulo m.");
            using var ne = Negate(e);
            return PowModPublic(inv, ne, m);
        }

        var r = new GmpInteger();
        GmpNative.Powm(r.Z, b.Z, e.Z, m.Z);
        return r;
    }

    /// <summary>
    /// b^e mod m with a secret exponent: <c>mpz_powm_sec</c>, whose time and memory access do not
    /// depend on e. Needs an odd modulus and e &gt; 0; a negative e uses the inverse of b.
    /// </summary>
    public static GmpInteger PowModSecret(GmpInteger b, GmpInteger e, GmpInteger m)
    {
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(e);
        CheckModulus(m);
        if (!m.IsOdd)
        {
            throw new ArgumentException("mpz_powm_sec needs an odd modulus.", nameof(m));
        }

        if (e.IsNegative)
        {
            using var inv = Invert(b, m) ?? throw new ArithmeticException("The base has no inverse modulo m.");
            using var ne = Negate(e);
            return PowModSecret(inv, ne, m);
        }

        if (e.IsZero)
        {
            return FromUInt64(m.CompareTo(1) == 0 ? 0UL : 1UL);
        }

        var r = new GmpInteger();
        GmpNative.PowmSec(r.Z, b.Z, e.Z, m.Z);
        return r;
    }

    /// <summary>a^-1 mod m, or null when gcd(a, m) != 1.</summary>
    public static GmpInteger? Invert(GmpInteger a, GmpInteger m)
    {
        ArgumentNullException.ThrowIfNull(a);
        CheckModulus(m);
        var r = new GmpInteger();
        if (GmpNative.Invert(r.Z, a.Z, m.Z) == 0)
        {
            r.Dispose();
            return null;
        }

        return r;
    }

    /// <summary>a / b when b divides a exactly (GMP's fast exact division).</summary>
    public static GmpInteger DivideExact(GmpInteger a, GmpInteger b)
    {
        ArgumentNullException.ThrowIfNull(b);
        if (b.IsZero)
        {
            throw new DivideByZeroException("Division by zero.");
        }

        return Op(a, b, &GmpNative.DivExact);
    }

    /// <summary>gcd(a, b).</summary>
    public static GmpInteger Gcd(GmpInteger a, GmpInteger b) => Op(a, b, &GmpNative.Gcd);

    /// <summary>-a.</summary>
    public static GmpInteger Negate(GmpInteger a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var r = new GmpInteger();
        GmpNative.Neg(r.Z, a.Z);
        return r;
    }

    /// <summary>The Jacobi symbol (a/n) for odd n.</summary>
    public static int Jacobi(GmpInteger a, GmpInteger n)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(n);
        if (!n.IsOdd || n.IsNegative)
        {
            throw new ArgumentException("The Jacobi symbol needs an odd positive n.", nameof(n));
        }

        return GmpNative.Jacobi(a.Z, n.Z);
    }

    /// <summary>Whether the value is probably prime (GMP's trial division, Baillie-PSW and <paramref name="rounds"/> Miller-Rabin rounds). GMP tests the absolute value, so callers needing a positive prime check the sign.</summary>
    public bool IsProbablePrime(int rounds = 40) => GmpNative.ProbabPrime(Z, rounds) > 0;

    /// <summary>Whether the value is a perfect square.</summary>
    public bool IsPerfectSquare() => GmpNative.PerfectSquare(Z) != 0;

    /// <summary>The value mod a small divisor.</summary>
    public ulong ModSmall(ulong divisor)
    {
        if (divisor == 0)
        {
            throw new DivideByZeroException("Division by zero.");
        }

        return GmpNative.FdivUi(Z, (nuint)divisor);
    }

    /// <summary>a * 2^k.</summary>
    public static GmpInteger ShiftLeft(GmpInteger a, int k)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        var r = new GmpInteger();
        GmpNative.Mul2Exp(r.Z, a.Z, (nuint)k);
        return r;
    }

    /// <summary>floor(a / 2^k).</summary>
    public static GmpInteger ShiftRight(GmpInteger a, int k)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        var r = new GmpInteger();
        GmpNative.FdivQ2Exp(r.Z, a.Z, (nuint)k);
        return r;
    }

    /// <summary>A uniformly random integer in [0, bound), by rejection sampling.</summary>
    public static GmpInteger RandomBelow(GmpInteger bound, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(bound);
        ArgumentNullException.ThrowIfNull(random);
        if (bound.CompareTo(0) <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bound), "The bound must be positive.");
        }

        var bits = bound.BitLength;
        var bytes = new byte[(bits + 7) / 8];
        var excess = (bytes.Length * 8) - bits;
        try
        {
            while (true)
            {
                random.Fill(bytes);
                bytes[0] &= (byte)(0xFF >> excess);
                var r = FromBytes(bytes);
                if (r.CompareTo(bound) < 0)
                {
                    return r;
                }

                r.Dispose();
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>A uniformly random integer in [0, 2^bits).</summary>
    public static GmpInteger RandomBits(int bits, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegative(bits);
        var bytes = new byte[(bits + 7) / 8];
        try
        {
            random.Fill(bytes);
            if (bytes.Length > 0)
            {
                bytes[0] &= (byte)(0xFF >> ((bytes.Length * 8) - bits));
            }

            return FromBytes(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>A uniformly random integer in [-2^bits, 2^bits] (the paper's ±2^bits ranges).</summary>
    public static GmpInteger RandomSigned(int bits, IRandomSource random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bits);
        using var one = FromUInt64(1);
        using var bound = ShiftLeft(one, bits + 1);
        using var boundPlusOne = Add(bound, one);
        using var u = RandomBelow(boundPlusOne, random);
        using var half = ShiftLeft(one, bits);
        return Subtract(u, half);
    }

    /// <summary>A uniformly random integer in [-bound, bound] for any bound ≥ 0 (the paper's ±bound ranges when bound is not a power of two).</summary>
    public static GmpInteger RandomSigned(GmpInteger bound, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(bound);
        ArgumentNullException.ThrowIfNull(random);
        if (bound.IsNegative)
        {
            throw new ArgumentOutOfRangeException(nameof(bound), "The bound must not be negative.");
        }

        using var twice = ShiftLeft(bound, 1);
        using var one = FromUInt64(1);
        using var width = Add(twice, one);
        using var u = RandomBelow(width, random);
        return Subtract(u, bound);
    }

    /// <summary>floor(√a) for a ≥ 0 (<c>mpz_sqrt</c>).</summary>
    public static GmpInteger SquareRoot(GmpInteger a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.IsNegative)
        {
            throw new ArgumentOutOfRangeException(nameof(a), "The square root needs a non-negative value.");
        }

        var r = new GmpInteger();
        GmpNative.Sqrt(r.Z, a.Z);
        return r;
    }

    /// <summary>ceil(√a) for a ≥ 0.</summary>
    public static GmpInteger SquareRootCeiling(GmpInteger a)
    {
        var r = SquareRoot(a);
        using var square = Multiply(r, r);
        if (square.CompareTo(a) < 0)
        {
            GmpNative.AddUi(r.Z, r.Z, 1);
        }

        return r;
    }

    /// <summary>Compares |this| with |other| (<c>mpz_cmpabs</c>): whether a signed value lies in ±bound is <c>x.CompareMagnitude(bound) &lt;= 0</c>.</summary>
    public int CompareMagnitude(GmpInteger other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Math.Sign(GmpNative.CmpAbs(Z, other.Z));
    }

    /// <summary>Wipes and frees the limbs.</summary>
    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    public override string ToString() => "<redacted>";

    private void Release()
    {
        if (_z is null)
        {
            return;
        }

        if (_z->Limbs is not null && _z->Alloc > 0)
        {
            CryptographicOperations.ZeroMemory(new Span<byte>(_z->Limbs, _z->Alloc * sizeof(nuint)));
        }

        GmpNative.Clear(_z);
        NativeMemory.Free(_z);
        _z = null;
    }

    private static GmpInteger Op(GmpInteger a, GmpInteger b, delegate*<GmpNative.Mpz*, GmpNative.Mpz*, GmpNative.Mpz*, void> f)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var r = new GmpInteger();
        f(r.Z, a.Z, b.Z);
        return r;
    }

    private static void CheckModulus(GmpInteger m)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (m.CompareTo(0) <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(m), "The modulus must be positive.");
        }
    }
}

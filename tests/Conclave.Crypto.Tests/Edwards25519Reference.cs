using System.Numerics;

namespace Conclave.Crypto.Tests;

/// <summary>
/// A slow, independent edwards25519 model in affine coordinates over <see cref="BigInteger"/>
/// (RFC 8032 §5.1), used only to build and check test inputs: decoding, encoding, addition and
/// double-and-add multiplication. Public values only; nothing here is constant time.
/// </summary>
internal static class Edwards25519Reference
{
    /// <summary>p = 2^255 - 19.</summary>
    public static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;

    /// <summary>L = 2^252 + 27742317777372353535851937790883648493.</summary>
    public static readonly BigInteger L = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>d = -121665 / 121666 mod p.</summary>
    public static readonly BigInteger D = Mod(-121665 * Inverse(121666));

    /// <summary>sqrt(-1) = 2^((p-1)/4) mod p.</summary>
    private static readonly BigInteger SqrtMinusOne = BigInteger.ModPow(2, (P - 1) / 4, P);

    /// <summary>The neutral element (0, 1).</summary>
    public static readonly (BigInteger X, BigInteger Y) Identity = (BigInteger.Zero, BigInteger.One);

    /// <summary>Decodes a 32-byte RFC 8032 encoding; false if y ≥ p, x does not exist, or x = 0 with the sign bit set.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoding, out (BigInteger X, BigInteger Y) point)
    {
        point = Identity;
        if (encoding.Length != 32)
        {
            return false;
        }

        Span<byte> yBytes = stackalloc byte[32];
        encoding.CopyTo(yBytes);
        var sign = yBytes[31] >> 7;
        yBytes[31] &= 0x7f;
        var y = new BigInteger(yBytes, isUnsigned: true, isBigEndian: false);
        if (y >= P)
        {
            return false;
        }

        if (!TryRecoverX(y, sign, out var x))
        {
            return false;
        }

        point = (x, y);
        return true;
    }

    /// <summary>Whether some x satisfies the curve equation for this y (y &lt; p).</summary>
    public static bool IsOnCurveY(BigInteger y) => TryRecoverX(y, 0, out _);

    /// <summary>Encodes a point: y little-endian with the parity of x in the top bit.</summary>
    public static byte[] Encode((BigInteger X, BigInteger Y) point)
    {
        var result = new byte[32];
        _ = point.Y.TryWriteBytes(result, out _, isUnsigned: true, isBigEndian: false);
        if (!point.X.IsEven)
        {
            result[31] |= 0x80;
        }

        return result;
    }

    /// <summary>Encodes an integer below p as 32 little-endian bytes (top bit clear).</summary>
    public static byte[] EncodeY(BigInteger y)
    {
        var result = new byte[32];
        _ = y.TryWriteBytes(result, out _, isUnsigned: true, isBigEndian: false);
        return result;
    }

    /// <summary>The twisted Edwards addition law (complete for edwards25519, a = -1).</summary>
    public static (BigInteger X, BigInteger Y) Add((BigInteger X, BigInteger Y) a, (BigInteger X, BigInteger Y) b)
    {
        var t = Mod(D * a.X * b.X * a.Y * b.Y);
        var x = Mod((a.X * b.Y) + (b.X * a.Y)) * Inverse(Mod(1 + t));
        var y = Mod((a.Y * b.Y) + (a.X * b.X)) * Inverse(Mod(1 - t));
        return (Mod(x), Mod(y));
    }

    /// <summary>k * P by double-and-add (k ≥ 0), in extended coordinates (RFC 8032 §5.1.4) to avoid inversions.</summary>
    public static (BigInteger X, BigInteger Y) Multiply((BigInteger X, BigInteger Y) point, BigInteger k)
    {
        var acc = (X: BigInteger.Zero, Y: BigInteger.One, Z: BigInteger.One, T: BigInteger.Zero);
        var addend = (point.X, point.Y, Z: BigInteger.One, T: Mod(point.X * point.Y));
        while (!k.IsZero)
        {
            if (!k.IsEven)
            {
                acc = AddExtended(acc, addend);
            }

            addend = AddExtended(addend, addend);
            k >>= 1;
        }

        var zInv = Inverse(acc.Z);
        return (Mod(acc.X * zInv), Mod(acc.Y * zInv));
    }

    private static (BigInteger X, BigInteger Y, BigInteger Z, BigInteger T) AddExtended(
        (BigInteger X, BigInteger Y, BigInteger Z, BigInteger T) p,
        (BigInteger X, BigInteger Y, BigInteger Z, BigInteger T) q)
    {
        // The unified formula of RFC 8032 §5.1.4 (complete, so it also doubles).
        var a = Mod((p.Y - p.X) * (q.Y - q.X));
        var b = Mod((p.Y + p.X) * (q.Y + q.X));
        var c = Mod(p.T * 2 * D * q.T);
        var d = Mod(p.Z * 2 * q.Z);
        var e = b - a;
        var f = d - c;
        var g = d + c;
        var h = b + a;
        return (Mod(e * f), Mod(g * h), Mod(f * g), Mod(e * h));
    }

    private static bool TryRecoverX(BigInteger y, int sign, out BigInteger x)
    {
        // x^2 = (y^2 - 1) / (d y^2 + 1); square root as in RFC 8032 §5.1.3 (p = 5 mod 8).
        var y2 = Mod(y * y);
        var x2 = Mod((y2 - 1) * Inverse(Mod((D * y2) + 1)));
        x = BigInteger.ModPow(x2, (P + 3) / 8, P);
        if (Mod(x * x) != x2)
        {
            x = Mod(x * SqrtMinusOne);
        }

        if (Mod(x * x) != x2)
        {
            return false;
        }

        if (x.IsZero && sign == 1)
        {
            return false;
        }

        if ((x.IsEven ? 0 : 1) != sign)
        {
            x = P - x;
        }

        return true;
    }

    private static BigInteger Inverse(BigInteger v) => BigInteger.ModPow(Mod(v), P - 2, P);

    private static BigInteger Mod(BigInteger v)
    {
        var r = v % P;
        return r.Sign < 0 ? r + P : r;
    }
}

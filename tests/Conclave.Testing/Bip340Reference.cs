using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.EC;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Conclave.Testing;

/// <summary>
/// An independent BIP-340 verifier written from the specification over BouncyCastle's secp256k1
/// curve. It shares no code with Conclave.Crypto (not even the tagged hash), so agreement with
/// <c>Bip340Signature.Verify</c> means two implementations agree, not one with itself.
/// </summary>
public static class Bip340Reference
{
    private static readonly X9ECParameters Curve = CustomNamedCurves.GetByName("secp256k1");

    /// <summary>The field size p.</summary>
    public static BcBigInteger FieldSize => Curve.Curve.Field.Characteristic;

    /// <summary>The group order n.</summary>
    public static BcBigInteger Order => Curve.N;

    /// <summary>The generator G.</summary>
    public static ECPoint G => Curve.G;

    /// <summary>BIP-340 Verify(pk, m, sig).</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != 32 || signature.Length != 64)
        {
            return false;
        }

        var p = LiftX(publicKey);
        if (p is null)
        {
            return false;
        }

        var r = new BcBigInteger(1, signature[..32].ToArray());
        var s = new BcBigInteger(1, signature[32..].ToArray());
        if (r.CompareTo(FieldSize) >= 0 || s.CompareTo(Order) >= 0)
        {
            return false;
        }

        var e = Challenge(signature[..32], publicKey, message);

        // R = s*G - e*P
        var bigR = G.Multiply(s).Add(p.Multiply(e).Negate()).Normalize();
        return !bigR.IsInfinity
            && !bigR.AffineYCoord.TestBitZero()
            && bigR.AffineXCoord.ToBigInteger().Equals(r);
    }

    /// <summary>e = int(hash_BIP0340/challenge(r || P || m)) mod n, with SHA-256 written out by hand.</summary>
    public static BcBigInteger Challenge(ReadOnlySpan<byte> r, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message)
    {
        var tagHash = SHA256.HashData(Encoding.ASCII.GetBytes("BIP0340/challenge"));
        var input = new byte[64 + 32 + 32 + message.Length];
        tagHash.CopyTo(input, 0);
        tagHash.CopyTo(input, 32);
        r.CopyTo(input.AsSpan(64));
        publicKey.CopyTo(input.AsSpan(96));
        message.CopyTo(input.AsSpan(128));
        return new BcBigInteger(1, SHA256.HashData(input)).Mod(Order);
    }

    /// <summary>lift_x(x): the point with even y and this x, or null when x ≥ p or x^3 + 7 is not a square.</summary>
    public static ECPoint? LiftX(ReadOnlySpan<byte> x32)
    {
        var p = FieldSize;
        var x = new BcBigInteger(1, x32.ToArray());
        if (x.CompareTo(p) >= 0)
        {
            return null;
        }

        var c = x.ModPow(BcBigInteger.Three, p).Add(BcBigInteger.ValueOf(7)).Mod(p);
        var y = c.ModPow(p.Add(BcBigInteger.One).ShiftRight(2), p);
        if (!y.ModPow(BcBigInteger.Two, p).Equals(c))
        {
            return null;
        }

        if (y.TestBit(0))
        {
            y = p.Subtract(y);
        }

        return Curve.Curve.CreatePoint(x, y);
    }

    /// <summary>The compressed SEC1 encoding of k*G.</summary>
    public static byte[] MultiplyBaseCompressed(ReadOnlySpan<byte> scalarBigEndian) =>
        G.Multiply(new BcBigInteger(1, scalarBigEndian.ToArray())).Normalize().GetEncoded(compressed: true);

    /// <summary>32 big-endian bytes of a non-negative integer below 2^256.</summary>
    public static byte[] ToBytes32(BcBigInteger value)
    {
        var raw = value.ToByteArrayUnsigned();
        var result = new byte[32];
        raw.CopyTo(result, 32 - raw.Length);
        return result;
    }
}

using System.Text;
using Conclave.Threshold.Frost.Ciphersuites;
using NSec.Cryptography;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using SHA256 = System.Security.Cryptography.SHA256;

namespace Conclave.Testing;

/// <summary>
/// Signature verifiers that share no curve code with Conclave: NSec for Ed25519 (RFC 8032),
/// and BouncyCastle's secp256k1 arithmetic for BIP-340 and for RFC 9591's prime-order check
/// [z]G == R + [c]PK (that one reuses the suite's H2, a hash-to-field pinned by the RFC vectors).
/// </summary>
public static class IndependentVerifier
{
    private static readonly X9ECParameters Secp256k1 = SecNamedCurves.GetByName("secp256k1");
    private static readonly BigInteger P = Secp256k1.Curve.Field.Characteristic;
    private static readonly BigInteger N = Secp256k1.N;
    private static readonly BigInteger Seven = BigInteger.ValueOf(7);

    /// <summary>Verifies with the standard verifier of the suite's signature scheme.</summary>
    public static bool Verify(FrostCiphersuite suite, byte[] publicKey, byte[] message, byte[] signature) => suite.Name switch
    {
        "ed25519" => VerifyEd25519(publicKey, message, signature),
        "secp256k1" => VerifySecp256k1(publicKey, message, signature),
        "secp256k1-tr" => VerifyBip340(publicKey, message, signature),
        _ => throw new ArgumentException($"No independent verifier for {suite.Name}.", nameof(suite)),
    };

    /// <summary>RFC 8032 Ed25519 through NSec.</summary>
    public static bool VerifyEd25519(byte[] publicKey, byte[] message, byte[] signature)
    {
        var algorithm = SignatureAlgorithm.Ed25519;
        var key = PublicKey.Import(algorithm, publicKey, KeyBlobFormat.RawPublicKey);
        return algorithm.Verify(key, message, signature);
    }

    /// <summary>RFC 9591 §6.5 FROST(secp256k1, SHA-256) verification over BouncyCastle points.</summary>
    public static bool VerifySecp256k1(byte[] publicKey, byte[] message, byte[] signature)
    {
        if (publicKey.Length != 33 || signature.Length != 65 || !IsCompressed(publicKey) || !IsCompressed(signature.AsSpan(0, 33)))
        {
            return false;
        }

        ECPoint pk;
        ECPoint r;
        try
        {
            pk = Secp256k1.Curve.DecodePoint(publicKey);
            r = Secp256k1.Curve.DecodePoint(signature[..33]);
        }
        catch (ArgumentException)
        {
            return false;
        }

        var z = new BigInteger(1, signature, 33, 32);
        if (z.CompareTo(N) >= 0)
        {
            return false;
        }

        // The challenge by an independent RFC 9380 hash_to_field (not Conclave's H2).
        var c = HashToFieldSecp256k1([.. signature[..33], .. publicKey, .. message], "FROST-secp256k1-SHA256-v1chal"u8.ToArray()).ToByteArrayUnsigned();
        var left = Secp256k1.G.Multiply(z).Normalize();
        var right = r.Add(pk.Multiply(new BigInteger(1, c))).Normalize();
        return left.Equals(right);
    }

    /// <summary>BIP-340 verification (see <see cref="Bip340Reference"/>).</summary>
    public static bool VerifyBip340(byte[] xOnlyPublicKey, byte[] message, byte[] signature) =>
        Bip340Reference.Verify(xOnlyPublicKey, message, signature);

    /// <summary>
    /// BIP-341 taproot_tweak_pubkey: Q = lift_x(P) + int(hash_TapTweak(P || merkle_root))G,
    /// returned as the 32-byte x-only output key and whether Q has even y.
    /// </summary>
    public static (byte[] OutputKey, bool HasEvenY) TaprootTweak(byte[] xOnlyInternalKey, byte[] merkleRoot)
    {
        var p = LiftX(new BigInteger(1, xOnlyInternalKey)) ?? throw new ArgumentException("Not an x coordinate on secp256k1.", nameof(xOnlyInternalKey));
        var t = new BigInteger(1, TaggedHash("TapTweak", [.. xOnlyInternalKey, .. merkleRoot]));
        if (t.CompareTo(N) >= 0)
        {
            throw new ArgumentException("Tweak out of range (probability 2^-128).", nameof(merkleRoot));
        }

        var q = p.Add(Secp256k1.G.Multiply(t)).Normalize();
        return (PadLeft(q.AffineXCoord.ToBigInteger().ToByteArrayUnsigned(), 32), !q.AffineYCoord.ToBigInteger().TestBit(0));
    }

    /// <summary>
    /// RFC 9380 §5.2 hash_to_field for the secp256k1 scalar field with expand_message_xmd(SHA-256),
    /// L = 48, count 1 — written out here independently of Conclave's implementation.
    /// </summary>
    public static BigInteger HashToFieldSecp256k1(byte[] message, byte[] dst)
    {
        const int length = 48;
        byte[] dstPrime = [.. dst, (byte)dst.Length];
        var b0 = System.Security.Cryptography.SHA256.HashData([.. new byte[64], .. message, 0, length, 0, .. dstPrime]);
        var b1 = System.Security.Cryptography.SHA256.HashData([.. b0, 1, .. dstPrime]);
        var b2 = System.Security.Cryptography.SHA256.HashData([.. b0.Zip(b1, (a, b) => (byte)(a ^ b)), 2, .. dstPrime]);
        return new BigInteger(1, [.. b1, .. b2[..16]]).Mod(N);
    }

    /// <summary>The 32-byte x coordinate of a 33-byte compressed SEC1 point (BIP-340 bytes(P)).</summary>
    public static byte[] XOnly(byte[] compressed) => compressed[1..];

    private static ECPoint? LiftX(BigInteger x)
    {
        if (x.CompareTo(P) >= 0)
        {
            return null;
        }

        var c = x.ModPow(BigInteger.Three, P).Add(Seven).Mod(P);
        var y = c.ModPow(P.Add(BigInteger.One).ShiftRight(2), P);
        if (!y.ModPow(BigInteger.Two, P).Equals(c))
        {
            return null;
        }

        return Secp256k1.Curve.CreatePoint(x, y.TestBit(0) ? P.Subtract(y) : y);
    }

    private static byte[] TaggedHash(string tag, byte[] message)
    {
        var tagHash = SHA256.HashData(Encoding.ASCII.GetBytes(tag));
        return SHA256.HashData([.. tagHash, .. tagHash, .. message]);
    }

    private static bool IsCompressed(ReadOnlySpan<byte> encoding) => encoding[0] is 0x02 or 0x03;

    private static byte[] PadLeft(byte[] bytes, int length) =>
        bytes.Length >= length ? bytes : [.. new byte[length - bytes.Length], .. bytes];

    /// <summary>
    /// ECDSA over secp256k1 with .NET's <see cref="System.Security.Cryptography.ECDsa"/> (OpenSSL):
    /// the compressed key is decompressed with BouncyCastle, the 64-byte r || s checked as is.
    /// </summary>
    public static bool VerifyEcdsaSecp256k1(byte[] compressedPublicKey, byte[] hash, byte[] signature)
    {
        var q = Secp256k1.Curve.DecodePoint(compressedPublicKey).Normalize().GetEncoded(compressed: false);
        using var ecdsa = System.Security.Cryptography.ECDsa.Create(new System.Security.Cryptography.ECParameters
        {
            Curve = System.Security.Cryptography.ECCurve.CreateFromFriendlyName("secp256k1"),
            Q = new System.Security.Cryptography.ECPoint { X = q[1..33], Y = q[33..] },
        });
        return ecdsa.VerifyHash(hash, signature, System.Security.Cryptography.DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }
}

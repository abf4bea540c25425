using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Conclave.Kms.Crypto;
using Conclave.Kms.Crypto.Internal;
using Org.BouncyCastle.Asn1.Sec;

namespace Conclave.Kms.CustomKeyStores;

/// <summary>
/// What ties a KMS key spec to a threshold wallet: the bridge key type, the wallet id derived from
/// tenant and key id, and the checks on what the bridge answers (public keys, signatures).
/// </summary>
internal static class ThresholdKeys
{
    /// <summary>The secp256k1 group order.</summary>
    private static readonly BigInteger Secp256k1Order = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);

    /// <summary>The key specs a custom key store can hold.</summary>
    public static IReadOnlyList<string> Specs { get; } = [KeySpecs.EccSecgP256K1, KeySpecs.EccNistEdwards25519];

    /// <summary>The bridge key type of <paramref name="keySpec"/>, or null if a custom key store cannot hold it.</summary>
    public static string? KeyType(string keySpec) => keySpec switch
    {
        KeySpecs.EccSecgP256K1 => "secp256k1",
        KeySpecs.EccNistEdwards25519 => "ed25519",
        _ => null,
    };

    /// <summary>
    /// The wallet id of a KMS key: <c>kms-</c> and the hex of the first 16 bytes of SHA-256 over the
    /// length-prefixed strings ("kms-wallet", tenant, key id), so two keys never share a wallet.
    /// </summary>
    public static string WalletId(string tenant, string keyId)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var part in new[] { "kms-wallet", tenant, keyId })
        {
            var bytes = Encoding.UTF8.GetBytes(part);
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }

        return "kms-" + Convert.ToHexStringLower(hash.GetHashAndReset().AsSpan(0, 16));
    }

    /// <summary>
    /// The DER SubjectPublicKeyInfo of the bridge's public key (secp256k1: SEC 1 point, compressed or
    /// not; ed25519: 32 bytes), or null if it is malformed, off the curve, the identity or of small order.
    /// </summary>
    public static byte[]? PublicKeySpki(string keySpec, byte[] publicKey)
    {
        switch (keySpec)
        {
            case KeySpecs.EccSecgP256K1:
                {
                    if (publicKey.Length is not (33 or 65))
                    {
                        return null;
                    }

                    Org.BouncyCastle.Math.EC.ECPoint point;
                    try
                    {
                        point = SecNamedCurves.GetByName("secp256k1").Curve.DecodePoint(publicKey).Normalize();
                    }
                    catch (ArgumentException)
                    {
                        return null;
                    }

                    if (point.IsInfinity || !point.IsValid())
                    {
                        return null;
                    }

                    var parameters = new ECParameters
                    {
                        Curve = ECCurve.CreateFromFriendlyName("secP256k1"),
                        Q = new ECPoint { X = point.AffineXCoord.GetEncoded(), Y = point.AffineYCoord.GetEncoded() },
                    };
                    using var ecdsa = ECDsa.Create(parameters);
                    return ecdsa.ExportSubjectPublicKeyInfo();
                }

            case KeySpecs.EccNistEdwards25519:
                return publicKey.Length == Ed25519Encoding.PublicKeyLength
                    && Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.ValidatePublicKeyFull(publicKey, 0)
                    ? Ed25519Encoding.Spki(publicKey)
                    : null;
            default:
                return null;
        }
    }

    /// <summary>The DER ECDSA-Sig-Value of a 64-byte r‖s, or null unless 0 &lt; r, s &lt; n.</summary>
    public static byte[]? Secp256k1Der(byte[] signature)
    {
        if (signature.Length != 64)
        {
            return null;
        }

        var r = new BigInteger(signature.AsSpan(0, 32), isUnsigned: true, isBigEndian: true);
        var s = new BigInteger(signature.AsSpan(32, 32), isUnsigned: true, isBigEndian: true);
        if (r.IsZero || s.IsZero || r >= Secp256k1Order || s >= Secp256k1Order)
        {
            return null;
        }

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(r);
            writer.WriteInteger(s);
        }

        return writer.Encode();
    }
}

using System.Security.Cryptography;
using Conclave.Crypto;
using Conclave.Kms.Crypto.Internal;

namespace Conclave.Kms.Crypto;

/// <summary>
/// Generates fresh key material for an AWS key spec. Formats: SYMMETRIC_DEFAULT 32 random bytes;
/// HMAC_N N/8 random bytes; RSA and ECC PKCS#8 DER private keys; ECC_NIST_EDWARDS25519 the 48-byte
/// RFC 8410 PKCS#8 DER private key (a random 32-byte seed). Randomness comes from
/// <see cref="RandomNumberGenerator"/> (RSA and EC keys from the platform library's generator).
/// </summary>
public static class KeyMaterialGenerator
{
    /// <summary>Generates key material for <paramref name="keySpec"/> (ValidationException for an unknown spec).</summary>
    public static SecretBytes Generate(string keySpec)
    {
        var spec = KeySpecs.Get(keySpec);
        switch (spec.Family)
        {
            case KeyFamily.Symmetric:
            case KeyFamily.Hmac:
                return SecretBytes.Create(spec.Bits / 8, 0, static (span, _) => RandomNumberGenerator.Fill(span));

            case KeyFamily.Rsa:
                {
                    using var rsa = RSA.Create(spec.Bits);
                    return ExportPkcs8(rsa);
                }

            case KeyFamily.Ec:
                {
                    using var ecdsa = ECDsa.Create(spec.Curve);
                    return ExportPkcs8(ecdsa);
                }

            default:
                return SecretBytes.Create(Ed25519Encoding.Pkcs8Length, 0, static (span, _) =>
                {
                    Ed25519Encoding.Pkcs8Prefix.CopyTo(span);
                    RandomNumberGenerator.Fill(span[Ed25519Encoding.Pkcs8Prefix.Length..]);
                });
        }
    }

    internal static SecretBytes ExportPkcs8(AsymmetricAlgorithm key)
    {
        var exported = key.ExportPkcs8PrivateKey();
        try
        {
            return SecretBytes.Copy(exported);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(exported);
        }
    }
}

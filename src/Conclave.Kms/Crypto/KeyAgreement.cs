using System.Security.Cryptography;
using Conclave.Crypto;
using Conclave.Kms.Crypto.Internal;

namespace Conclave.Kms.Crypto;

/// <summary>DeriveSharedSecret for ECC_NIST_* keys with KEY_AGREEMENT usage.</summary>
public static class KeyAgreement
{
    /// <summary>
    /// Raw ECDH: the x-coordinate of d·Q (32, 48 or 66 bytes), as AWS DeriveSharedSecret returns it.
    /// <paramref name="peerPublicKeySpki"/> must be a DER SubjectPublicKeyInfo on the key's own curve
    /// with a valid point; otherwise <c>ValidationException</c>. An algorithm other than ECDH, or a
    /// spec without key agreement, is <c>InvalidKeyUsageException</c>.
    /// </summary>
    public static SecretBytes DeriveSharedSecret(string keySpec, ReadOnlySpan<byte> privateMaterial, string keyAgreementAlgorithm,
        ReadOnlySpan<byte> peerPublicKeySpki)
    {
        var spec = KeySpecs.Get(keySpec);
        if (keyAgreementAlgorithm is null || !KeyAgreementAlgorithms.All.Contains(keyAgreementAlgorithm))
        {
            throw Error.NotInEnum(keyAgreementAlgorithm, "keyAgreementAlgorithm", KeyAgreementAlgorithms.All);
        }

        if (!spec.KeyAgreementAlgorithms.Contains(keyAgreementAlgorithm))
        {
            throw Error.WrongAlgorithm("KeyAgreementAlgorithm", keyAgreementAlgorithm, spec.Name);
        }

        using var peer = AsymmetricKeyHandle.ImportEcPublicKey(spec, peerPublicKeySpki, ECDiffieHellman.Create());
        using var own = ECDiffieHellman.Create();
        try
        {
            own.ImportPkcs8PrivateKey(privateMaterial, out var read);
            if (read != privateMaterial.Length || !EcPoints.IsCurve(own.ExportParameters(false).Curve, spec.CurveOid!))
            {
                throw Error.InvalidKeyMaterial(spec.Name);
            }
        }
        catch (CryptographicException)
        {
            throw Error.InvalidKeyMaterial(spec.Name);
        }

        var secret = own.DeriveRawSecretAgreement(peer.PublicKey);
        try
        {
            return SecretBytes.Copy(secret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }
}

using Conclave.Crypto;

namespace Conclave.Kms.Crypto;

/// <summary>
/// RSAES-OAEP (SHA-1 or SHA-256) for RSA keys with ENCRYPT_DECRYPT usage, with AWS's plaintext size
/// limits. Each call imports the key; cache an <see cref="AsymmetricKeyHandle"/> for hot paths.
/// </summary>
public static class AsymmetricEncryption
{
    /// <summary>Encrypts with a DER SubjectPublicKeyInfo.</summary>
    public static byte[] Encrypt(string keySpec, ReadOnlySpan<byte> publicKeySpki, string encryptionAlgorithm, ReadOnlySpan<byte> plaintext)
    {
        using var handle = AsymmetricKeyHandle.FromPublicKey(keySpec, publicKeySpki);
        return handle.Encrypt(encryptionAlgorithm, plaintext);
    }

    /// <summary>Encrypts with private material (PKCS#8 DER).</summary>
    public static byte[] EncryptWithPrivateKey(string keySpec, ReadOnlySpan<byte> privateMaterial, string encryptionAlgorithm,
        ReadOnlySpan<byte> plaintext)
    {
        using var handle = AsymmetricKeyHandle.FromPrivateKey(keySpec, privateMaterial);
        return handle.Encrypt(encryptionAlgorithm, plaintext);
    }

    /// <summary>Decrypts with private material; any failure is <c>InvalidCiphertextException</c>.</summary>
    public static SecretBytes Decrypt(string keySpec, ReadOnlySpan<byte> privateMaterial, string encryptionAlgorithm,
        ReadOnlySpan<byte> ciphertext)
    {
        using var handle = AsymmetricKeyHandle.FromPrivateKey(keySpec, privateMaterial);
        return handle.Decrypt(encryptionAlgorithm, ciphertext);
    }

    /// <summary>
    /// The largest plaintext AWS accepts: k − 2·hLen − 2 bytes (RSA_2048: 214 SHA-1 / 190 SHA-256;
    /// RSA_3072: 342/318; RSA_4096: 470/446).
    /// </summary>
    public static int MaxPlaintextLength(string keySpec, string encryptionAlgorithm)
    {
        var spec = AsymmetricKeyHandle.RequireAsymmetric(keySpec, "Encrypt");
        if (!spec.EncryptionAlgorithms.Contains(encryptionAlgorithm))
        {
            throw Internal.Error.WrongAlgorithm("EncryptionAlgorithm", encryptionAlgorithm, spec.Name);
        }

        return AsymmetricKeyHandle.MaxPlaintextLength(spec.Bits, encryptionAlgorithm == EncryptionAlgorithms.RsaesOaepSha1 ? 20 : 32);
    }
}

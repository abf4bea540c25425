namespace Conclave.Kms.Crypto;

/// <summary>Public keys of asymmetric key material, as AWS GetPublicKey returns them.</summary>
public static class PublicKeys
{
    /// <summary>
    /// The DER SubjectPublicKeyInfo of <paramref name="privateMaterial"/> (PKCS#8 DER). Ed25519 keys
    /// use RFC 8410 (OID 1.3.101.112). A non-asymmetric spec is <c>InvalidKeyUsageException</c>.
    /// </summary>
    public static byte[] ExportSubjectPublicKeyInfo(string keySpec, ReadOnlySpan<byte> privateMaterial)
    {
        using var handle = AsymmetricKeyHandle.FromPrivateKey(keySpec, privateMaterial);
        return handle.ExportSubjectPublicKeyInfo();
    }

    /// <summary>
    /// The raw public key of <paramref name="privateMaterial"/>: 32 bytes for Ed25519, the SEC 1
    /// compressed point for ECC (33 bytes for P-256 and secp256k1), <see langword="null"/> for RSA.
    /// </summary>
    public static byte[]? RawPublicKey(string keySpec, ReadOnlySpan<byte> privateMaterial)
    {
        using var handle = AsymmetricKeyHandle.FromPrivateKey(keySpec, privateMaterial);
        return handle.RawPublicKey();
    }
}

namespace Conclave.Kms.Crypto;

/// <summary>
/// One-shot Sign and Verify for asymmetric key specs. Each call imports the key; for hot paths cache
/// an <see cref="AsymmetricKeyHandle"/> per key instead and call its Sign/Verify.
/// </summary>
public static class Signer
{
    /// <summary>
    /// Signs with private material (PKCS#8 DER). See <see cref="AsymmetricKeyHandle.Sign"/> for the rules.
    /// </summary>
    public static byte[] Sign(string keySpec, ReadOnlySpan<byte> privateMaterial, string signingAlgorithm,
        ReadOnlySpan<byte> message, string messageType)
    {
        using var handle = AsymmetricKeyHandle.FromPrivateKey(keySpec, privateMaterial);
        return handle.Sign(signingAlgorithm, message, messageType);
    }

    /// <summary>
    /// Verifies with a DER SubjectPublicKeyInfo. Returns <see langword="false"/> for a signature that
    /// does not verify (including malformed DER); throws for caller errors only.
    /// </summary>
    public static bool Verify(string keySpec, ReadOnlySpan<byte> publicKeySpki, string signingAlgorithm,
        ReadOnlySpan<byte> message, string messageType, ReadOnlySpan<byte> signature)
    {
        using var handle = AsymmetricKeyHandle.FromPublicKey(keySpec, publicKeySpki);
        return handle.Verify(signingAlgorithm, message, messageType, signature);
    }

    /// <summary>Verifies with private material (PKCS#8 DER), as the service holds it.</summary>
    public static bool VerifyWithPrivateKey(string keySpec, ReadOnlySpan<byte> privateMaterial, string signingAlgorithm,
        ReadOnlySpan<byte> message, string messageType, ReadOnlySpan<byte> signature)
    {
        using var handle = AsymmetricKeyHandle.FromPrivateKey(keySpec, privateMaterial);
        return handle.Verify(signingAlgorithm, message, messageType, signature);
    }
}

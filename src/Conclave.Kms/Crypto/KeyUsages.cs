namespace Conclave.Kms.Crypto;

/// <summary>AWS KMS key usage names (the <c>KeyUsage</c> strings SDKs send).</summary>
public static class KeyUsages
{
    /// <summary>Encrypt and decrypt (symmetric keys and RSA keys).</summary>
    public const string EncryptDecrypt = "ENCRYPT_DECRYPT";

    /// <summary>Sign and verify (RSA and ECC keys).</summary>
    public const string SignVerify = "SIGN_VERIFY";

    /// <summary>Generate and verify MACs (HMAC keys).</summary>
    public const string GenerateVerifyMac = "GENERATE_VERIFY_MAC";

    /// <summary>Derive shared secrets (ECC NIST keys).</summary>
    public const string KeyAgreement = "KEY_AGREEMENT";

    /// <summary>Every usage name, in AWS's order.</summary>
    public static IReadOnlyList<string> All { get; } = [EncryptDecrypt, SignVerify, GenerateVerifyMac, KeyAgreement];
}

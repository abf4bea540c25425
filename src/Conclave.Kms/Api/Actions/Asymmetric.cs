namespace Conclave.Kms.Api.Actions;

/// <summary>Sign request.</summary>
public sealed record SignRequest
{
    /// <summary>The SIGN_VERIFY key.</summary>
    public string? KeyId { get; init; }

    /// <summary>The message (RAW, 1–4096 bytes) or its digest (DIGEST).</summary>
    public byte[]? Message { get; init; }

    /// <summary>RAW (default) or DIGEST.</summary>
    public string? MessageType { get; init; }

    /// <summary>Grant tokens.</summary>
    public IReadOnlyList<string>? GrantTokens { get; init; }

    /// <summary>The signing algorithm (required).</summary>
    public string? SigningAlgorithm { get; init; }

    /// <summary>Checks permissions only.</summary>
    public bool? DryRun { get; init; }
}

/// <summary>Sign response.</summary>
public sealed record SignResponse(string KeyId, byte[] Signature, string SigningAlgorithm);

/// <summary>Verify request.</summary>
public sealed record VerifyRequest
{
    /// <summary>The SIGN_VERIFY key.</summary>
    public string? KeyId { get; init; }

    /// <summary>The message or its digest.</summary>
    public byte[]? Message { get; init; }

    /// <summary>RAW (default) or DIGEST.</summary>
    public string? MessageType { get; init; }

    /// <summary>The signature to check.</summary>
    public byte[]? Signature { get; init; }

    /// <summary>The signing algorithm (required).</summary>
    public string? SigningAlgorithm { get; init; }

    /// <summary>Grant tokens.</summary>
    public IReadOnlyList<string>? GrantTokens { get; init; }

    /// <summary>Checks permissions only.</summary>
    public bool? DryRun { get; init; }
}

/// <summary>Verify response (always valid: an invalid signature is KMSInvalidSignatureException, as in AWS).</summary>
public sealed record VerifyResponse(string KeyId, bool SignatureValid, string SigningAlgorithm);

/// <summary>GetPublicKey request.</summary>
public sealed record GetPublicKeyRequest
{
    /// <summary>The asymmetric key.</summary>
    public string? KeyId { get; init; }

    /// <summary>Grant tokens.</summary>
    public IReadOnlyList<string>? GrantTokens { get; init; }
}

/// <summary>
/// GetPublicKey response. <see cref="RawPublicKey"/> is a Conclave extension (SDKs ignore unknown
/// members): the 32-byte Ed25519 key or the SEC 1 compressed EC point; absent for RSA.
/// </summary>
public sealed record GetPublicKeyResponse
{
    /// <summary>The key ARN.</summary>
    public required string KeyId { get; init; }

    /// <summary>DER SubjectPublicKeyInfo.</summary>
    public required byte[] PublicKey { get; init; }

    /// <summary>Deprecated alias of <see cref="KeySpec"/>, still sent by AWS.</summary>
    public required string CustomerMasterKeySpec { get; init; }

    /// <summary>The key spec.</summary>
    public required string KeySpec { get; init; }

    /// <summary>The key usage.</summary>
    public required string KeyUsage { get; init; }

    /// <summary>For ENCRYPT_DECRYPT keys.</summary>
    public IReadOnlyList<string>? EncryptionAlgorithms { get; init; }

    /// <summary>For SIGN_VERIFY keys.</summary>
    public IReadOnlyList<string>? SigningAlgorithms { get; init; }

    /// <summary>For KEY_AGREEMENT keys.</summary>
    public IReadOnlyList<string>? KeyAgreementAlgorithms { get; init; }

    /// <summary>Conclave extension: raw public key (Ed25519 32 bytes, compressed EC point); null for RSA.</summary>
    public byte[]? RawPublicKey { get; init; }
}

/// <summary>AWS's Nitro Enclaves recipient (not supported by Conclave: any value is refused).</summary>
public sealed record RecipientInfo
{
    /// <summary>RSAES_OAEP_SHA_256.</summary>
    public string? KeyEncryptionAlgorithm { get; init; }

    /// <summary>The enclave's attestation document.</summary>
    public byte[]? AttestationDocument { get; init; }
}

/// <summary>GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext request.</summary>
public sealed record GenerateDataKeyPairRequest
{
    /// <summary>Encryption context bound to the encrypted private key.</summary>
    public Dictionary<string, string>? EncryptionContext { get; init; }

    /// <summary>The symmetric key that encrypts the private key.</summary>
    public string? KeyId { get; init; }

    /// <summary>RSA_2048, …, ECC_NIST_P256, …, ECC_NIST_EDWARDS25519.</summary>
    public string? KeyPairSpec { get; init; }

    /// <summary>Grant tokens.</summary>
    public IReadOnlyList<string>? GrantTokens { get; init; }

    /// <summary>Nitro Enclaves recipient (unsupported).</summary>
    public RecipientInfo? Recipient { get; init; }

    /// <summary>Checks permissions only.</summary>
    public bool? DryRun { get; init; }
}

/// <summary>GenerateDataKeyPair response (PrivateKeyPlaintext absent for the WithoutPlaintext variant).</summary>
public sealed record GenerateDataKeyPairResponse(byte[] PrivateKeyCiphertextBlob, byte[]? PrivateKeyPlaintext, byte[] PublicKey, string KeyId, string KeyPairSpec);

/// <summary>DeriveSharedSecret request.</summary>
public sealed record DeriveSharedSecretRequest
{
    /// <summary>The KEY_AGREEMENT key.</summary>
    public string? KeyId { get; init; }

    /// <summary>ECDH.</summary>
    public string? KeyAgreementAlgorithm { get; init; }

    /// <summary>The peer's DER SubjectPublicKeyInfo on the key's curve.</summary>
    public byte[]? PublicKey { get; init; }

    /// <summary>Grant tokens.</summary>
    public IReadOnlyList<string>? GrantTokens { get; init; }

    /// <summary>Checks permissions only.</summary>
    public bool? DryRun { get; init; }

    /// <summary>Nitro Enclaves recipient (unsupported).</summary>
    public RecipientInfo? Recipient { get; init; }
}

/// <summary>DeriveSharedSecret response.</summary>
public sealed record DeriveSharedSecretResponse(string KeyId, byte[] SharedSecret, string KeyAgreementAlgorithm, string KeyOrigin);

namespace Conclave.Kms.Api.Actions;

/// <summary>Encrypt request.</summary>
public sealed record EncryptRequest
{
    /// <summary>The key.</summary>
    public string? KeyId { get; init; }

    /// <summary>At most 4096 bytes.</summary>
    public byte[]? Plaintext { get; init; }

    /// <summary>Encryption context.</summary>
    public Dictionary<string, string>? EncryptionContext { get; init; }

    /// <summary>Grant tokens.</summary>
    public IReadOnlyList<string>? GrantTokens { get; init; }

    /// <summary>SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1 or RSAES_OAEP_SHA_256.</summary>
    public string? EncryptionAlgorithm { get; init; }

    /// <summary>Checks permissions only.</summary>
    public bool? DryRun { get; init; }
}

/// <summary>Encrypt response.</summary>
public sealed record EncryptResponse(byte[] CiphertextBlob, string KeyId, string EncryptionAlgorithm);

/// <summary>Decrypt request.</summary>
public sealed record DecryptRequest
{
    /// <summary>The ciphertext.</summary>
    public byte[]? CiphertextBlob { get; init; }

    /// <summary>Encryption context (must match the one used to encrypt).</summary>
    public Dictionary<string, string>? EncryptionContext { get; init; }

    /// <summary>Grant tokens.</summary>
    public IReadOnlyList<string>? GrantTokens { get; init; }

    /// <summary>Required for asymmetric keys; for symmetric keys, checked against the blob when given.</summary>
    public string? KeyId { get; init; }

    /// <summary>The algorithm.</summary>
    public string? EncryptionAlgorithm { get; init; }

    /// <summary>Checks permissions only.</summary>
    public bool? DryRun { get; init; }
}

/// <summary>Decrypt response.</summary>
public sealed record DecryptResponse(string KeyId, byte[] Plaintext, string EncryptionAlgorithm);

/// <summary>ReEncrypt request.</summary>
public sealed record ReEncryptRequest
{
    /// <summary>The ciphertext.</summary>
    public byte[]? CiphertextBlob { get; init; }

    /// <summary>The context it was encrypted with.</summary>
    public Dictionary<string, string>? SourceEncryptionContext { get; init; }

    /// <summary>The key it was encrypted under (optional for symmetric keys).</summary>
    public string? SourceKeyId { get; init; }

    /// <summary>The key to encrypt under.</summary>
    public string? DestinationKeyId { get; init; }

    /// <summary>The context to encrypt with.</summary>
    public Dictionary<string, string>? DestinationEncryptionContext { get; init; }

    /// <summary>The source algorithm.</summary>
    public string? SourceEncryptionAlgorithm { get; init; }

    /// <summary>The destination algorithm.</summary>
    public string? DestinationEncryptionAlgorithm { get; init; }

    /// <summary>Grant tokens.</summary>
    public IReadOnlyList<string>? GrantTokens { get; init; }

    /// <summary>Checks permissions only.</summary>
    public bool? DryRun { get; init; }
}

/// <summary>ReEncrypt response.</summary>
public sealed record ReEncryptResponse(byte[] CiphertextBlob, string SourceKeyId, string KeyId, string SourceEncryptionAlgorithm, string DestinationEncryptionAlgorithm);

/// <summary>GenerateDataKey and GenerateDataKeyWithoutPlaintext request.</summary>
public sealed record GenerateDataKeyRequest
{
    /// <summary>The key.</summary>
    public string? KeyId { get; init; }

    /// <summary>Encryption context.</summary>
    public Dictionary<string, string>? EncryptionContext { get; init; }

    /// <summary>1–1024 bytes (or use KeySpec).</summary>
    public int? NumberOfBytes { get; init; }

    /// <summary>AES_256 or AES_128.</summary>
    public string? KeySpec { get; init; }

    /// <summary>Grant tokens.</summary>
    public IReadOnlyList<string>? GrantTokens { get; init; }

    /// <summary>Checks permissions only.</summary>
    public bool? DryRun { get; init; }
}

/// <summary>GenerateDataKey response (Plaintext absent for the WithoutPlaintext variant).</summary>
public sealed record GenerateDataKeyResponse(byte[] CiphertextBlob, byte[]? Plaintext, string KeyId);

/// <summary>GenerateRandom request.</summary>
public sealed record GenerateRandomRequest(int? NumberOfBytes, string? CustomKeyStoreId);

/// <summary>GenerateRandom response.</summary>
public sealed record GenerateRandomResponse(byte[] Plaintext);

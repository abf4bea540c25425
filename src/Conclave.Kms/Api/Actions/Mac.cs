namespace Conclave.Kms.Api.Actions;

/// <summary>GenerateMac request.</summary>
public sealed record GenerateMacRequest
{
    /// <summary>1–4096 bytes.</summary>
    public byte[]? Message { get; init; }

    /// <summary>The GENERATE_VERIFY_MAC key.</summary>
    public string? KeyId { get; init; }

    /// <summary>HMAC_SHA_224, HMAC_SHA_256, HMAC_SHA_384 or HMAC_SHA_512 (the key spec's).</summary>
    public string? MacAlgorithm { get; init; }

    /// <summary>Grant tokens.</summary>
    public IReadOnlyList<string>? GrantTokens { get; init; }

    /// <summary>Checks permissions only.</summary>
    public bool? DryRun { get; init; }
}

/// <summary>GenerateMac response.</summary>
public sealed record GenerateMacResponse(byte[] Mac, string MacAlgorithm, string KeyId);

/// <summary>VerifyMac request.</summary>
public sealed record VerifyMacRequest
{
    /// <summary>1–4096 bytes.</summary>
    public byte[]? Message { get; init; }

    /// <summary>The GENERATE_VERIFY_MAC key.</summary>
    public string? KeyId { get; init; }

    /// <summary>The MAC algorithm.</summary>
    public string? MacAlgorithm { get; init; }

    /// <summary>The tag to check (full length).</summary>
    public byte[]? Mac { get; init; }

    /// <summary>Grant tokens.</summary>
    public IReadOnlyList<string>? GrantTokens { get; init; }

    /// <summary>Checks permissions only.</summary>
    public bool? DryRun { get; init; }
}

/// <summary>VerifyMac response (always valid: a wrong MAC is KMSInvalidMacException, as in AWS).</summary>
public sealed record VerifyMacResponse(string KeyId, bool MacValid, string MacAlgorithm);

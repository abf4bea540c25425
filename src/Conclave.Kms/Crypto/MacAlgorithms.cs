namespace Conclave.Kms.Crypto;

/// <summary>AWS KMS MAC algorithm names (the <c>MacAlgorithm</c> strings SDKs send).</summary>
public static class MacAlgorithms
{
    /// <summary>HMAC with SHA-224.</summary>
    public const string HmacSha224 = "HMAC_SHA_224";

    /// <summary>HMAC with SHA-256.</summary>
    public const string HmacSha256 = "HMAC_SHA_256";

    /// <summary>HMAC with SHA-384.</summary>
    public const string HmacSha384 = "HMAC_SHA_384";

    /// <summary>HMAC with SHA-512.</summary>
    public const string HmacSha512 = "HMAC_SHA_512";

    /// <summary>Every MAC algorithm name.</summary>
    public static IReadOnlyList<string> All { get; } = [HmacSha224, HmacSha256, HmacSha384, HmacSha512];
}

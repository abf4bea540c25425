namespace Conclave.Kms.Crypto;

/// <summary>AWS KMS signing algorithm names (the <c>SigningAlgorithm</c> strings SDKs send).</summary>
public static class SigningAlgorithms
{
    /// <summary>RSASSA-PSS with SHA-256, MGF1 SHA-256, salt length 32.</summary>
    public const string RsassaPssSha256 = "RSASSA_PSS_SHA_256";

    /// <summary>RSASSA-PSS with SHA-384, MGF1 SHA-384, salt length 48.</summary>
    public const string RsassaPssSha384 = "RSASSA_PSS_SHA_384";

    /// <summary>RSASSA-PSS with SHA-512, MGF1 SHA-512, salt length 64.</summary>
    public const string RsassaPssSha512 = "RSASSA_PSS_SHA_512";

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256.</summary>
    public const string RsassaPkcs1V15Sha256 = "RSASSA_PKCS1_V1_5_SHA_256";

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-384.</summary>
    public const string RsassaPkcs1V15Sha384 = "RSASSA_PKCS1_V1_5_SHA_384";

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-512.</summary>
    public const string RsassaPkcs1V15Sha512 = "RSASSA_PKCS1_V1_5_SHA_512";

    /// <summary>ECDSA with SHA-256 (DER signature).</summary>
    public const string EcdsaSha256 = "ECDSA_SHA_256";

    /// <summary>ECDSA with SHA-384 (DER signature).</summary>
    public const string EcdsaSha384 = "ECDSA_SHA_384";

    /// <summary>ECDSA with SHA-512 (DER signature).</summary>
    public const string EcdsaSha512 = "ECDSA_SHA_512";

    /// <summary>Pure Ed25519 (RFC 8032); message type RAW only.</summary>
    public const string Ed25519Sha512 = "ED25519_SHA_512";

    /// <summary>Ed25519ph (RFC 8032, empty context); DIGEST is a 64-byte SHA-512 digest.</summary>
    public const string Ed25519PhSha512 = "ED25519_PH_SHA_512";

    /// <summary>Every signing algorithm name.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        RsassaPssSha256, RsassaPssSha384, RsassaPssSha512,
        RsassaPkcs1V15Sha256, RsassaPkcs1V15Sha384, RsassaPkcs1V15Sha512,
        EcdsaSha256, EcdsaSha384, EcdsaSha512,
        Ed25519Sha512, Ed25519PhSha512,
    ];
}

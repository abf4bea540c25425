namespace Conclave.Kms.Crypto;

/// <summary>AWS KMS encryption algorithm names (the <c>EncryptionAlgorithm</c> strings SDKs send).</summary>
public static class EncryptionAlgorithms
{
    /// <summary>The symmetric envelope algorithm (AES-256-GCM in the service).</summary>
    public const string SymmetricDefault = "SYMMETRIC_DEFAULT";

    /// <summary>RSAES-OAEP with SHA-1 and MGF1 SHA-1.</summary>
    public const string RsaesOaepSha1 = "RSAES_OAEP_SHA_1";

    /// <summary>RSAES-OAEP with SHA-256 and MGF1 SHA-256.</summary>
    public const string RsaesOaepSha256 = "RSAES_OAEP_SHA_256";

    /// <summary>Every encryption algorithm name.</summary>
    public static IReadOnlyList<string> All { get; } = [SymmetricDefault, RsaesOaepSha1, RsaesOaepSha256];
}

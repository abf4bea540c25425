using System.Diagnostics.CodeAnalysis;
using Conclave.Kms.Crypto.Internal;

namespace Conclave.Kms.Crypto;

/// <summary>
/// AWS KMS key spec names and, for each, the key usages and algorithms AWS allows (the lists
/// DescribeKey returns). Names are AWS's contract, spelled exactly.
/// </summary>
public static class KeySpecs
{
    /// <summary>256-bit symmetric key (AES-256-GCM envelope encryption in the service).</summary>
    public const string SymmetricDefault = "SYMMETRIC_DEFAULT";

    /// <summary>HMAC key of 224 bits.</summary>
    public const string Hmac224 = "HMAC_224";

    /// <summary>HMAC key of 256 bits.</summary>
    public const string Hmac256 = "HMAC_256";

    /// <summary>HMAC key of 384 bits.</summary>
    public const string Hmac384 = "HMAC_384";

    /// <summary>HMAC key of 512 bits.</summary>
    public const string Hmac512 = "HMAC_512";

    /// <summary>RSA with a 2048-bit modulus.</summary>
    public const string Rsa2048 = "RSA_2048";

    /// <summary>RSA with a 3072-bit modulus.</summary>
    public const string Rsa3072 = "RSA_3072";

    /// <summary>RSA with a 4096-bit modulus.</summary>
    public const string Rsa4096 = "RSA_4096";

    /// <summary>NIST P-256 (secp256r1).</summary>
    public const string EccNistP256 = "ECC_NIST_P256";

    /// <summary>NIST P-384 (secp384r1).</summary>
    public const string EccNistP384 = "ECC_NIST_P384";

    /// <summary>NIST P-521 (secp521r1).</summary>
    public const string EccNistP521 = "ECC_NIST_P521";

    /// <summary>secp256k1 (SIGN_VERIFY only, as in AWS).</summary>
    public const string EccSecgP256K1 = "ECC_SECG_P256K1";

    /// <summary>Ed25519 (AWS's name).</summary>
    public const string EccNistEdwards25519 = "ECC_NIST_EDWARDS25519";

    private static readonly string[] RsaSigning =
    [
        Crypto.SigningAlgorithms.RsassaPssSha256, Crypto.SigningAlgorithms.RsassaPssSha384, Crypto.SigningAlgorithms.RsassaPssSha512,
        Crypto.SigningAlgorithms.RsassaPkcs1V15Sha256, Crypto.SigningAlgorithms.RsassaPkcs1V15Sha384, Crypto.SigningAlgorithms.RsassaPkcs1V15Sha512,
    ];

    private static readonly string[] RsaEncryption = [Crypto.EncryptionAlgorithms.RsaesOaepSha1, Crypto.EncryptionAlgorithms.RsaesOaepSha256];

    private static readonly KeySpecInfo[] Table =
    [
        new(SymmetricDefault, KeyFamily.Symmetric, 256, null, [KeyUsages.EncryptDecrypt], [], [Crypto.EncryptionAlgorithms.SymmetricDefault], [], []),
        Hmac(Hmac224, 224, Crypto.MacAlgorithms.HmacSha224),
        Hmac(Hmac256, 256, Crypto.MacAlgorithms.HmacSha256),
        Hmac(Hmac384, 384, Crypto.MacAlgorithms.HmacSha384),
        Hmac(Hmac512, 512, Crypto.MacAlgorithms.HmacSha512),
        Rsa(Rsa2048, 2048),
        Rsa(Rsa3072, 3072),
        Rsa(Rsa4096, 4096),
        NistEc(EccNistP256, 256, "1.2.840.10045.3.1.7", Crypto.SigningAlgorithms.EcdsaSha256),
        NistEc(EccNistP384, 384, "1.3.132.0.34", Crypto.SigningAlgorithms.EcdsaSha384),
        NistEc(EccNistP521, 521, "1.3.132.0.35", Crypto.SigningAlgorithms.EcdsaSha512),
        new(EccSecgP256K1, KeyFamily.Ec, 256, "1.3.132.0.10", [KeyUsages.SignVerify], [Crypto.SigningAlgorithms.EcdsaSha256], [], [], []),
        new(EccNistEdwards25519, KeyFamily.Ed25519, 256, null, [KeyUsages.SignVerify],
            [Crypto.SigningAlgorithms.Ed25519Sha512, Crypto.SigningAlgorithms.Ed25519PhSha512], [], [], []),
    ];

    /// <summary>Every key spec name, in AWS's order.</summary>
    public static IReadOnlyList<string> All { get; } = Array.ConvertAll(Table, s => s.Name);

    /// <summary>Whether <paramref name="keySpec"/> is a spec name this KMS knows.</summary>
    public static bool IsKnown([NotNullWhen(true)] string? keySpec) => TryFind(keySpec) is not null;

    /// <summary>
    /// Checks that <paramref name="keySpec"/> is a known spec and returns it; otherwise throws a
    /// <c>ValidationException</c> in AWS's words. <paramref name="parameterName"/> names the request field.
    /// </summary>
    public static string Validate(string? keySpec, string parameterName = "keySpec")
    {
        _ = Get(keySpec, parameterName);
        return keySpec!;
    }

    /// <summary>Checks that <paramref name="keyUsage"/> is allowed for <paramref name="keySpec"/> (AWS: ValidationException otherwise).</summary>
    public static void ValidateKeyUsage(string keySpec, string? keyUsage)
    {
        var info = Get(keySpec);
        if (keyUsage is null || !KeyUsages.All.Contains(keyUsage))
        {
            throw Error.NotInEnum(keyUsage, "keyUsage", KeyUsages.All);
        }

        if (!info.KeyUsages.Contains(keyUsage))
        {
            throw Error.Validation($"KeyUsage {keyUsage} is not compatible with KeySpec {keySpec}.");
        }
    }

    /// <summary>The key usages AWS allows for <paramref name="keySpec"/>; the first is the default.</summary>
    public static IReadOnlyList<string> KeyUsagesFor(string keySpec) => Get(keySpec).KeyUsages;

    /// <summary>Whether the spec is asymmetric (RSA, ECC or Ed25519).</summary>
    public static bool IsAsymmetric(string keySpec) => Get(keySpec).Family is KeyFamily.Rsa or KeyFamily.Ec or KeyFamily.Ed25519;

    /// <summary>
    /// Signing algorithms of the spec (DescribeKey's <c>SigningAlgorithms</c>). With
    /// <paramref name="keyUsage"/> given, empty unless it is SIGN_VERIFY.
    /// </summary>
    public static IReadOnlyList<string> SigningAlgorithms(string keySpec, string? keyUsage = null) =>
        ForUsage(Get(keySpec).SigningAlgorithms, keyUsage, KeyUsages.SignVerify);

    /// <summary>
    /// Encryption algorithms of the spec (DescribeKey's <c>EncryptionAlgorithms</c>). With
    /// <paramref name="keyUsage"/> given, empty unless it is ENCRYPT_DECRYPT.
    /// </summary>
    public static IReadOnlyList<string> EncryptionAlgorithms(string keySpec, string? keyUsage = null) =>
        ForUsage(Get(keySpec).EncryptionAlgorithms, keyUsage, KeyUsages.EncryptDecrypt);

    /// <summary>MAC algorithms of the spec (DescribeKey's <c>MacAlgorithms</c>).</summary>
    public static IReadOnlyList<string> MacAlgorithms(string keySpec, string? keyUsage = null) =>
        ForUsage(Get(keySpec).MacAlgorithms, keyUsage, KeyUsages.GenerateVerifyMac);

    /// <summary>Key agreement algorithms of the spec (DescribeKey's <c>KeyAgreementAlgorithms</c>).</summary>
    public static IReadOnlyList<string> KeyAgreementAlgorithms(string keySpec, string? keyUsage = null) =>
        ForUsage(Get(keySpec).KeyAgreementAlgorithms, keyUsage, KeyUsages.KeyAgreement);

    internal static KeySpecInfo Get(string? keySpec, string parameterName = "keySpec") =>
        TryFind(keySpec) ?? throw Error.NotInEnum(keySpec, parameterName, All);

    private static KeySpecInfo? TryFind(string? keySpec)
    {
        foreach (var info in Table)
        {
            if (string.Equals(info.Name, keySpec, StringComparison.Ordinal))
            {
                return info;
            }
        }

        return null;
    }

    private static IReadOnlyList<string> ForUsage(IReadOnlyList<string> algorithms, string? keyUsage, string requiredUsage) =>
        keyUsage is null || string.Equals(keyUsage, requiredUsage, StringComparison.Ordinal) ? algorithms : [];

    private static KeySpecInfo Hmac(string name, int bits, string mac) =>
        new(name, KeyFamily.Hmac, bits, null, [KeyUsages.GenerateVerifyMac], [], [], [mac], []);

    private static KeySpecInfo Rsa(string name, int bits) =>
        new(name, KeyFamily.Rsa, bits, null, [KeyUsages.EncryptDecrypt, KeyUsages.SignVerify], RsaSigning, RsaEncryption, [], []);

    private static KeySpecInfo NistEc(string name, int bits, string oid, string signing) =>
        new(name, KeyFamily.Ec, bits, oid, [KeyUsages.SignVerify, KeyUsages.KeyAgreement], [signing], [], [],
            [Crypto.KeyAgreementAlgorithms.Ecdh]);
}

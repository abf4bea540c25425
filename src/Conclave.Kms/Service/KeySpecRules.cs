using Conclave.Crypto;
using Conclave.Kms.Crypto;

namespace Conclave.Kms.Service;

/// <summary>What the service needs to know about key specs, over <see cref="KeySpecs"/> and the generators.</summary>
internal static class KeySpecRules
{
    public static string DefaultUsage(string keySpec) => KeySpecs.KeyUsagesFor(KeySpecs.Validate(keySpec))[0];

    public static void Validate(string keySpec, string keyUsage)
    {
        KeySpecs.Validate(keySpec);
        KeySpecs.ValidateKeyUsage(keySpec, keyUsage);
    }

    public static SecretBytes Generate(string keySpec) => KeyMaterialGenerator.Generate(keySpec);

    /// <summary>DER SubjectPublicKeyInfo for asymmetric specs, null for symmetric and HMAC keys.</summary>
    public static byte[]? PublicKey(string keySpec, SecretBytes material) =>
        KeySpecs.IsAsymmetric(keySpec) ? PublicKeys.ExportSubjectPublicKeyInfo(keySpec, material.Span) : null;

    public static (IReadOnlyList<string>? Encryption, IReadOnlyList<string>? Signing, IReadOnlyList<string>? Mac, IReadOnlyList<string>? KeyAgreement) Algorithms(string keySpec, string keyUsage) =>
        (NullIfEmpty(KeySpecs.EncryptionAlgorithms(keySpec, keyUsage)),
         NullIfEmpty(KeySpecs.SigningAlgorithms(keySpec, keyUsage)),
         NullIfEmpty(KeySpecs.MacAlgorithms(keySpec, keyUsage)),
         NullIfEmpty(KeySpecs.KeyAgreementAlgorithms(keySpec, keyUsage)));

    private static IReadOnlyList<string>? NullIfEmpty(IReadOnlyList<string> list) => list.Count == 0 ? null : list;
}

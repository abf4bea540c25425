using System.Security.Cryptography;
using Conclave.Crypto;
using Conclave.Kms.Api;

namespace Conclave.Kms.Service;

/// <summary>What the service needs to know about key specs, in one place.</summary>
internal static class KeySpecRules
{
    public static void Validate(string keySpec, string keyUsage)
    {
        if (keySpec != "SYMMETRIC_DEFAULT")
        {
            throw new KmsException(KmsErrorType.Validation, $"1 validation error detected: Value '{keySpec}' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set");
        }

        if (keyUsage != "ENCRYPT_DECRYPT")
        {
            throw new KmsException(KmsErrorType.Validation, $"KeyUsage {keyUsage} is not compatible with KeySpec {keySpec}.");
        }
    }

    public static SecretBytes Generate(string keySpec) => SecretBytes.Create(32, 0, static (buffer, _) => RandomNumberGenerator.Fill(buffer));

    public static byte[]? PublicKey(string keySpec, SecretBytes material) => null;

    public static (IReadOnlyList<string>? Encryption, IReadOnlyList<string>? Signing, IReadOnlyList<string>? Mac, IReadOnlyList<string>? KeyAgreement) Algorithms(string keySpec, string keyUsage) =>
        (["SYMMETRIC_DEFAULT"], null, null, null);
}

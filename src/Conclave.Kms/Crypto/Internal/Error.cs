using Conclave.Kms.Api;

namespace Conclave.Kms.Crypto.Internal;

/// <summary>
/// Builds every exception this folder throws. Messages go to API callers as is: they name specs,
/// algorithms, parameters and sizes, never key material, plaintext or messages.
/// </summary>
internal static class Error
{
    public static KmsException Validation(string message) => new(KmsErrorType.Validation, message);

    public static KmsException NotInEnum(string? value, string parameterName, IReadOnlyList<string> allowed) =>
        Validation($"1 validation error detected: Value '{Printable(value)}' at '{parameterName}' failed to satisfy constraint: "
            + $"Member must satisfy enum value set: [{string.Join(", ", allowed)}]");

    public static KmsException WrongAlgorithm(string kind, string algorithm, string keySpec) =>
        new(KmsErrorType.InvalidKeyUsage, $"{kind} {algorithm} is not supported for KeySpec {keySpec}.");

    public static KmsException WrongKeyUsage(string operation, string keySpec) =>
        new(KmsErrorType.InvalidKeyUsage, $"KeySpec {keySpec} does not support {operation}.");

    public static KmsException MessageTooLong(string parameterName, int max) =>
        Validation($"1 validation error detected: Value at '{parameterName}' failed to satisfy constraint: "
            + $"Member must have length less than or equal to {max}");

    public static KmsException DigestLength(string algorithm, int expected) =>
        Validation($"Digest is invalid length for algorithm {algorithm}: a DIGEST message must be {expected} bytes.");

    public static KmsException InvalidKeyMaterial(string keySpec) =>
        new(KmsErrorType.KmsInternal, $"The stored key material does not match KeySpec {keySpec}.");

    public static KmsException InvalidPublicKey(string keySpec) =>
        Validation($"The public key is not a valid DER-encoded SubjectPublicKeyInfo for KeySpec {keySpec}.");

    public static KmsException InvalidCiphertext() =>
        new(KmsErrorType.InvalidCiphertext, "The ciphertext is invalid.");

    public static KmsException PlaintextTooLong(string algorithm, string keySpec, int max) =>
        Validation($"Plaintext is too long for {algorithm} with KeySpec {keySpec}: at most {max} bytes.");

    // Names echoed back are caller-supplied enum strings; cap them so a huge value can't bloat the message.
    private static string Printable(string? value) => value is null ? "null" : value.Length > 64 ? value[..64] + "..." : value;
}

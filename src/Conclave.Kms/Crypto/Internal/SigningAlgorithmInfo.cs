using System.Security.Cryptography;

namespace Conclave.Kms.Crypto.Internal;

/// <summary>An AWS signing algorithm: its scheme and hash (digest length in bytes).</summary>
internal sealed record SigningAlgorithmInfo(string Name, SignatureScheme Scheme, HashAlgorithmName Hash, int DigestLength)
{
    /// <summary>The largest RAW message AWS accepts for Sign and Verify.</summary>
    public const int MaxRawMessageLength = 4096;

    private static readonly SigningAlgorithmInfo[] Table =
    [
        new(SigningAlgorithms.RsassaPssSha256, SignatureScheme.RsaPss, HashAlgorithmName.SHA256, 32),
        new(SigningAlgorithms.RsassaPssSha384, SignatureScheme.RsaPss, HashAlgorithmName.SHA384, 48),
        new(SigningAlgorithms.RsassaPssSha512, SignatureScheme.RsaPss, HashAlgorithmName.SHA512, 64),
        new(SigningAlgorithms.RsassaPkcs1V15Sha256, SignatureScheme.RsaPkcs1, HashAlgorithmName.SHA256, 32),
        new(SigningAlgorithms.RsassaPkcs1V15Sha384, SignatureScheme.RsaPkcs1, HashAlgorithmName.SHA384, 48),
        new(SigningAlgorithms.RsassaPkcs1V15Sha512, SignatureScheme.RsaPkcs1, HashAlgorithmName.SHA512, 64),
        new(SigningAlgorithms.EcdsaSha256, SignatureScheme.Ecdsa, HashAlgorithmName.SHA256, 32),
        new(SigningAlgorithms.EcdsaSha384, SignatureScheme.Ecdsa, HashAlgorithmName.SHA384, 48),
        new(SigningAlgorithms.EcdsaSha512, SignatureScheme.Ecdsa, HashAlgorithmName.SHA512, 64),
        new(SigningAlgorithms.Ed25519Sha512, SignatureScheme.Ed25519, HashAlgorithmName.SHA512, 64),
        new(SigningAlgorithms.Ed25519PhSha512, SignatureScheme.Ed25519Ph, HashAlgorithmName.SHA512, 64),
    ];

    /// <summary>
    /// Resolves <paramref name="algorithm"/> for <paramref name="spec"/> and checks
    /// <paramref name="messageType"/> and the message length, throwing AWS's error types.
    /// </summary>
    public static SigningAlgorithmInfo Resolve(KeySpecInfo spec, string? algorithm, string? messageType, int messageLength)
    {
        SigningAlgorithmInfo? info = null;
        foreach (var candidate in Table)
        {
            if (string.Equals(candidate.Name, algorithm, StringComparison.Ordinal))
            {
                info = candidate;
                break;
            }
        }

        if (info is null)
        {
            throw Error.NotInEnum(algorithm, "signingAlgorithm", SigningAlgorithms.All);
        }

        if (!string.Equals(messageType, MessageTypes.Raw, StringComparison.Ordinal)
            && !string.Equals(messageType, MessageTypes.Digest, StringComparison.Ordinal))
        {
            throw Error.NotInEnum(messageType, "messageType", MessageTypes.All);
        }

        if (!spec.SigningAlgorithms.Contains(info.Name))
        {
            throw Error.WrongAlgorithm("SigningAlgorithm", info.Name, spec.Name);
        }

        if (messageType == MessageTypes.Raw)
        {
            if (messageLength > MaxRawMessageLength)
            {
                throw Error.MessageTooLong("message", MaxRawMessageLength);
            }
        }
        else if (info.Scheme == SignatureScheme.Ed25519)
        {
            throw Error.Validation($"SigningAlgorithm {info.Name} supports only MessageType {MessageTypes.Raw}.");
        }
        else if (messageLength != info.DigestLength)
        {
            throw Error.DigestLength(info.Name, info.DigestLength);
        }

        return info;
    }
}

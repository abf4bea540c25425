namespace Conclave.Kms.Crypto;

/// <summary>AWS KMS key agreement algorithm names.</summary>
public static class KeyAgreementAlgorithms
{
    /// <summary>Elliptic-curve Diffie-Hellman; the result is the raw shared x-coordinate.</summary>
    public const string Ecdh = "ECDH";

    /// <summary>Every key agreement algorithm name.</summary>
    public static IReadOnlyList<string> All { get; } = [Ecdh];
}

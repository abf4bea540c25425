using System.Security.Cryptography;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Signatures;

namespace Conclave.Threshold.Frost.Ciphersuites;

/// <summary>FROST(Ed25519, SHA-512), RFC 9591 §6.1. Signatures are RFC 8032 Ed25519 signatures.</summary>
public sealed class Ed25519Sha512 : FrostCiphersuite
{
    private Ed25519Sha512()
    {
    }

    /// <summary>The suite.</summary>
    public static Ed25519Sha512 Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "ed25519";

    /// <inheritdoc />
    public override string ContextString => "FROST-ED25519-SHA512-v1";

    /// <inheritdoc />
    public override PrimeOrderGroup Group => Ed25519Group.Instance;

    /// <inheritdoc />
    public override void H1(ReadOnlySpan<byte> message, Span<byte> scalar) => HashToScalar(Prefixed("rho", message), scalar);

    /// <inheritdoc />
    /// <remarks>RFC 9591 §6.1: H2 has no context prefix, for compatibility with RFC 8032.</remarks>
    public override void H2(ReadOnlySpan<byte> message, Span<byte> scalar) => HashToScalar(message, scalar);

    /// <inheritdoc />
    public override void H3(ReadOnlySpan<byte> message, Span<byte> scalar)
    {
        var input = Prefixed("nonce", message);
        try
        {
            HashToScalar(input, scalar);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input); // contains the signing share
        }
    }

    /// <inheritdoc />
    public override byte[] H4(ReadOnlySpan<byte> message) => SHA512.HashData(Prefixed("msg", message));

    /// <inheritdoc />
    public override byte[] H5(ReadOnlySpan<byte> message) => SHA512.HashData(Prefixed("com", message));

    /// <inheritdoc />
    public override void HDkg(ReadOnlySpan<byte> message, Span<byte> scalar) => HashToScalar(Prefixed("dkg", message), scalar);

    /// <inheritdoc />
    public override bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        Ed25519Signature.Verify(publicKey, message, signature);

    private void HashToScalar(ReadOnlySpan<byte> input, Span<byte> scalar)
    {
        Span<byte> digest = stackalloc byte[64];
        SHA512.HashData(input, digest);
        Group.ScalarReduce(digest, scalar); // little-endian integer mod L
        CryptographicOperations.ZeroMemory(digest);
    }
}

using System.Security.Cryptography;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Hashing;

namespace Conclave.Threshold.Frost.Ciphersuites;

/// <summary>
/// FROST(secp256k1, SHA-256), RFC 9591 §6.5: hash_to_field with expand_message_xmd(SHA-256),
/// L = 48, and signatures as SerializeElement(R) || SerializeScalar(z) (65 bytes).
/// </summary>
public sealed class Secp256k1Sha256 : FrostCiphersuite
{
    private Secp256k1Sha256()
    {
    }

    /// <summary>The suite.</summary>
    public static Secp256k1Sha256 Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "secp256k1";

    /// <inheritdoc />
    public override string ContextString => "FROST-secp256k1-SHA256-v1";

    /// <inheritdoc />
    public override PrimeOrderGroup Group => Secp256k1Group.Instance;

    /// <inheritdoc />
    public override void H1(ReadOnlySpan<byte> message, Span<byte> scalar) => Secp256k1Hashing.HashToField(message, Dst("rho"), scalar);

    /// <inheritdoc />
    public override void H2(ReadOnlySpan<byte> message, Span<byte> scalar) => Secp256k1Hashing.HashToField(message, Dst("chal"), scalar);

    /// <inheritdoc />
    public override void H3(ReadOnlySpan<byte> message, Span<byte> scalar) => Secp256k1Hashing.HashToField(message, Dst("nonce"), scalar);

    /// <inheritdoc />
    public override byte[] H4(ReadOnlySpan<byte> message) => SHA256.HashData(Prefixed("msg", message));

    /// <inheritdoc />
    public override byte[] H5(ReadOnlySpan<byte> message) => SHA256.HashData(Prefixed("com", message));

    /// <inheritdoc />
    public override void HDkg(ReadOnlySpan<byte> message, Span<byte> scalar) => Secp256k1Hashing.HashToField(message, Dst("dkg"), scalar);

    /// <inheritdoc />
    /// <remarks>RFC 9591 §6 prime-order verification: [z]G == R + [c]PK.</remarks>
    public override bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        var g = Group;
        if (signature.Length != SignatureLength
            || !g.TryDeserializeElement(publicKey, out var pk)
            || !g.TryDeserializeElement(signature[..33], out var r)
            || !g.IsCanonicalScalar(signature[33..]))
        {
            return false;
        }

        Span<byte> c = stackalloc byte[32];
        Challenge(r, pk, message, c);
        var left = g.MultiplyBase(signature[33..]);
        var right = g.Add(r, g.MultiplyPublic(pk, c));
        return left.Equals(right);
    }
}

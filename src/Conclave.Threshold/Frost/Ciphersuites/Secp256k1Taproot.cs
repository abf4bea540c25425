using System.Security.Cryptography;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Hashing;
using Conclave.Crypto.Random;
using Conclave.Crypto.Signatures;

namespace Conclave.Threshold.Frost.Ciphersuites;

/// <summary>
/// FROST(secp256k1, SHA-256) for BIP-340/Taproot, as the ZcashFoundation <c>frost-secp256k1-tr</c>
/// crate defines it (it is not an RFC 9591 suite): H1, H3..H5 and HDKG as RFC 9591 §6.5 with the
/// context string "FROST-secp256k1-SHA256-TR-v1"; the challenge is BIP-340's
/// hash_BIP0340/challenge(bytes(R) || bytes(P) || m); keys and nonces are negated so the group key
/// and R have even y; signatures are 64-byte BIP-340 signatures under the 32-byte x-only key.
/// DKG outputs are tweaked per BIP-341 (Q = P + int(hash_TapTweak(bytes(P)))G, an unspendable
/// script path), and signing may apply a tweak with a script merkle root.
/// </summary>
public sealed class Secp256k1Taproot : FrostCiphersuite
{
    private Secp256k1Taproot()
    {
    }

    /// <summary>The suite.</summary>
    public static Secp256k1Taproot Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "secp256k1-tr";

    /// <inheritdoc />
    public override string ContextString => "FROST-secp256k1-SHA256-TR-v1";

    /// <inheritdoc />
    public override PrimeOrderGroup Group => Secp256k1Group.Instance;

    /// <inheritdoc />
    public override int SignatureLength => 64;

    /// <inheritdoc />
    public override int PublicKeyLength => 32;

    internal override bool TweaksAfterDkg => true;

    /// <inheritdoc />
    public override void H1(ReadOnlySpan<byte> message, Span<byte> scalar) => Secp256k1Hashing.HashToField(message, Dst("rho"), scalar);

    /// <inheritdoc />
    /// <remarks>BIP-340: int(hash_BIP0340/challenge(m)) mod n.</remarks>
    public override void H2(ReadOnlySpan<byte> message, Span<byte> scalar)
    {
        Span<byte> h = stackalloc byte[32];
        TaggedHash.Compute("BIP0340/challenge", message, h);
        Group.ScalarReduce(h, scalar);
    }

    /// <inheritdoc />
    public override void H3(ReadOnlySpan<byte> message, Span<byte> scalar) => Secp256k1Hashing.HashToField(message, Dst("nonce"), scalar);

    /// <inheritdoc />
    public override byte[] H4(ReadOnlySpan<byte> message) => SHA256.HashData(Prefixed("msg", message));

    /// <inheritdoc />
    public override byte[] H5(ReadOnlySpan<byte> message) => SHA256.HashData(Prefixed("com", message));

    /// <inheritdoc />
    public override void HDkg(ReadOnlySpan<byte> message, Span<byte> scalar) => Secp256k1Hashing.HashToField(message, Dst("dkg"), scalar);

    /// <inheritdoc />
    /// <remarks>BIP-340: only the x coordinates of R and the key are hashed.</remarks>
    public override void Challenge(Element groupCommitment, Element groupPublicKey, ReadOnlySpan<byte> message, Span<byte> challenge)
    {
        var input = new byte[64 + message.Length];
        Secp256k1Group.XOnly(groupCommitment).CopyTo(input, 0);
        Secp256k1Group.XOnly(groupPublicKey).CopyTo(input, 32);
        message.CopyTo(input.AsSpan(64));
        H2(input, challenge);
    }

    /// <inheritdoc />
    public override byte[] SerializeSignature(Element r, ReadOnlySpan<byte> z)
    {
        var sig = new byte[64];
        Secp256k1Group.XOnly(r).CopyTo(sig, 0);
        z.CopyTo(sig.AsSpan(32));
        return sig;
    }

    /// <inheritdoc />
    public override byte[] SerializePublicKey(Element groupPublicKey) => Secp256k1Group.XOnly(groupPublicKey);

    /// <inheritdoc />
    public override bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        Bip340Signature.Verify(publicKey, message, signature);

    /// <inheritdoc />
    internal override Element GenerateNonce(IRandomSource random, Span<byte> k)
    {
        var r = base.GenerateNonce(random, k);
        if (Secp256k1Group.HasEvenY(r))
        {
            return r;
        }

        Group.ScalarNegate(k, k);
        return Group.Negate(r);
    }

    /// <inheritdoc />
    internal override bool TryDeserializeProof(ReadOnlySpan<byte> bytes, out Element r, out byte[] mu)
    {
        mu = [];
        r = Group.Identity;

        // A Taproot-suite proof is a BIP-340-style (x(R), mu) with R of even y.
        if (bytes.Length != 64
            || !((Secp256k1Group)Group).TryLiftX(bytes[..32], out r)
            || !Group.IsCanonicalScalar(bytes[32..]))
        {
            return false;
        }

        mu = bytes[32..].ToArray();
        return true;
    }

    internal override bool MustNegateKey(Element groupPublicKey) => !Secp256k1Group.HasEvenY(groupPublicKey);

    internal override bool MustNegateNonces(Element groupCommitment) => !Secp256k1Group.HasEvenY(groupCommitment);

    /// <inheritdoc />
    /// <remarks>BIP-341: t = int(hash_TapTweak(bytes(P) || merkle_root)) mod n (ZcashFoundation reduces rather than rejecting t ≥ n).</remarks>
    internal override byte[] KeyTweak(Element evenGroupPublicKey, ReadOnlySpan<byte> merkleRoot)
    {
        var input = new byte[32 + merkleRoot.Length];
        Secp256k1Group.XOnly(evenGroupPublicKey).CopyTo(input, 0);
        merkleRoot.CopyTo(input.AsSpan(32));
        Span<byte> h = stackalloc byte[32];
        TaggedHash.Compute("TapTweak", input, h);
        var t = Group.NewScalar();
        Group.ScalarReduce(h, t);
        return t;
    }
}

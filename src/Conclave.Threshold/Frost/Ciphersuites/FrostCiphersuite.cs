using System.Text;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Random;

namespace Conclave.Threshold.Frost.Ciphersuites;

/// <summary>
/// A FROST ciphersuite (RFC 9591 §6): a prime-order group, the hash functions H1..H5 (plus HDKG
/// for the DKG proof of knowledge, as ZcashFoundation frost defines it), and the signature
/// encoding. FROST itself is one implementation over this abstraction; suites are values.
/// </summary>
public abstract class FrostCiphersuite
{
    /// <summary>Every ciphersuite Conclave supports.</summary>
    public static IReadOnlyList<FrostCiphersuite> All { get; } = [Ed25519Sha512.Instance, Secp256k1Sha256.Instance, Secp256k1Taproot.Instance];

    /// <summary>The short suite name used in the CLI and JSON ("ed25519", "secp256k1", "secp256k1-tr").</summary>
    public abstract string Name { get; }

    /// <summary>The RFC 9591 contextString.</summary>
    public abstract string ContextString { get; }

    /// <summary>The group.</summary>
    public abstract PrimeOrderGroup Group { get; }

    /// <summary>Length of a serialized signature.</summary>
    public virtual int SignatureLength => Group.ElementLength + Group.ScalarLength;

    /// <summary>Length of a serialized group public key.</summary>
    public virtual int PublicKeyLength => Group.ElementLength;

    /// <summary>Looks a suite up by its short name.</summary>
    public static FrostCiphersuite FromName(string name) =>
        All.FirstOrDefault(s => s.Name == name) ?? throw new ArgumentException($"Unknown FROST ciphersuite '{name}'.", nameof(name));

    /// <summary>H1: binding factors (RFC 9591 §6, "rho").</summary>
    public abstract void H1(ReadOnlySpan<byte> message, Span<byte> scalar);

    /// <summary>H2: the challenge hash.</summary>
    public abstract void H2(ReadOnlySpan<byte> message, Span<byte> scalar);

    /// <summary>H3: nonce derivation ("nonce").</summary>
    public abstract void H3(ReadOnlySpan<byte> message, Span<byte> scalar);

    /// <summary>H4: message hash ("msg").</summary>
    public abstract byte[] H4(ReadOnlySpan<byte> message);

    /// <summary>H5: commitment-list hash ("com").</summary>
    public abstract byte[] H5(ReadOnlySpan<byte> message);

    /// <summary>HDKG: the DKG proof-of-knowledge challenge ("dkg"), as ZcashFoundation frost defines it.</summary>
    public abstract void HDkg(ReadOnlySpan<byte> message, Span<byte> scalar);

    /// <summary>
    /// compute_challenge (RFC 9591 §4.6): H2(SerializeElement(R) || SerializeElement(PK) || msg).
    /// </summary>
    public virtual void Challenge(Element groupCommitment, Element groupPublicKey, ReadOnlySpan<byte> message, Span<byte> challenge)
    {
        ArgumentNullException.ThrowIfNull(groupCommitment);
        ArgumentNullException.ThrowIfNull(groupPublicKey);
        var e = Group.ElementLength;
        var input = new byte[(2 * e) + message.Length];
        Group.SerializeElement(groupCommitment, input);
        Group.SerializeElement(groupPublicKey, input.AsSpan(e));
        message.CopyTo(input.AsSpan(2 * e));
        H2(input, challenge);
    }

    /// <summary>The signature encoding: SerializeElement(R) || SerializeScalar(z) (RFC 9591 §6).</summary>
    public virtual byte[] SerializeSignature(Element r, ReadOnlySpan<byte> z)
    {
        var sig = new byte[SignatureLength];
        Group.SerializeElement(r, sig);
        z.CopyTo(sig.AsSpan(Group.ElementLength));
        return sig;
    }

    /// <summary>The group public key in the suite's external encoding (x-only for Taproot).</summary>
    public virtual byte[] SerializePublicKey(Element groupPublicKey) => Group.SerializeElement(groupPublicKey);

    /// <summary>
    /// Verifies a serialized signature under a serialized group public key, with the suite's
    /// standard single-party verifier (RFC 8032 for Ed25519, RFC 9591 for secp256k1, BIP-340 for Taproot).
    /// Returns false for malformed input.
    /// </summary>
    public abstract bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature);

    /// <summary>Generates a proof-of-knowledge nonce k and R = kG (Taproot forces even y).</summary>
    internal virtual Element GenerateNonce(IRandomSource random, Span<byte> k)
    {
        Group.RandomScalar(random, k);
        return Group.MultiplyBase(k);
    }

    /// <summary>Serializes the DKG proof of knowledge (R, mu) like a signature.</summary>
    internal virtual byte[] SerializeProof(Element r, ReadOnlySpan<byte> mu) => SerializeSignature(r, mu);

    /// <summary>Parses a DKG proof of knowledge; false when malformed.</summary>
    internal virtual bool TryDeserializeProof(ReadOnlySpan<byte> bytes, out Element r, out byte[] mu)
    {
        mu = [];
        r = Group.Identity;
        if (bytes.Length != SignatureLength)
        {
            return false;
        }

        var e = Group.ElementLength;
        if (!Group.TryDeserializeElement(bytes[..e], out r) || !Group.IsCanonicalScalar(bytes[e..]))
        {
            return false;
        }

        mu = bytes[e..].ToArray();
        return true;
    }

    /// <summary>
    /// BIP-340 hook: whether keys must be negated so the group key has even y. Only the Taproot
    /// suite says yes for odd keys.
    /// </summary>
    internal virtual bool MustNegateKey(Element groupPublicKey) => false;

    /// <summary>BIP-340 hook: whether the nonces must be negated because R has odd y.</summary>
    internal virtual bool MustNegateNonces(Element groupCommitment) => false;

    /// <summary>
    /// The key tweak a suite applies to keys after the DKG and when signing with a Taproot merkle
    /// root (BIP-341); zero-length means no tweak.
    /// </summary>
    internal virtual byte[] KeyTweak(Element evenGroupPublicKey, ReadOnlySpan<byte> merkleRoot) =>
        throw new NotSupportedException($"The {Name} suite has no key tweak.");

    /// <summary>Whether DKG outputs are tweaked (Taproot: BIP-341 unspendable script path).</summary>
    internal virtual bool TweaksAfterDkg => false;

    /// <summary>Concatenates the context string, a label and the message (RFC 9591 §6 hash inputs).</summary>
    private protected byte[] Prefixed(string label, ReadOnlySpan<byte> message)
    {
        var ctx = Encoding.ASCII.GetBytes(ContextString + label);
        var result = new byte[ctx.Length + message.Length];
        ctx.CopyTo(result, 0);
        message.CopyTo(result.AsSpan(ctx.Length));
        return result;
    }

    /// <summary>The domain-separation tag contextString || label.</summary>
    private protected byte[] Dst(string label) => Encoding.ASCII.GetBytes(ContextString + label);

    /// <inheritdoc />
    public override string ToString() => Name;
}

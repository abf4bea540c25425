using Conclave.Crypto.Groups;
using Conclave.Threshold.Frost.Ciphersuites;

namespace Conclave.Threshold.Frost.Keys;

/// <summary>
/// The public side of a threshold key: the group public key, every participant's verifying
/// share and the threshold. Everything a coordinator needs to verify shares and aggregate.
/// </summary>
public sealed class PublicKeyPackage
{
    /// <summary>Creates the package.</summary>
    public PublicKeyPackage(FrostCiphersuite suite, Element verifyingKey, IReadOnlyDictionary<ParticipantId, Element> verifyingShares, int minSigners)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(verifyingKey);
        ArgumentNullException.ThrowIfNull(verifyingShares);
        if (minSigners < 2 || minSigners > verifyingShares.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(minSigners), "The threshold must be between 2 and the number of participants.");
        }

        if (verifyingKey.IsIdentity || verifyingShares.Values.Any(v => v.IsIdentity))
        {
            throw new ArgumentException("Keys must not be the identity element.", nameof(verifyingKey));
        }

        Suite = suite;
        VerifyingKey = verifyingKey;
        VerifyingShares = new SortedDictionary<ParticipantId, Element>(verifyingShares.ToDictionary());
        MinSigners = minSigners;
    }

    /// <summary>The ciphersuite.</summary>
    public FrostCiphersuite Suite { get; }

    /// <summary>The group public key.</summary>
    public Element VerifyingKey { get; }

    /// <summary>Verifying share of each participant.</summary>
    public IReadOnlyDictionary<ParticipantId, Element> VerifyingShares { get; }

    /// <summary>The threshold t.</summary>
    public int MinSigners { get; }

    /// <summary>The group public key in the suite's external encoding (32-byte Ed25519, 33-byte SEC1, 32-byte x-only).</summary>
    public byte[] SerializePublicKey() => Suite.SerializePublicKey(VerifyingKey);

    /// <summary>The package as the suite signs with it (Taproot: even y, optional BIP-341 tweak).</summary>
    internal PublicKeyPackage ForSigning(ReadOnlySpan<byte> merkleRoot, bool tweak)
    {
        if (tweak && !Suite.TweaksAfterDkg)
        {
            throw new ArgumentException($"The {Suite.Name} suite has no key tweak; pass no merkle root.", nameof(merkleRoot));
        }

        var p = tweak ? Tweaked(merkleRoot) : this;
        return Suite.MustNegateKey(p.VerifyingKey) ? p.Negated() : p;
    }

    /// <summary>BIP-341 tweak of every public value.</summary>
    internal PublicKeyPackage Tweaked(ReadOnlySpan<byte> merkleRoot)
    {
        var even = Suite.MustNegateKey(VerifyingKey) ? Negated() : this;
        var g = Suite.Group;
        var tG = g.MultiplyBase(Suite.KeyTweak(even.VerifyingKey, merkleRoot));
        return new PublicKeyPackage(
            Suite,
            g.Add(even.VerifyingKey, tG),
            even.VerifyingShares.ToDictionary(kv => kv.Key, kv => g.Add(kv.Value, tG)),
            MinSigners);
    }

    private PublicKeyPackage Negated()
    {
        var g = Suite.Group;
        return new PublicKeyPackage(Suite, g.Negate(VerifyingKey), VerifyingShares.ToDictionary(kv => kv.Key, kv => g.Negate(kv.Value)), MinSigners);
    }
}

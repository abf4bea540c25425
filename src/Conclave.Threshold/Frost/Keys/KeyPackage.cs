using System.Diagnostics;
using Conclave.Crypto;
using Conclave.Crypto.Groups;
using Conclave.Threshold.Frost.Ciphersuites;

namespace Conclave.Threshold.Frost.Keys;

/// <summary>
/// One participant's long-lived signing key: its secret signing share s_i, its verifying share
/// Y_i = s_i*G, the group public key and the threshold. The share lives in pinned memory wiped on
/// <see cref="Dispose"/>; the type prints no secret and has no value equality.
/// </summary>
[DebuggerDisplay("KeyPackage({Suite.Name}, participant {Identifier})")]
public sealed class KeyPackage : IDisposable
{
    private readonly SecretBytes _signingShare;

    /// <summary>
    /// Creates a key package, checking that the share matches the verifying share
    /// (s_i*G == Y_i) so an inconsistent package can never sign.
    /// </summary>
    public KeyPackage(FrostCiphersuite suite, ParticipantId identifier, ReadOnlySpan<byte> signingShare, Element verifyingShare, Element verifyingKey, int minSigners)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(verifyingShare);
        ArgumentNullException.ThrowIfNull(verifyingKey);
        suite.Group.ValidateScalar(signingShare);
        if (minSigners < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(minSigners), "The threshold is at least 2.");
        }

        if (verifyingKey.IsIdentity || !ReferenceEquals(verifyingKey.Group, suite.Group))
        {
            throw new ArgumentException("The group public key must be a non-identity element of the suite's group.", nameof(verifyingKey));
        }

        if (!suite.Group.MultiplyBase(signingShare).Equals(verifyingShare))
        {
            throw new ArgumentException("The signing share does not match the verifying share.", nameof(verifyingShare));
        }

        Suite = suite;
        Identifier = identifier;
        _signingShare = SecretBytes.Copy(signingShare);
        VerifyingShare = verifyingShare;
        VerifyingKey = verifyingKey;
        MinSigners = minSigners;
    }

    /// <summary>The ciphersuite.</summary>
    public FrostCiphersuite Suite { get; }

    /// <summary>This participant's identifier.</summary>
    public ParticipantId Identifier { get; }

    /// <summary>Y_i = s_i * G.</summary>
    public Element VerifyingShare { get; }

    /// <summary>The group public key.</summary>
    public Element VerifyingKey { get; }

    /// <summary>The threshold t: how many participants must sign.</summary>
    public int MinSigners { get; }

    /// <summary>The secret share; throws once disposed.</summary>
    internal ReadOnlySpan<byte> SigningShare => _signingShare.Span;

    /// <summary>Wipes the signing share.</summary>
    public void Dispose() => _signingShare.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"KeyPackage({Suite.Name}, participant {Identifier}, <redacted>)";

    /// <summary>
    /// The key as the suite signs with it: for Taproot, negated to even y and, when a merkle root
    /// is given, tweaked per BIP-341 then brought to even y again (as ZcashFoundation frost-secp256k1-tr does).
    /// The caller disposes the result when it differs from this instance.
    /// </summary>
    internal KeyPackage ForSigning(ReadOnlySpan<byte> merkleRoot, bool tweak)
    {
        if (tweak && !Suite.TweaksAfterDkg)
        {
            throw new ArgumentException($"The {Suite.Name} suite has no key tweak; pass no merkle root.", nameof(merkleRoot));
        }

        var kp = this;
        if (tweak)
        {
            kp = kp.Tweaked(merkleRoot);
        }

        if (!Suite.MustNegateKey(kp.VerifyingKey))
        {
            return kp;
        }

        var negated = kp.Negated();
        if (!ReferenceEquals(kp, this))
        {
            kp.Dispose();
        }

        return negated;
    }

    /// <summary>BIP-341 tweak: even-y key, then s_i + t, Y_i + tG, PK + tG.</summary>
    internal KeyPackage Tweaked(ReadOnlySpan<byte> merkleRoot)
    {
        var even = Suite.MustNegateKey(VerifyingKey) ? Negated() : this;
        try
        {
            var g = Suite.Group;
            var t = Suite.KeyTweak(even.VerifyingKey, merkleRoot);
            var tG = g.MultiplyBase(t);
            Span<byte> share = stackalloc byte[32];
            try
            {
                g.ScalarAdd(even.SigningShare, t, share);
                return new KeyPackage(Suite, Identifier, share, g.Add(even.VerifyingShare, tG), g.Add(even.VerifyingKey, tG), MinSigners);
            }
            finally
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(share);
            }
        }
        finally
        {
            if (!ReferenceEquals(even, this))
            {
                even.Dispose();
            }
        }
    }

    private KeyPackage Negated()
    {
        var g = Suite.Group;
        Span<byte> share = stackalloc byte[32];
        try
        {
            g.ScalarNegate(SigningShare, share);
            return new KeyPackage(Suite, Identifier, share, g.Negate(VerifyingShare), g.Negate(VerifyingKey), MinSigners);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(share);
        }
    }
}

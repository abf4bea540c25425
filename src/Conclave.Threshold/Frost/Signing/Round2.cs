using System.Security.Cryptography;
using Conclave.Threshold.Frost.Keys;

namespace Conclave.Threshold.Frost.Signing;

/// <summary>FROST round two: signature share generation (RFC 9591 §5.2).</summary>
public static class Round2
{
    /// <summary>
    /// sign(identifier, sk_i, group_public_key, nonce_i, msg, commitment_list). Validates the
    /// signing package first (its own commitment must be present and equal to the nonces'
    /// commitments, enough signers; the coordinator checks that every signer belongs to the key). The nonces are consumed by
    /// any call, successful or not, so they can never be used twice.
    /// </summary>
    /// <param name="signingPackage">The coordinator's commitment list and message.</param>
    /// <param name="nonces">This participant's round-one nonces (consumed).</param>
    /// <param name="keyPackage">This participant's key.</param>
    /// <param name="merkleRoot">Taproot only: sign for the key tweaked with this BIP-341 merkle root (empty root = key-path only).</param>
    public static SignatureShare Sign(SigningPackage signingPackage, SigningNonces nonces, KeyPackage keyPackage, ReadOnlySpan<byte> merkleRoot = default) =>
        Sign(signingPackage, nonces, keyPackage, merkleRoot, tweak: !merkleRoot.IsEmpty);

    /// <summary>As <see cref="Sign(SigningPackage, SigningNonces, KeyPackage, ReadOnlySpan{byte})"/>, with an explicit choice to tweak with an empty merkle root.</summary>
    public static SignatureShare Sign(SigningPackage signingPackage, SigningNonces nonces, KeyPackage keyPackage, ReadOnlySpan<byte> merkleRoot, bool tweak)
    {
        ArgumentNullException.ThrowIfNull(signingPackage);
        ArgumentNullException.ThrowIfNull(nonces);
        ArgumentNullException.ThrowIfNull(keyPackage);
        using var secretNonces = nonces.Consume();
        var suite = keyPackage.Suite;
        var g = suite.Group;
        // RFC 9591 §5.2: the signer checks its own commitment is in the list, unchanged.
        var own = signingPackage.Commitments.FirstOrDefault(c => c.Identifier == keyPackage.Identifier);
        if (own is null || !own.Equals(nonces.Commitments))
        {
            throw new ArgumentException("The signing package does not carry this participant's commitments.", nameof(signingPackage));
        }

        if (signingPackage.Commitments.Count < keyPackage.MinSigners)
        {
            throw new ArgumentException($"At least {keyPackage.MinSigners} signers are needed, the package has {signingPackage.Commitments.Count}.", nameof(signingPackage));
        }

        if (!ReferenceEquals(own.Hiding.Group, g))
        {
            throw new ArgumentException("The commitments belong to another group.", nameof(signingPackage));
        }

        var kp = keyPackage.ForSigning(merkleRoot, tweak);
        Span<byte> d = stackalloc byte[32];
        Span<byte> e = stackalloc byte[32];
        Span<byte> z = stackalloc byte[32];
        Span<byte> t = stackalloc byte[32];
        try
        {
            var bindingFactors = FrostMath.ComputeBindingFactors(suite, kp.VerifyingKey, signingPackage.Commitments, signingPackage.Message);
            var groupCommitment = FrostMath.ComputeGroupCommitment(g, signingPackage.Commitments, bindingFactors);
            var lambda = FrostMath.DeriveInterpolatingValue(g, signingPackage.Signers, kp.Identifier);
            var challenge = g.NewScalar();
            suite.Challenge(groupCommitment, kp.VerifyingKey, signingPackage.Message, challenge);

            secretNonces.Span[..32].CopyTo(d);
            secretNonces.Span[32..].CopyTo(e);
            if (suite.MustNegateNonces(groupCommitment))
            {
                // BIP-340: R must have even y, so every signer negates its nonces.
                g.ScalarNegate(d, d);
                g.ScalarNegate(e, e);
            }

            // z_i = d_i + (e_i * rho_i) + (lambda_i * s_i * c)
            g.ScalarMultiply(e, bindingFactors[kp.Identifier], t);
            g.ScalarAdd(d, t, z);
            g.ScalarMultiply(lambda, kp.SigningShare, t);
            g.ScalarMultiply(t, challenge, t);
            g.ScalarAdd(z, t, z);
            return new SignatureShare(suite, kp.Identifier, z);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(d);
            CryptographicOperations.ZeroMemory(e);
            CryptographicOperations.ZeroMemory(t);
            if (!ReferenceEquals(kp, keyPackage))
            {
                kp.Dispose();
            }
        }
    }
}

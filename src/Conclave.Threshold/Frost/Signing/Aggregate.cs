using Conclave.Crypto.Groups;
using Conclave.Threshold.Frost.Keys;

namespace Conclave.Threshold.Frost.Signing;

/// <summary>FROST aggregation (RFC 9591 §5.3) with share verification (§5.4) for identifiable abort.</summary>
public static class Aggregate
{
    /// <summary>
    /// Aggregates the shares into a signature, verifies it with the suite's standard verifier,
    /// and returns its serialization. If it does not verify, every share is checked and a
    /// <see cref="ProtocolAbortException"/> names all signers whose share is invalid.
    /// </summary>
    /// <param name="signingPackage">The package the signers signed.</param>
    /// <param name="shares">One share per signer in the package.</param>
    /// <param name="publicKeyPackage">The group's public key package.</param>
    /// <param name="merkleRoot">Taproot only: the BIP-341 merkle root the signers tweaked with.</param>
    public static byte[] Run(SigningPackage signingPackage, IReadOnlyCollection<SignatureShare> shares, PublicKeyPackage publicKeyPackage, ReadOnlySpan<byte> merkleRoot = default) =>
        Run(signingPackage, shares, publicKeyPackage, merkleRoot, tweak: !merkleRoot.IsEmpty);

    /// <summary>As <see cref="Run(SigningPackage, IReadOnlyCollection{SignatureShare}, PublicKeyPackage, ReadOnlySpan{byte})"/>, with an explicit choice to tweak with an empty merkle root.</summary>
    public static byte[] Run(SigningPackage signingPackage, IReadOnlyCollection<SignatureShare> shares, PublicKeyPackage publicKeyPackage, ReadOnlySpan<byte> merkleRoot, bool tweak)
    {
        ArgumentNullException.ThrowIfNull(signingPackage);
        ArgumentNullException.ThrowIfNull(shares);
        ArgumentNullException.ThrowIfNull(publicKeyPackage);
        var suite = publicKeyPackage.Suite;
        var g = suite.Group;
        CheckInputs(signingPackage, shares, publicKeyPackage);
        var pkp = publicKeyPackage.ForSigning(merkleRoot, tweak);

        var bindingFactors = FrostMath.ComputeBindingFactors(suite, pkp.VerifyingKey, signingPackage.Commitments, signingPackage.Message);
        var groupCommitment = FrostMath.ComputeGroupCommitment(g, signingPackage.Commitments, bindingFactors);
        var z = g.NewScalar();
        foreach (var s in shares)
        {
            g.ScalarAdd(z, s.Share, z);
        }

        var signature = suite.SerializeSignature(groupCommitment, z);
        if (suite.Verify(suite.SerializePublicKey(pkp.VerifyingKey), signingPackage.Message, signature))
        {
            return signature;
        }

        // Identifiable abort: check every share so the culprit list is complete.
        var culprits = shares
            .Where(s => !VerifyShareCore(signingPackage, s, pkp, bindingFactors, groupCommitment))
            .Select(s => s.Identifier)
            .Order()
            .ToList();
        if (culprits.Count == 0)
        {
            throw new InternalInvariantException("Every signature share verified but the aggregate signature did not.");
        }

        throw new ProtocolAbortException(AbortReason.InvalidSignatureShare, culprits);
    }

    /// <summary>verify_signature_share (RFC 9591 §5.4) for one share.</summary>
    public static bool VerifySignatureShare(SigningPackage signingPackage, SignatureShare share, PublicKeyPackage publicKeyPackage, ReadOnlySpan<byte> merkleRoot = default)
    {
        ArgumentNullException.ThrowIfNull(signingPackage);
        ArgumentNullException.ThrowIfNull(share);
        ArgumentNullException.ThrowIfNull(publicKeyPackage);
        var pkp = publicKeyPackage.ForSigning(merkleRoot, !merkleRoot.IsEmpty);
        var g = publicKeyPackage.Suite.Group;
        if (!signingPackage.Signers.Contains(share.Identifier) || !pkp.VerifyingShares.ContainsKey(share.Identifier))
        {
            return false;
        }

        var bindingFactors = FrostMath.ComputeBindingFactors(pkp.Suite, pkp.VerifyingKey, signingPackage.Commitments, signingPackage.Message);
        var groupCommitment = FrostMath.ComputeGroupCommitment(g, signingPackage.Commitments, bindingFactors);
        return VerifyShareCore(signingPackage, share, pkp, bindingFactors, groupCommitment);
    }

    private static bool VerifyShareCore(SigningPackage signingPackage, SignatureShare share, PublicKeyPackage pkp, Dictionary<ParticipantId, byte[]> bindingFactors, Element groupCommitment)
    {
        var suite = pkp.Suite;
        var g = suite.Group;
        var commitment = signingPackage.Commitments.First(c => c.Identifier == share.Identifier);
        var commShare = FrostMath.CommitmentShare(g, commitment, bindingFactors[share.Identifier]);
        if (suite.MustNegateNonces(groupCommitment))
        {
            commShare = g.Negate(commShare);
        }

        var challenge = g.NewScalar();
        suite.Challenge(groupCommitment, pkp.VerifyingKey, signingPackage.Message, challenge);
        var lambda = FrostMath.DeriveInterpolatingValue(g, signingPackage.Signers, share.Identifier);
        g.ScalarMultiply(challenge, lambda, challenge);

        // l = z_i * G; r = comm_share + (PK_i * c * lambda_i)
        var l = g.MultiplyBase(share.Share);
        var r = g.Add(commShare, g.MultiplyPublic(pkp.VerifyingShares[share.Identifier], challenge));
        return l.Equals(r);
    }

    private static void CheckInputs(SigningPackage signingPackage, IReadOnlyCollection<SignatureShare> shares, PublicKeyPackage publicKeyPackage)
    {
        if (signingPackage.Commitments.Count < publicKeyPackage.MinSigners)
        {
            throw new ArgumentException($"At least {publicKeyPackage.MinSigners} signers are needed.", nameof(signingPackage));
        }

        var signers = signingPackage.Signers;
        var unknown = signers.Where(id => !publicKeyPackage.VerifyingShares.ContainsKey(id)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown signer(s): {string.Join(", ", unknown)}.", nameof(signingPackage));
        }

        var shareIds = shares.Select(s => s.Identifier).Order().ToList();
        if (!shareIds.SequenceEqual(signers))
        {
            throw new ArgumentException("There must be exactly one signature share per signer in the signing package.", nameof(shares));
        }

        if (shares.Any(s => !ReferenceEquals(s.Suite, publicKeyPackage.Suite)))
        {
            throw new ArgumentException("A signature share belongs to another ciphersuite.", nameof(shares));
        }
    }
}

using Conclave.Crypto.Groups;
using Conclave.Threshold.Frost.Ciphersuites;
using Conclave.Threshold.Frost.Signing;

namespace Conclave.Threshold.Frost;

/// <summary>The helper functions of RFC 9591 §4 (all on public values).</summary>
internal static class FrostMath
{
    /// <summary>The scalar of an identifier (RFC 9591 §5: SerializeScalar(identifier)).</summary>
    internal static byte[] IdentifierScalar(PrimeOrderGroup group, ParticipantId id)
    {
        var s = group.NewScalar();
        group.ScalarFromUInt64(id.Value, s);
        return s;
    }

    /// <summary>derive_interpolating_value(L, x_i) (RFC 9591 §4.2): the Lagrange coefficient at 0.</summary>
    internal static byte[] DeriveInterpolatingValue(PrimeOrderGroup group, IReadOnlyList<ParticipantId> participants, ParticipantId xi)
    {
        if (!participants.Contains(xi))
        {
            throw new InternalInvariantException("The participant is not in the interpolation set.");
        }

        var numerator = group.NewScalar();
        var denominator = group.NewScalar();
        group.ScalarFromUInt64(1, numerator);
        group.ScalarFromUInt64(1, denominator);
        var xiScalar = IdentifierScalar(group, xi);
        var diff = group.NewScalar();
        foreach (var xj in participants)
        {
            if (xj == xi)
            {
                continue;
            }

            var xjScalar = IdentifierScalar(group, xj);
            group.ScalarMultiply(numerator, xjScalar, numerator);
            group.ScalarSubtract(xjScalar, xiScalar, diff);
            group.ScalarMultiply(denominator, diff, denominator);
        }

        group.ScalarInvertPublic(denominator, denominator);
        group.ScalarMultiply(numerator, denominator, numerator);
        return numerator;
    }

    /// <summary>
    /// Whether the X_j are the values at the ids of one polynomial f of degree t−1 with f(0) = Y.
    /// Let S be the first t ids. Lagrange interpolation at 0 over S must give Y, which fixes f as
    /// the polynomial g through S. Each other id k is then checked by interpolating at 0 over
    /// S ∪ {k}: that is the value h(0) of the degree-t polynomial h through S ∪ {k}, and h − g
    /// vanishes on S, so h − g = c·∏_{m∈S}(x − m) and h(0) − Y = c·∏_{m∈S}(−m). Ids are non-zero
    /// and far below the group order, so h(0) = Y exactly when c = 0, i.e. when X_k = g(k).
    /// This is interpolation at k, done with the coefficient-at-zero helper of RFC 9591.
    /// By the same argument, interpolating the first t−1 ids at 0 gives Y exactly when f has degree
    /// below t−1; keygen's f has a uniformly random leading coefficient, so that is rejected too,
    /// which catches a stored threshold raised above the real one (a lowered one fails the checks above).
    /// </summary>
    internal static bool PublicSharesAreConsistent(PrimeOrderGroup group, Element publicKey, SortedDictionary<ParticipantId, Element> publicShares, int threshold)
    {
        var ids = publicShares.Keys.ToList();
        var basis = ids.Take(threshold).ToList();
        if (!InterpolateAtZero(group, basis, publicShares).Equals(publicKey)
            || InterpolateAtZero(group, basis[..^1], publicShares).Equals(publicKey))
        {
            return false;
        }

        foreach (var k in ids.Skip(threshold))
        {
            if (!InterpolateAtZero(group, [.. basis, k], publicShares).Equals(publicKey))
            {
                return false;
            }
        }

        return true;
    }

    private static Element InterpolateAtZero(PrimeOrderGroup group, List<ParticipantId> set, SortedDictionary<ParticipantId, Element> publicShares) =>
        group.Sum(set.Select(j => group.MultiplyPublic(publicShares[j], FrostMath.DeriveInterpolatingValue(group, set, j))));

    /// <summary>encode_group_commitment_list (RFC 9591 §4.3).</summary>
    internal static byte[] EncodeGroupCommitmentList(PrimeOrderGroup group, IReadOnlyList<SigningCommitments> commitments)
    {
        var ns = group.ScalarLength;
        var ne = group.ElementLength;
        var stride = ns + (2 * ne);
        var encoded = new byte[commitments.Count * stride];
        for (var i = 0; i < commitments.Count; i++)
        {
            var c = commitments[i];
            var slot = encoded.AsSpan(i * stride, stride);
            group.ScalarFromUInt64(c.Identifier.Value, slot[..ns]);
            group.SerializeElement(c.Hiding, slot.Slice(ns, ne));
            group.SerializeElement(c.Binding, slot.Slice(ns + ne, ne));
        }

        return encoded;
    }

    /// <summary>compute_binding_factors (RFC 9591 §4.4), keyed by identifier.</summary>
    internal static Dictionary<ParticipantId, byte[]> ComputeBindingFactors(
        FrostCiphersuite suite, Element groupPublicKey, IReadOnlyList<SigningCommitments> commitments, ReadOnlySpan<byte> message)
    {
        var group = suite.Group;
        var rhoInput = RhoInputWithRoomForIdentifier(suite, groupPublicKey, commitments, message);
        var prefixLength = rhoInput.Length - group.ScalarLength;
        var result = new Dictionary<ParticipantId, byte[]>(commitments.Count);
        foreach (var c in commitments)
        {
            group.ScalarFromUInt64(c.Identifier.Value, rhoInput.AsSpan(prefixLength));
            var rho = group.NewScalar();
            suite.H1(rhoInput, rho);
            result[c.Identifier] = rho;
        }

        return result;
    }

    /// <summary>The binding-factor input for one participant (exposed for vector tests).</summary>
    internal static byte[] BindingFactorInput(FrostCiphersuite suite, Element groupPublicKey, IReadOnlyList<SigningCommitments> commitments, ReadOnlySpan<byte> message, ParticipantId id)
    {
        var rhoInput = RhoInputWithRoomForIdentifier(suite, groupPublicKey, commitments, message);
        suite.Group.ScalarFromUInt64(id.Value, rhoInput.AsSpan(rhoInput.Length - suite.Group.ScalarLength));
        return rhoInput;
    }

    /// <summary>rho_input_prefix = group_public_key_enc || msg_hash || encoded_commitment_hash, followed by Ns bytes for SerializeScalar(identifier).</summary>
    private static byte[] RhoInputWithRoomForIdentifier(FrostCiphersuite suite, Element groupPublicKey, IReadOnlyList<SigningCommitments> commitments, ReadOnlySpan<byte> message)
    {
        var group = suite.Group;
        var pkEnc = group.SerializeElement(groupPublicKey);
        var msgHash = suite.H4(message);
        var comHash = suite.H5(EncodeGroupCommitmentList(group, commitments));
        return [.. pkEnc, .. msgHash, .. comHash, .. new byte[group.ScalarLength]];
    }

    /// <summary>compute_group_commitment (RFC 9591 §4.5): sum of hiding + rho * binding.</summary>
    internal static Element ComputeGroupCommitment(PrimeOrderGroup group, IReadOnlyList<SigningCommitments> commitments, Dictionary<ParticipantId, byte[]> bindingFactors)
    {
        var acc = group.Identity;
        foreach (var c in commitments)
        {
            acc = group.Add(acc, group.Add(c.Hiding, group.MultiplyPublic(c.Binding, bindingFactors[c.Identifier])));
        }

        return acc;
    }

    /// <summary>The commitment share hiding + rho * binding of one participant.</summary>
    internal static Element CommitmentShare(PrimeOrderGroup group, SigningCommitments c, ReadOnlySpan<byte> rho) =>
        group.Add(c.Hiding, group.MultiplyPublic(c.Binding, rho));
}

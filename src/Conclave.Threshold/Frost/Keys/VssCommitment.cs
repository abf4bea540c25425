using Conclave.Crypto.Groups;

namespace Conclave.Threshold.Frost.Keys;

/// <summary>
/// A Feldman VSS commitment to a polynomial: [a_0*G, ..., a_(t-1)*G] (RFC 9591 Appendix C.2).
/// </summary>
public sealed class VssCommitment
{
    /// <summary>Creates the commitment; every coefficient commitment must be a non-identity element of one group.</summary>
    public VssCommitment(IReadOnlyList<Element> coefficients)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        if (coefficients.Count < 1)
        {
            throw new ArgumentException("A commitment has at least one coefficient.", nameof(coefficients));
        }

        var group = coefficients[0].Group;
        if (coefficients.Any(c => c.IsIdentity || !ReferenceEquals(c.Group, group)))
        {
            throw new ArgumentException("Coefficient commitments must be non-identity elements of one group.", nameof(coefficients));
        }

        Coefficients = [.. coefficients];
    }

    /// <summary>
    /// A received refresh commitment (proactive refresh: the dealt polynomial shares zero, so the
    /// constant term's commitment is the identity). The constant term may be any element, the
    /// identity included, so that the protocol can check it and name the dealer; every other
    /// coefficient commitment must be a non-identity element of the same group.
    /// </summary>
    public static VssCommitment FromRefresh(IReadOnlyList<Element> coefficients)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        if (coefficients.Count < 1 || coefficients.Any(c => c is null))
        {
            throw new ArgumentException("A commitment has at least one coefficient.", nameof(coefficients));
        }

        var group = coefficients[0].Group;
        if (coefficients.Skip(1).Any(c => c.IsIdentity || !ReferenceEquals(c.Group, group)))
        {
            throw new ArgumentException("Coefficient commitments after the constant term must be non-identity elements of one group.", nameof(coefficients));
        }

        return new VssCommitment([.. coefficients], allowIdentity: true);
    }

    /// <summary>The coefficient commitments, constant term first.</summary>
    public IReadOnlyList<Element> Coefficients { get; }

    /// <summary>The group.</summary>
    public PrimeOrderGroup Group => Coefficients[0].Group;

    /// <summary>The commitment to the constant term (the dealer's public key contribution).</summary>
    public Element ConstantTerm => Coefficients[0];

    /// <summary>The expected public share f(x)*G = sum of phi_j * x^j (Horner's rule).</summary>
    public Element Evaluate(ParticipantId x)
    {
        var g = Group;
        var xs = g.NewScalar();
        g.ScalarFromUInt64(x.Value, xs);
        var acc = g.Identity;
        for (var j = Coefficients.Count - 1; j >= 0; j--)
        {
            acc = g.Add(g.MultiplyPublic(acc, xs), Coefficients[j]);
        }

        return acc;
    }

    /// <summary>vss_verify (RFC 9591 Appendix C.2): whether share*G equals the committed evaluation at x.</summary>
    public bool Verify(ParticipantId x, ReadOnlySpan<byte> share) =>
        Group.IsCanonicalScalar(share) && Group.MultiplyBase(share).Equals(Evaluate(x));

    /// <summary>The element-wise sum of commitments of equal length (the group's aggregate commitment).</summary>
    public static VssCommitment Sum(IReadOnlyList<VssCommitment> commitments)
    {
        ArgumentNullException.ThrowIfNull(commitments);
        var g = commitments[0].Group;
        var t = commitments[0].Coefficients.Count;
        var sums = new Element[t];
        for (var j = 0; j < t; j++)
        {
            sums[j] = g.Sum(commitments.Select(c => c.Coefficients[j]));
        }

        return new VssCommitment(sums, allowIdentity: true);
    }

    /// <summary>A commitment that may contain the identity (sums, and refresh polynomials whose constant term is zero).</summary>
    internal VssCommitment(Element[] coefficients, bool allowIdentity)
    {
        _ = allowIdentity;
        Coefficients = coefficients;
    }
}

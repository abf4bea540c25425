using Conclave.Crypto.Groups;
using Conclave.Threshold.Frost.Ciphersuites;

namespace Conclave.Threshold.Frost.Keys.Dkg;

/// <summary>
/// DKG round-one broadcast (FROST KeyGen round 1, steps 2-4): the dealer's VSS commitment and
/// its proof of knowledge of the constant term. Public.
/// </summary>
public sealed class Round1Package
{
    private readonly byte[] _proofOfKnowledge;

    /// <summary>Creates the package.</summary>
    public Round1Package(VssCommitment commitment, ReadOnlySpan<byte> proofOfKnowledge)
    {
        ArgumentNullException.ThrowIfNull(commitment);
        Commitment = commitment;
        _proofOfKnowledge = proofOfKnowledge.ToArray();
    }

    /// <summary>The commitment [a_i0*G, ..., a_i(t-1)*G].</summary>
    public VssCommitment Commitment { get; }

    /// <summary>The proof of knowledge sigma_i = (R_i, mu_i), serialized like a signature of the suite.</summary>
    public ReadOnlySpan<byte> ProofOfKnowledge => _proofOfKnowledge;

    /// <summary>Wire encoding: version, coefficient count, elements, proof.</summary>
    public byte[] Serialize()
    {
        var g = Commitment.Group;
        var n = Commitment.Coefficients.Count;
        var bytes = new byte[2 + (n * g.ElementLength) + _proofOfKnowledge.Length];
        bytes[0] = Signing.FrostWire.Version;
        bytes[1] = checked((byte)n);
        for (var j = 0; j < n; j++)
        {
            g.SerializeElement(Commitment.Coefficients[j], bytes.AsSpan(2 + (j * g.ElementLength)));
        }

        _proofOfKnowledge.CopyTo(bytes, 2 + (n * g.ElementLength));
        return bytes;
    }

    /// <summary>Parses the wire encoding, validating every element; throws <see cref="FormatException"/>.</summary>
    public static Round1Package Deserialize(FrostCiphersuite suite, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(suite);
        var g = suite.Group;
        if (bytes.Length < 2 || bytes[0] != Signing.FrostWire.Version || bytes[1] == 0
            || bytes.Length != 2 + (bytes[1] * g.ElementLength) + suite.SignatureLength)
        {
            throw new FormatException("Malformed DKG round-one package.");
        }

        var elements = new Element[bytes[1]];
        for (var j = 0; j < elements.Length; j++)
        {
            elements[j] = g.DeserializeElement(bytes.Slice(2 + (j * g.ElementLength), g.ElementLength));
        }

        var proof = bytes[(2 + (elements.Length * g.ElementLength))..];
        if (!suite.TryDeserializeProof(proof, out _, out _))
        {
            throw new FormatException("Malformed DKG round-one package: the proof of knowledge is not a valid (R, mu) pair.");
        }

        return new Round1Package(new VssCommitment(elements), proof);
    }
}

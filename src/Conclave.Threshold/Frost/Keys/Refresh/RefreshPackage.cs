using Conclave.Crypto.Groups;
using Conclave.Threshold.Frost.Ciphersuites;

namespace Conclave.Threshold.Frost.Keys.Refresh;

/// <summary>
/// A refresh participant's broadcast message: the Feldman commitment [a_0*G, ..., a_(t-1)*G] to
/// its polynomial, whose constant term a_0 must be zero (so the first commitment must be the
/// identity; <see cref="FrostRefresh"/> names a dealer whose is not). Public.
/// </summary>
public sealed class RefreshPackage
{
    /// <summary>Creates the package.</summary>
    public RefreshPackage(VssCommitment commitment)
    {
        ArgumentNullException.ThrowIfNull(commitment);
        Commitment = commitment;
    }

    /// <summary>The commitment, constant term first.</summary>
    public VssCommitment Commitment { get; }

    /// <summary>
    /// Wire encoding: version, coefficient count, then each coefficient commitment; the constant
    /// term's slot is all zero bytes for the identity (no valid element encodes as zeros), else the element.
    /// </summary>
    public byte[] Serialize()
    {
        var g = Commitment.Group;
        var n = Commitment.Coefficients.Count;
        var bytes = new byte[2 + (n * g.ElementLength)];
        bytes[0] = Signing.FrostWire.Version;
        bytes[1] = checked((byte)n);
        for (var j = 0; j < n; j++)
        {
            var element = Commitment.Coefficients[j];
            if (j > 0 || !element.IsIdentity)
            {
                g.SerializeElement(element, bytes.AsSpan(2 + (j * g.ElementLength)));
            }
        }

        return bytes;
    }

    /// <summary>Parses the wire encoding, validating every element; throws <see cref="FormatException"/>.</summary>
    public static RefreshPackage Deserialize(FrostCiphersuite suite, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(suite);
        var g = suite.Group;
        if (bytes.Length < 2 || bytes[0] != Signing.FrostWire.Version || bytes[1] == 0 || bytes.Length != 2 + (bytes[1] * g.ElementLength))
        {
            throw new FormatException("Malformed refresh package.");
        }

        var elements = new Element[bytes[1]];
        for (var j = 0; j < elements.Length; j++)
        {
            var slot = bytes.Slice(2 + (j * g.ElementLength), g.ElementLength);
            elements[j] = j == 0 && !slot.ContainsAnyExcept((byte)0) ? g.Identity : g.DeserializeElement(slot);
        }

        return new RefreshPackage(VssCommitment.FromRefresh(elements));
    }
}

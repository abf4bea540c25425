using System.Buffers.Binary;
using Conclave.Crypto.Groups;
using Conclave.Threshold.Frost.Ciphersuites;

namespace Conclave.Threshold.Frost.Signing;

/// <summary>A participant's round-one output: hiding and binding nonce commitments (public).</summary>
public sealed record SigningCommitments
{
    /// <summary>Creates commitments; both must be non-identity elements of one group.</summary>
    public SigningCommitments(ParticipantId identifier, Element hiding, Element binding)
    {
        ArgumentNullException.ThrowIfNull(hiding);
        ArgumentNullException.ThrowIfNull(binding);
        if (hiding.IsIdentity || binding.IsIdentity || !ReferenceEquals(hiding.Group, binding.Group))
        {
            throw new ArgumentException("Nonce commitments must be non-identity elements of one group.");
        }

        Identifier = identifier;
        Hiding = hiding;
        Binding = binding;
    }

    /// <summary>The committing participant.</summary>
    public ParticipantId Identifier { get; }

    /// <summary>D_i = d_i * G.</summary>
    public Element Hiding { get; }

    /// <summary>E_i = e_i * G.</summary>
    public Element Binding { get; }

    /// <summary>Wire encoding: version byte, 2-byte big-endian identifier, hiding, binding.</summary>
    public byte[] Serialize()
    {
        var g = Hiding.Group;
        var bytes = new byte[3 + (2 * g.ElementLength)];
        bytes[0] = FrostWire.Version;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(1), Identifier.Value);
        g.SerializeElement(Hiding, bytes.AsSpan(3));
        g.SerializeElement(Binding, bytes.AsSpan(3 + g.ElementLength));
        return bytes;
    }

    /// <summary>Parses the wire encoding, validating both elements (RFC 9591 §5.2 input validation).</summary>
    public static SigningCommitments Deserialize(FrostCiphersuite suite, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(suite);
        var g = suite.Group;
        var ne = g.ElementLength;
        if (bytes.Length != 3 + (2 * ne) || bytes[0] != FrostWire.Version)
        {
            throw new FormatException("Malformed signing commitments.");
        }

        var id = BinaryPrimitives.ReadUInt16BigEndian(bytes[1..]);
        if (id == 0)
        {
            throw new FormatException("Participant identifier 0 is invalid.");
        }

        return new SigningCommitments(new ParticipantId(id), g.DeserializeElement(bytes.Slice(3, ne)), g.DeserializeElement(bytes.Slice(3 + ne, ne)));
    }
}

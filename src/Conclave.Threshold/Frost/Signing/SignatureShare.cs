using System.Buffers.Binary;
using Conclave.Threshold.Frost.Ciphersuites;

namespace Conclave.Threshold.Frost.Signing;

/// <summary>A participant's round-two output z_i (public once sent).</summary>
public sealed class SignatureShare
{
    private readonly byte[] _share;

    /// <summary>Creates a share; the scalar must be canonical for the suite.</summary>
    public SignatureShare(FrostCiphersuite suite, ParticipantId identifier, ReadOnlySpan<byte> share)
    {
        ArgumentNullException.ThrowIfNull(suite);
        if (!suite.Group.IsCanonicalScalar(share))
        {
            throw new FormatException($"The signature share of participant {identifier} is not a canonical scalar.");
        }

        Suite = suite;
        Identifier = identifier;
        _share = share.ToArray();
    }

    /// <summary>The ciphersuite.</summary>
    public FrostCiphersuite Suite { get; }

    /// <summary>The signer.</summary>
    public ParticipantId Identifier { get; }

    /// <summary>z_i, SerializeScalar encoding.</summary>
    public ReadOnlySpan<byte> Share => _share;

    /// <summary>Wire encoding: version byte, 2-byte big-endian identifier, z_i.</summary>
    public byte[] Serialize()
    {
        var bytes = new byte[3 + _share.Length];
        bytes[0] = FrostWire.Version;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(1), Identifier.Value);
        _share.CopyTo(bytes, 3);
        return bytes;
    }

    /// <summary>Parses the wire encoding; throws <see cref="FormatException"/> when malformed.</summary>
    public static SignatureShare Deserialize(FrostCiphersuite suite, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(suite);
        if (bytes.Length != 3 + suite.Group.ScalarLength || bytes[0] != FrostWire.Version)
        {
            throw new FormatException("Malformed signature share.");
        }

        var id = BinaryPrimitives.ReadUInt16BigEndian(bytes[1..]);
        if (id == 0)
        {
            throw new FormatException("Participant identifier 0 is invalid.");
        }

        return new SignatureShare(suite, new ParticipantId(id), bytes[3..]);
    }
}

using System.Buffers.Binary;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Groups;

namespace Conclave.Crypto.Proofs;

/// <summary>
/// Writes the canonical proof encoding: a format-version byte, a proof-kind byte, then fields.
/// Counts are big-endian u32. An integer is a sign byte (0 non-negative, 1 negative), a big-endian
/// u32 length and the minimal big-endian magnitude (empty for zero, no leading zero byte).
/// </summary>
internal ref struct ProofWriter
{
    /// <summary>The encoding version every proof writes first.</summary>
    internal const byte FormatVersion = 1;

    /// <summary>The longest integer magnitude a reader accepts (131072 bits; honest values are far smaller).</summary>
    internal const int MaxIntegerBytes = 16384;

    private readonly Span<byte> _destination;
    private int _position;

    public ProofWriter(Span<byte> destination)
    {
        _destination = destination;
        _position = 0;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Position => _position;

    /// <summary>Size of the version and kind header.</summary>
    public static int HeaderSize => 2;

    /// <summary>Size of an encoded count.</summary>
    public static int CountSize => 4;

    /// <summary>Size of an encoded integer.</summary>
    public static int SizeOf(GmpInteger value) => 1 + 4 + ((value.BitLength + 7) / 8);

    public void WriteHeader(byte kind)
    {
        WriteByte(FormatVersion);
        WriteByte(kind);
    }

    public void WriteByte(byte value)
    {
        _destination[_position] = value;
        _position++;
    }

    public void WriteCount(int count)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_destination.Slice(_position, 4), checked((uint)count));
        _position += 4;
    }

    public void WriteInteger(GmpInteger value)
    {
        var length = (value.BitLength + 7) / 8;
        WriteByte(value.IsNegative ? (byte)1 : (byte)0);
        BinaryPrimitives.WriteUInt32BigEndian(_destination.Slice(_position, 4), (uint)length);
        _position += 4;
        value.WriteBytes(_destination.Slice(_position, length));
        _position += length;
    }

    /// <summary>Size of an encoded group element (its fixed-length canonical encoding, no prefix).</summary>
    public static int SizeOf(Element element) => element.Group.ElementLength;

    /// <summary>Writes the canonical encoding of a non-identity element (fixed length for its group).</summary>
    public void WriteElement(Element element)
    {
        _position += element.Group.SerializeElement(element, _destination[_position..]);
    }
}

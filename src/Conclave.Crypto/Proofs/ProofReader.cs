using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Groups;

namespace Conclave.Crypto.Proofs;

/// <summary>
/// Reads the encoding of <see cref="ProofWriter"/> and accepts only its canonical form: no
/// leading zero byte in a magnitude, no negative zero, no sign byte other than 0 or 1, no
/// magnitude longer than <see cref="ProofWriter.MaxIntegerBytes"/>.
/// </summary>
internal ref struct ProofReader
{
    private ReadOnlySpan<byte> _remaining;

    public ProofReader(ReadOnlySpan<byte> source)
    {
        _remaining = source;
    }

    /// <summary>Whether every byte has been consumed.</summary>
    public readonly bool IsAtEnd => _remaining.IsEmpty;

    public bool TryReadHeader(byte kind) =>
        TryReadByte(out var version) && version == ProofWriter.FormatVersion && TryReadByte(out var k) && k == kind;

    public bool TryReadByte(out byte value)
    {
        if (_remaining.IsEmpty)
        {
            value = 0;
            return false;
        }

        value = _remaining[0];
        _remaining = _remaining[1..];
        return true;
    }

    /// <summary>Reads a count and accepts it only when it equals <paramref name="expected"/>.</summary>
    public bool TryReadCount(int expected)
    {
        if (_remaining.Length < 4)
        {
            return false;
        }

        var count = BinaryPrimitives.ReadUInt32BigEndian(_remaining);
        _remaining = _remaining[4..];
        return count == (uint)expected;
    }

    /// <summary>Reads an integer; a negative one is refused unless <paramref name="allowNegative"/>.</summary>
    public bool TryReadInteger(bool allowNegative, [NotNullWhen(true)] out GmpInteger? value)
    {
        value = null;
        if (_remaining.Length < 5)
        {
            return false;
        }

        var sign = _remaining[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(_remaining[1..]);
        if (sign > 1 || (sign == 1 && !allowNegative) || length > ProofWriter.MaxIntegerBytes)
        {
            return false;
        }

        var magnitude = _remaining.Slice(5);
        if (magnitude.Length < (int)length)
        {
            return false;
        }

        magnitude = magnitude[..(int)length];
        if ((length == 0 && sign == 1) || (length > 0 && magnitude[0] == 0))
        {
            return false;
        }

        _remaining = _remaining[(5 + (int)length)..];
        var unsigned = GmpInteger.FromBytes(magnitude);
        if (sign == 0)
        {
            value = unsigned;
            return true;
        }

        value = GmpInteger.Negate(unsigned);
        unsigned.Dispose();
        return true;
    }

    /// <summary>Reads a fixed-length canonical element of <paramref name="group"/> (never the identity).</summary>
    public bool TryReadElement(PrimeOrderGroup group, [NotNullWhen(true)] out Element? element)
    {
        element = null;
        var length = group.ElementLength;
        if (_remaining.Length < length || !group.TryDeserializeElement(_remaining[..length], out var e))
        {
            return false;
        }

        _remaining = _remaining[length..];
        element = e;
        return true;
    }
}

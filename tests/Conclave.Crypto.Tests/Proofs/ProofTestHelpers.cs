using System.Buffers.Binary;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Random;

namespace Conclave.Crypto.Tests.Proofs;

/// <summary>Values and small tools shared by the proof tests.</summary>
internal static class ProofTestHelpers
{
    /// <summary>What a caller would bind: session id, prover id, party ids.</summary>
    public static byte[] Context => "conclave-test/session=7f3a/prover=1/parties=1,2,3"u8.ToArray();

    /// <summary>The same session seen by another prover.</summary>
    public static byte[] OtherContext => "conclave-test/session=7f3a/prover=2/parties=1,2,3"u8.ToArray();

    /// <summary>value + k (a new integer).</summary>
    public static GmpInteger Plus(GmpInteger value, ulong k)
    {
        using var kk = GmpInteger.FromUInt64(k);
        return GmpInteger.Add(value, kk);
    }

    /// <summary>Clones every value.</summary>
    public static GmpInteger[] CloneAll(IReadOnlyList<GmpInteger> values) => [.. values.Select(v => v.Clone())];

    /// <summary>A random prime of exactly <paramref name="bits"/> bits with p ≡ <paramref name="residueMod4"/> (mod 4).</summary>
    public static GmpInteger RandomPrime(int bits, int residueMod4)
    {
        using var one = GmpInteger.FromUInt64(1);
        using var top = GmpInteger.ShiftLeft(one, bits - 1);
        while (true)
        {
            using var low = GmpInteger.RandomBits(bits - 1, SystemRandomSource.Instance);
            var candidate = GmpInteger.Add(top, low);
            var fix = (ulong)((residueMod4 - (int)candidate.ModSmall(4) + 4) % 4);
            using var add = GmpInteger.FromUInt64(fix);
            var fixedCandidate = GmpInteger.Add(candidate, add);
            candidate.Dispose();
            if (fixedCandidate.BitLength == bits && fixedCandidate.IsProbablePrime(25))
            {
                return fixedCandidate;
            }

            fixedCandidate.Dispose();
        }
    }

    /// <summary>
    /// Re-encodes the first integer field that starts at <paramref name="offset"/> with one leading zero
    /// byte in its magnitude (a non-canonical but otherwise well-formed encoding).
    /// </summary>
    public static byte[] WithLeadingZeroAt(byte[] encoding, int offset)
    {
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(encoding.AsSpan(offset + 1));
        var result = new byte[encoding.Length + 1];
        encoding.AsSpan(0, offset + 1).CopyTo(result);
        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(offset + 1), (uint)(length + 1));
        result[offset + 5] = 0;
        encoding.AsSpan(offset + 5).CopyTo(result.AsSpan(offset + 6));
        return result;
    }

    /// <summary>A copy with one byte changed.</summary>
    public static byte[] WithByte(byte[] encoding, int index, byte value)
    {
        var copy = (byte[])encoding.Clone();
        copy[index] = value;
        return copy;
    }

    /// <summary>A copy with the big-endian u32 at <paramref name="offset"/> replaced.</summary>
    public static byte[] WithUInt32(byte[] encoding, int offset, uint value)
    {
        var copy = (byte[])encoding.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(offset), value);
        return copy;
    }
}

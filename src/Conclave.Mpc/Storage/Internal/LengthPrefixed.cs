using System.Buffers.Binary;
using System.Text;

namespace Conclave.Mpc.Storage.Internal;

/// <summary>
/// Unambiguous concatenation for associated data and wrap contexts: every part is written as a
/// big-endian u32 length followed by its bytes, so ("ab", "c") and ("a", "bc") never collide.
/// </summary>
internal static class LengthPrefixed
{
    /// <summary>Concatenates UTF-8 strings, each length-prefixed, then <paramref name="trailer"/> as 4 big-endian bytes.</summary>
    public static byte[] Concat(ReadOnlySpan<string> parts, uint trailer)
    {
        var length = 4;
        foreach (var part in parts)
        {
            length += 4 + Encoding.UTF8.GetByteCount(part);
        }

        var result = new byte[length];
        var offset = 0;
        foreach (var part in parts)
        {
            var written = Encoding.UTF8.GetBytes(part, result.AsSpan(offset + 4));
            BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(offset), (uint)written);
            offset += 4 + written;
        }

        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(offset), trailer);
        return result;
    }
}

namespace Conclave.Kms.Crypto.Internal;

/// <summary>
/// Strict DER decoding of an ECDSA signature (SEQUENCE { INTEGER r, INTEGER s }) into the fixed-width
/// r‖s form. The runtime's decoder tolerates some non-DER input (for example an integer missing its
/// leading zero, read as unsigned), which Wycheproof marks invalid; this one accepts only DER:
/// definite minimal lengths, positive minimal integers, no trailing bytes.
/// </summary>
internal static class EcdsaDer
{
    public static bool TryToP1363(ReadOnlySpan<byte> der, int coordinateSize, Span<byte> destination)
    {
        if (der.Length < 2 || der[0] != 0x30)
        {
            return false;
        }

        int contentLength, offset;
        if (der[1] < 0x80)
        {
            contentLength = der[1];
            offset = 2;
        }
        else if (der[1] == 0x81 && der.Length >= 3 && der[2] >= 0x80)
        {
            contentLength = der[2];
            offset = 3;
        }
        else
        {
            return false;
        }

        if (der.Length - offset != contentLength)
        {
            return false;
        }

        var content = der[offset..];
        destination.Clear();
        return TryReadInteger(ref content, coordinateSize, destination[..coordinateSize])
            && TryReadInteger(ref content, coordinateSize, destination[coordinateSize..(2 * coordinateSize)])
            && content.IsEmpty;
    }

    private static bool TryReadInteger(ref ReadOnlySpan<byte> input, int coordinateSize, Span<byte> destination)
    {
        if (input.Length < 2 || input[0] != 0x02 || input[1] >= 0x80 || input[1] == 0 || input.Length - 2 < input[1])
        {
            return false;
        }

        var value = input.Slice(2, input[1]);
        input = input[(2 + value.Length)..];
        if ((value[0] & 0x80) != 0)
        {
            return false; // negative
        }

        if (value[0] == 0 && value.Length > 1)
        {
            if ((value[1] & 0x80) == 0)
            {
                return false; // non-minimal leading zero
            }

            value = value[1..];
        }

        if (value.Length > coordinateSize)
        {
            return false;
        }

        value.CopyTo(destination[(coordinateSize - value.Length)..]);
        return true;
    }
}

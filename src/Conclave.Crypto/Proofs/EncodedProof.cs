namespace Conclave.Crypto.Proofs;

/// <summary>
/// The serialization surface shared by every CGGMP21 proof: a canonical, versioned encoding (a
/// version byte and a kind byte, then length-prefixed values) written through the runtime trio
/// <see cref="Serialize()"/>, <see cref="Serialize(Span{byte})"/> and <see cref="TrySerialize"/>.
/// Each proof defines its length and layout, and parses with its own <c>TryDeserialize</c>.
/// </summary>
public abstract class EncodedProof
{
    private protected EncodedProof()
    {
    }

    /// <summary>The canonical encoding.</summary>
    public byte[] Serialize()
    {
        var result = new byte[GetSerializedLength()];
        WriteCore(result);
        return result;
    }

    /// <summary>Writes the encoding into <paramref name="destination"/> and returns its length; throws if it does not fit.</summary>
    public int Serialize(Span<byte> destination)
    {
        if (!TrySerialize(destination, out var written))
        {
            throw new ArgumentException("The destination is too small.", nameof(destination));
        }

        return written;
    }

    /// <summary>Writes the encoding if it fits.</summary>
    public bool TrySerialize(Span<byte> destination, out int bytesWritten)
    {
        var length = GetSerializedLength();
        if (destination.Length < length)
        {
            bytesWritten = 0;
            return false;
        }

        WriteCore(destination[..length]);
        bytesWritten = length;
        return true;
    }

    /// <summary>Length of the encoding.</summary>
    public abstract int GetSerializedLength();

    /// <summary>Writes exactly <see cref="GetSerializedLength"/> bytes.</summary>
    private protected abstract void WriteCore(Span<byte> destination);
}

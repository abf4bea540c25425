using System.Buffers.Binary;
using System.Text;
using Conclave.Kms.Api;

namespace Conclave.Kms.Envelope;

/// <summary>
/// AWS's encryption context: string pairs bound to a ciphertext as authenticated data; decrypting
/// needs exactly the same pairs. Encoded canonically (pairs sorted by key, ordinal; count and every
/// string length-prefixed) so the same set always gives the same bytes.
/// </summary>
public static class EncryptionContext
{
    /// <summary>AWS's limit on the encoded size of an encryption context.</summary>
    public const int MaxBytes = 8192;

    /// <summary>The canonical encoding; throws a ValidationException for an oversized or invalid context.</summary>
    public static byte[] Encode(IReadOnlyDictionary<string, string>? context)
    {
        if (context is null || context.Count == 0)
        {
            return [0, 0, 0, 0];
        }

        var pairs = context.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        var size = 4;
        foreach (var (key, value) in pairs)
        {
            if (key.Length == 0)
            {
                throw new KmsException(KmsErrorType.Validation, "An encryption context key must not be empty.");
            }

            ArgumentNullException.ThrowIfNull(value);
            size += 8 + Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value);
        }

        if (size > MaxBytes + 4)
        {
            throw new KmsException(KmsErrorType.Validation, $"The encryption context exceeds {MaxBytes} bytes.");
        }

        var encoded = new byte[size];
        BinaryPrimitives.WriteInt32BigEndian(encoded, pairs.Count);
        var offset = 4;
        foreach (var (key, value) in pairs)
        {
            offset += Write(encoded.AsSpan(offset), key);
            offset += Write(encoded.AsSpan(offset), value);
        }

        return encoded;
    }

    private static int Write(Span<byte> destination, string value)
    {
        var written = Encoding.UTF8.GetBytes(value, destination[4..]);
        BinaryPrimitives.WriteInt32BigEndian(destination, written);
        return 4 + written;
    }
}

using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Conclave.Server.Aws.Internal;

/// <summary>
/// SigV4's canonical request, string to sign and signing-key derivation, as AWS documents them
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html). Synchronous and
/// allocation-light: HMACs go through stack buffers, and every derived key is zeroed.
/// </summary>
internal static class SigV4Canonicalizer
{
    public const int HashSize = 32;
    private const int MaxStackKeyBytes = 256;

    /// <summary>
    /// Writes the canonical request: method, canonical URI, canonical query string, canonical headers,
    /// signed headers and the hex payload hash, separated by '\n'.
    /// </summary>
    /// <remarks>
    /// The canonical URI follows AWS's rule for every service but S3: the path as sent on the wire
    /// (already URI-encoded once by the SDK) is URI-encoded again, '/' kept. Dot segments are not
    /// normalized (KMS is always served at '/').
    /// </remarks>
    public static void WriteCanonicalRequest(
        ref PooledByteWriter writer, string method, string rawTarget, IHeaderDictionary headers, string signedHeaders, ReadOnlySpan<char> payloadHashHex)
    {
        writer.Write(method);
        writer.Write((byte)'\n');
        var target = rawTarget.AsSpan();
        var question = target.IndexOf('?');
        var path = question < 0 ? target : target[..question];
        var query = question < 0 ? default : target[(question + 1)..];
        if (path.IsEmpty)
        {
            writer.Write((byte)'/');
        }
        else
        {
            WriteUriEncodedChars(ref writer, path, keepSlash: true);
        }

        writer.Write((byte)'\n');
        WriteCanonicalQuery(ref writer, query);
        writer.Write((byte)'\n');
        foreach (var range in signedHeaders.AsSpan().Split(';'))
        {
            var name = signedHeaders[range];
            writer.Write(name);
            writer.Write((byte)':');
            WriteHeaderValues(ref writer, headers.TryGetValue(name, out var values) ? values : StringValues.Empty);
            writer.Write((byte)'\n');
        }

        writer.Write((byte)'\n');
        writer.Write(signedHeaders);
        writer.Write((byte)'\n');
        writer.Write(payloadHashHex);
    }

    /// <summary>Writes the string to sign for an already hashed canonical request.</summary>
    public static void WriteStringToSign(
        ref PooledByteWriter writer, string amzDate, string scopeDate, string region, string service, ReadOnlySpan<byte> canonicalRequestHash)
    {
        writer.Write("AWS4-HMAC-SHA256\n"u8);
        writer.Write(amzDate);
        writer.Write((byte)'\n');
        writer.Write(scopeDate);
        writer.Write((byte)'/');
        writer.Write(region);
        writer.Write((byte)'/');
        writer.Write(service);
        writer.Write("/aws4_request\n"u8);
        Span<char> hex = stackalloc char[HashSize * 2];
        WriteLowerHex(canonicalRequestHash, hex);
        writer.Write(hex);
    }

    /// <summary>
    /// Derives the signing key from <paramref name="secretAccessKey"/> (UTF-8) and signs
    /// <paramref name="stringToSign"/> into <paramref name="signature"/> (32 bytes). Every intermediate key is zeroed.
    /// </summary>
    public static void Sign(
        ReadOnlySpan<byte> secretAccessKey, string scopeDate, string region, string service, ReadOnlySpan<byte> stringToSign, Span<byte> signature)
    {
        var secretLength = secretAccessKey.Length + 4;
        byte[]? rented = null;
        Span<byte> kSecret = secretLength <= MaxStackKeyBytes
            ? stackalloc byte[MaxStackKeyBytes]
            : (rented = ArrayPool<byte>.Shared.Rent(secretLength));
        kSecret = kSecret[..secretLength];
        Span<byte> a = stackalloc byte[HashSize];
        Span<byte> b = stackalloc byte[HashSize];
        try
        {
            "AWS4"u8.CopyTo(kSecret);
            secretAccessKey.CopyTo(kSecret[4..]);
            HmacAscii(kSecret, scopeDate, a);
            HmacAscii(a, region, b);
            HmacAscii(b, service, a);
            HMACSHA256.HashData(a, "aws4_request"u8, b);
            HMACSHA256.HashData(b, stringToSign, signature);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kSecret);
            CryptographicOperations.ZeroMemory(a);
            CryptographicOperations.ZeroMemory(b);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Lowercase hex of <paramref name="bytes"/> into <paramref name="destination"/> (twice as long).</summary>
    public static void WriteLowerHex(ReadOnlySpan<byte> bytes, Span<char> destination)
    {
        const string Digits = "0123456789abcdef";
        for (var i = 0; i < bytes.Length; i++)
        {
            destination[2 * i] = Digits[bytes[i] >> 4];
            destination[(2 * i) + 1] = Digits[bytes[i] & 0xF];
        }
    }

    // HMAC over an ASCII scope element (validated to be short and ASCII by SigV4Authorization).
    private static void HmacAscii(ReadOnlySpan<byte> key, string data, Span<byte> destination)
    {
        Span<byte> bytes = stackalloc byte[128];
        var n = Encoding.ASCII.GetBytes(data, bytes);
        HMACSHA256.HashData(key, bytes[..n], destination);
    }

    // Trimmed values, sequential spaces collapsed to one, several values joined with ','.
    private static void WriteHeaderValues(ref PooledByteWriter writer, StringValues values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                writer.Write((byte)',');
            }

            var value = (values[i] ?? string.Empty).AsSpan().Trim();
            var start = 0;
            for (var j = 0; j < value.Length; j++)
            {
                if (value[j] == ' ' && j + 1 < value.Length && value[j + 1] == ' ')
                {
                    writer.Write(value[start..(j + 1)]);
                    while (j + 1 < value.Length && value[j + 1] == ' ')
                    {
                        j++;
                    }

                    start = j + 1;
                }
            }

            writer.Write(value[start..]);
        }
    }

    // Parameters decoded, re-encoded with AWS's strict URI encoding, sorted by name then value.
    private static void WriteCanonicalQuery(ref PooledByteWriter writer, ReadOnlySpan<char> query)
    {
        if (query.IsEmpty)
        {
            return;
        }

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var range in query.Split('&'))
        {
            var part = query[range];
            if (part.IsEmpty)
            {
                continue;
            }

            var eq = part.IndexOf('=');
            var name = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? default : part[(eq + 1)..];
            pairs.Add(new(EncodeDecoded(name), EncodeDecoded(value)));
        }

        pairs.Sort(static (x, y) =>
        {
            var byName = string.CompareOrdinal(x.Key, y.Key);
            return byName != 0 ? byName : string.CompareOrdinal(x.Value, y.Value);
        });
        for (var i = 0; i < pairs.Count; i++)
        {
            if (i > 0)
            {
                writer.Write((byte)'&');
            }

            writer.Write(pairs[i].Key);
            writer.Write((byte)'=');
            writer.Write(pairs[i].Value);
        }
    }

    // Percent-decodes once (bytes), then URI-encodes the bytes strictly (everything but A-Z a-z 0-9 - _ . ~).
    private static string EncodeDecoded(ReadOnlySpan<char> raw)
    {
        var bytes = new byte[Encoding.UTF8.GetMaxByteCount(raw.Length)];
        var n = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '%' && i + 2 < raw.Length && IsHex(raw[i + 1]) && IsHex(raw[i + 2]))
            {
                bytes[n++] = (byte)((HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2]));
                i += 2;
            }
            else
            {
                n += Encoding.UTF8.GetBytes(raw.Slice(i, char.IsHighSurrogate(raw[i]) && i + 1 < raw.Length ? 2 : 1), bytes.AsSpan(n));
                if (char.IsHighSurrogate(raw[i]) && i + 1 < raw.Length)
                {
                    i++;
                }
            }
        }

        var sb = new StringBuilder(n * 3);
        foreach (var b in bytes.AsSpan(0, n))
        {
            AppendEncoded(sb, b, keepSlash: false);
        }

        return sb.ToString();
    }

    private static void WriteUriEncodedChars(ref PooledByteWriter writer, ReadOnlySpan<char> value, bool keepSlash)
    {
        Span<byte> utf8 = stackalloc byte[4];
        Span<byte> escaped = stackalloc byte[3];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c < 0x80)
            {
                WriteEncoded(ref writer, (byte)c, keepSlash, escaped);
                continue;
            }

            var length = char.IsHighSurrogate(c) && i + 1 < value.Length ? 2 : 1;
            var n = Encoding.UTF8.GetBytes(value.Slice(i, length), utf8);
            i += length - 1;
            foreach (var b in utf8[..n])
            {
                WriteEncoded(ref writer, b, keepSlash, escaped);
            }
        }
    }

    private static void WriteEncoded(ref PooledByteWriter writer, byte b, bool keepSlash, Span<byte> escaped)
    {
        if (IsUnreserved(b) || (keepSlash && b == '/'))
        {
            writer.Write(b);
            return;
        }

        escaped[0] = (byte)'%';
        escaped[1] = (byte)"0123456789ABCDEF"[b >> 4];
        escaped[2] = (byte)"0123456789ABCDEF"[b & 0xF];
        writer.Write(escaped);
    }

    private static void AppendEncoded(StringBuilder sb, byte b, bool keepSlash)
    {
        if (IsUnreserved(b) || (keepSlash && b == '/'))
        {
            sb.Append((char)b);
            return;
        }

        sb.Append('%').Append("0123456789ABCDEF"[b >> 4]).Append("0123456789ABCDEF"[b & 0xF]);
    }

    private static bool IsUnreserved(byte b) =>
        (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' || b == '_' || b == '.' || b == '~';

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

using System.Security.Cryptography;
using System.Text.Json;

namespace Conclave.Kms.Api;

/// <summary>
/// The request digest the audit log keeps: SHA-256 over the request's JSON tokens in order, with the
/// values of plaintext-bearing members left out (their names stay, so the digest still shows that
/// plaintext was sent). A digest of low-entropy plaintext would let anyone holding the log guess it,
/// so it never covers plaintext.
/// </summary>
public static class RequestDigest
{
    private static readonly string[] SecretMembers = ["Plaintext", "RawSecretAccessKey", "KeyStorePassword"];

    /// <summary>The digest of <paramref name="json"/> (a JSON object; anything unparsable hashes as raw bytes).</summary>
    public static byte[] Compute(ReadOnlySpan<byte> json)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            var reader = new Utf8JsonReader(json);
            var depth = 0;
            while (reader.Read())
            {
                Span<byte> kind = [(byte)reader.TokenType];
                hash.AppendData(kind);
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        depth++;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        depth--;
                        break;
                    case JsonTokenType.PropertyName:
                        AppendToken(hash, ref reader);
                        if (depth == 1 && IsSecret(ref reader))
                        {
                            reader.Read();
                            reader.Skip();
                        }

                        break;
                    default:
                        AppendToken(hash, ref reader);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            hash.AppendData(json);
        }

        return hash.GetHashAndReset();
    }

    private static bool IsSecret(ref Utf8JsonReader reader)
    {
        foreach (var name in SecretMembers)
        {
            if (reader.ValueTextEquals(name))
            {
                return true;
            }
        }

        return false;
    }

    private static void AppendToken(IncrementalHash hash, ref Utf8JsonReader reader)
    {
        var value = reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan.ToArray();
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, value.Length);
        hash.AppendData(length);
        hash.AppendData(value);
    }
}

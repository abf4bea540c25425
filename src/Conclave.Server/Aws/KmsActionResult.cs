using System.Security.Cryptography;

namespace Conclave.Server.Aws;

/// <summary>
/// The response of a KMS action: a JSON object (UTF-8), written with status 200 and content type
/// <c>application/x-amz-json-1.1</c>. A response that carries plaintext (GenerateDataKey, Decrypt)
/// should be created with <see cref="Sensitive"/> so the host wipes it once written.
/// </summary>
public sealed class KmsActionResult
{
    private readonly byte[]? _owned;

    /// <summary>A response of <paramref name="json"/> (not wiped after writing).</summary>
    public KmsActionResult(ReadOnlyMemory<byte> json)
    {
        Json = json;
    }

    private KmsActionResult(byte[] owned)
    {
        _owned = owned;
        Json = owned;
    }

    /// <summary>The empty response <c>{}</c> (actions such as EnableKey).</summary>
    public static KmsActionResult Empty { get; } = new("{}"u8.ToArray());

    /// <summary>The response body.</summary>
    public ReadOnlyMemory<byte> Json { get; }

    /// <summary>Whether the host zeroes the body after writing it.</summary>
    public bool IsSensitive => _owned is not null;

    /// <summary>A response whose array the host takes over and zeroes after writing (plaintext in the response).</summary>
    public static KmsActionResult Sensitive(byte[] json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return new KmsActionResult(json);
    }

    /// <summary>Zeroes a sensitive body; does nothing for others.</summary>
    internal void Wipe()
    {
        if (_owned is not null)
        {
            CryptographicOperations.ZeroMemory(_owned);
        }
    }

    /// <inheritdoc />
    public override string ToString() => IsSensitive ? "KmsActionResult(<redacted>)" : $"KmsActionResult({Json.Length} bytes)";
}

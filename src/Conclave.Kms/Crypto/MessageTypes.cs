namespace Conclave.Kms.Crypto;

/// <summary>AWS KMS <c>MessageType</c> values for Sign and Verify.</summary>
public static class MessageTypes
{
    /// <summary>The message itself (at most 4096 bytes); it is hashed as the algorithm says.</summary>
    public const string Raw = "RAW";

    /// <summary>A digest of the message, exactly as long as the algorithm's hash output.</summary>
    public const string Digest = "DIGEST";

    /// <summary>Every message type.</summary>
    public static IReadOnlyList<string> All { get; } = [Raw, Digest];
}

using System.Buffers.Binary;
using System.Text;
using Conclave.Threshold;
using NSec.Cryptography;

namespace Conclave.Mpc.Transport;

/// <summary>
/// Wire format and key schedule shared by <see cref="EnvelopeSealer"/> and <see cref="EnvelopeOpener"/>
/// (see <c>docs/design/transport-envelopes.md</c>).
/// </summary>
/// <remarks>
/// <code>
/// header    = version:u8 (=1) ‖ sidLen:u8 (16..64) ‖ sessionId ‖ round:u32
///             ‖ senderLen:u8 (1..32) ‖ senderId ‖ recipientLen:u8 (1..32) ‖ recipientId ‖ sequence:u64
/// envelope  = header ‖ ephemeralX25519Public[32] ‖ nonce[12] ‖ ciphertext ‖ tag[16] ‖ signature[64]
/// key       = HKDF-SHA256(ikm = X25519(ephemeral, recipientX25519),
///                         salt = ephemeralPublic ‖ recipientX25519Public,
///                         info = "conclave/mpc/envelope/v1/key" ‖ header, L = 32)
/// ciphertext, tag = AES-256-GCM(key, nonce, plaintext = payload, aad = header)
/// signature = Ed25519(senderSigningKey, "conclave/mpc/envelope/v1/sig" ‖ envelope without signature)
/// </code>
/// Integers are big-endian; ids are ASCII. The ciphertext length is implied by the total length.
/// </remarks>
internal static class EnvelopeFormat
{
    public const byte Version = 1;
    public const int EphemeralKeyLength = 32;
    public const int NonceLength = 12;
    public const int TagLength = 16;
    public const int SignatureLength = 64;
    public const int KeyLength = 32;

    /// <summary>Largest payload accepted (16 MiB).</summary>
    public const int MaxPayloadLength = 16 * 1024 * 1024;

    /// <summary>Bytes after the header besides the ciphertext.</summary>
    public const int Overhead = EphemeralKeyLength + NonceLength + TagLength + SignatureLength;

    public static ReadOnlySpan<byte> SignatureLabel => "conclave/mpc/envelope/v1/sig"u8;

    public static ReadOnlySpan<byte> KeyLabel => "conclave/mpc/envelope/v1/key"u8;

    public static int HeaderLength(SessionId session, string sender, string recipient) =>
        1 + 1 + session.Bytes.Length + 4 + 1 + sender.Length + 1 + recipient.Length + 8;

    public static void WriteHeader(Span<byte> w, SessionId session, int round, string sender, string recipient, ulong sequence)
    {
        w[0] = Version;
        w[1] = (byte)session.Bytes.Length;
        session.Bytes.CopyTo(w[2..]);
        w = w[(2 + session.Bytes.Length)..];
        BinaryPrimitives.WriteUInt32BigEndian(w, (uint)round);
        w = w[4..];
        w[0] = (byte)sender.Length;
        w = w[(1 + Encoding.ASCII.GetBytes(sender, w[1..]))..];
        w[0] = (byte)recipient.Length;
        w = w[(1 + Encoding.ASCII.GetBytes(recipient, w[1..]))..];
        BinaryPrimitives.WriteUInt64BigEndian(w, sequence);
    }

    /// <summary>Parses the header; returns <see cref="DropReason.None"/> or the reason it is refused.</summary>
    public static DropReason TryReadHeader(ReadOnlySpan<byte> envelope, out EnvelopeHeader header)
    {
        header = default;
        if (envelope.IsEmpty)
        {
            return DropReason.Malformed;
        }

        if (envelope[0] != Version)
        {
            return DropReason.UnsupportedVersion;
        }

        var r = envelope[1..];
        if (r.IsEmpty || r[0] is < 16 or > 64 || r.Length < 1 + r[0])
        {
            return DropReason.Malformed;
        }

        var session = new SessionId(r.Slice(1, r[0]));
        r = r[(1 + r[0])..];
        if (r.Length < 4)
        {
            return DropReason.Malformed;
        }

        var round = BinaryPrimitives.ReadUInt32BigEndian(r);
        if (round > int.MaxValue)
        {
            return DropReason.Malformed;
        }

        r = r[4..];
        if (!TryReadNodeId(ref r, out var sender) || !TryReadNodeId(ref r, out var recipient) || r.Length < 8)
        {
            return DropReason.Malformed;
        }

        var sequence = BinaryPrimitives.ReadUInt64BigEndian(r);
        r = r[8..];
        header = new EnvelopeHeader(session, (int)round, sender, recipient, sequence, envelope.Length - r.Length);
        return DropReason.None;
    }

    /// <summary>As <see cref="DeriveKey(SharedSecret, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/> from the raw shared secret (RFC 5869 HKDF-SHA256, the same bytes).</summary>
    public static void DeriveKey(ReadOnlySpan<byte> shared, ReadOnlySpan<byte> ephemeralPublic, ReadOnlySpan<byte> recipientPublic, ReadOnlySpan<byte> header, Span<byte> key)
    {
        Span<byte> salt = stackalloc byte[EphemeralKeyLength + NodePublicIdentity.PublicKeyLength];
        ephemeralPublic.CopyTo(salt);
        recipientPublic.CopyTo(salt[EphemeralKeyLength..]);
        var info = new byte[KeyLabel.Length + header.Length];
        KeyLabel.CopyTo(info);
        header.CopyTo(info.AsSpan(KeyLabel.Length));
        System.Security.Cryptography.HKDF.DeriveKey(System.Security.Cryptography.HashAlgorithmName.SHA256, shared, key, salt, info);
    }

    /// <summary>Derives the AES-256-GCM key for one envelope into <paramref name="key"/> (the caller wipes it).</summary>
    public static void DeriveKey(SharedSecret shared, ReadOnlySpan<byte> ephemeralPublic, ReadOnlySpan<byte> recipientPublic, ReadOnlySpan<byte> header, Span<byte> key)
    {
        Span<byte> salt = stackalloc byte[EphemeralKeyLength + NodePublicIdentity.PublicKeyLength];
        ephemeralPublic.CopyTo(salt);
        recipientPublic.CopyTo(salt[EphemeralKeyLength..]);
        var info = new byte[KeyLabel.Length + header.Length];
        KeyLabel.CopyTo(info);
        header.CopyTo(info.AsSpan(KeyLabel.Length));
        KeyDerivationAlgorithm.HkdfSha256.DeriveBytes(shared, salt, info, key);
    }

    /// <summary>The bytes the sender signs: the label and the envelope without its signature.</summary>
    public static byte[] SignedMessage(ReadOnlySpan<byte> envelope)
    {
        var unsigned = envelope[..^SignatureLength];
        var message = new byte[SignatureLabel.Length + unsigned.Length];
        SignatureLabel.CopyTo(message);
        unsigned.CopyTo(message.AsSpan(SignatureLabel.Length));
        return message;
    }

    /// <summary>Writes the sender's signature into the last <see cref="SignatureLength"/> bytes.</summary>
    public static void Sign(NodeIdentity sender, Span<byte> envelope) =>
        SignatureAlgorithm.Ed25519.Sign(sender.SigningKey, SignedMessage(envelope), envelope[^SignatureLength..]);

    /// <summary>Whether the last <see cref="SignatureLength"/> bytes are the sender's signature.</summary>
    public static bool Verify(NodePublicIdentity sender, ReadOnlySpan<byte> envelope) =>
        SignatureAlgorithm.Ed25519.Verify(sender.SigningKey, SignedMessage(envelope), envelope[^SignatureLength..]);

    private static bool TryReadNodeId(ref ReadOnlySpan<byte> r, out string id)
    {
        id = string.Empty;
        if (r.IsEmpty || r[0] is < 1 or > NodePublicIdentity.MaxNodeIdLength || r.Length < 1 + r[0])
        {
            return false;
        }

        var bytes = r.Slice(1, r[0]);
        foreach (var b in bytes)
        {
            if (b is not ((>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-'))
            {
                return false;
            }
        }

        id = Encoding.ASCII.GetString(bytes);
        r = r[(1 + r[0])..];
        return true;
    }
}

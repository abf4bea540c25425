using System.Security.Cryptography;
using Conclave.Crypto.KeyAgreement;
using Conclave.Threshold;

namespace Conclave.Mpc.Transport;

/// <summary>
/// Seals a protocol message for one recipient: encrypted to the recipient's X25519 key under a
/// fresh ephemeral key, bound to (session, round, sender, recipient, sequence), and signed by the
/// sender's Ed25519 identity key.
/// </summary>
/// <remarks>
/// <para>Wire format (integers big-endian, ids ASCII):</para>
/// <code>
/// header    = version:u8 (=1) ‖ sidLen:u8 ‖ sessionId ‖ round:u32 ‖ senderLen:u8 ‖ senderId
///             ‖ recipientLen:u8 ‖ recipientId ‖ sequence:u64
/// envelope  = header ‖ ephemeralPublic[32] ‖ nonce[12] ‖ ciphertext ‖ tag[16] ‖ signature[64]
/// </code>
/// <para>For each envelope a fresh X25519 key pair is generated; the shared secret with the
/// recipient's static X25519 key goes through HKDF-SHA256 with salt = ephemeral public ‖ recipient
/// X25519 public and info = <c>"conclave/mpc/envelope/v1/key"</c> ‖ header, giving a 32-byte
/// AES-256-GCM key used once with a random 12-byte nonce and AAD = header. The sender then signs
/// <c>"conclave/mpc/envelope/v1/sig"</c> ‖ everything before the signature. The ephemeral key
/// pair and the shared secret are computed with libsodium's X25519 directly (<see cref="X25519"/>);
/// the shared secret, the derived key and the ephemeral private key bytes live on the stack and
/// are zeroed with
/// <see cref="CryptographicOperations.ZeroMemory"/>. Nonces and ephemeral keys come from
/// <see cref="RandomNumberGenerator"/>.</para>
/// <para>The sequence number must be unique per (session, sender, recipient): the recipient drops a
/// repeated or too-old sequence (<see cref="EnvelopeOpener"/>).</para>
/// </remarks>
public static class EnvelopeSealer
{
    /// <summary>Largest payload that can be sealed (16 MiB).</summary>
    public const int MaxPayloadLength = EnvelopeFormat.MaxPayloadLength;

    /// <summary>Seals <paramref name="payload"/> from <paramref name="sender"/> to <paramref name="recipient"/>.</summary>
    /// <exception cref="ArgumentException">A default session id, a negative round or an oversized payload.</exception>
    /// <exception cref="CryptographicException">The recipient's X25519 key is a low-order point (no shared secret).</exception>
    public static byte[] Seal(NodeIdentity sender, NodePublicIdentity recipient, SessionId session, int round, ulong sequence, ReadOnlySpan<byte> payload)
    {
        Span<byte> ephemeralPrivate = stackalloc byte[EnvelopeFormat.EphemeralKeyLength];
        Span<byte> nonce = stackalloc byte[EnvelopeFormat.NonceLength];
        try
        {
            RandomNumberGenerator.Fill(ephemeralPrivate);
            RandomNumberGenerator.Fill(nonce);
            return SealCore(sender, recipient, session, round, sequence, payload, ephemeralPrivate, nonce);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ephemeralPrivate);
        }
    }

    /// <summary>
    /// <see cref="Seal"/> with the ephemeral X25519 private key and the nonce given (fresh random
    /// values in production; fixed ones only for the frozen test vector of the format).
    /// </summary>
    internal static byte[] SealCore(NodeIdentity sender, NodePublicIdentity recipient, SessionId session, int round, ulong sequence, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> ephemeralPrivate, ReadOnlySpan<byte> nonceValue)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(recipient);
        if (session.Bytes.IsEmpty)
        {
            throw new ArgumentException("The session id is the default value.", nameof(session));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(round);
        if (payload.Length > MaxPayloadLength)
        {
            throw new ArgumentException($"A payload has at most {MaxPayloadLength} bytes.", nameof(payload));
        }

        var headerLength = EnvelopeFormat.HeaderLength(session, sender.NodeId, recipient.NodeId);
        var envelope = new byte[headerLength + EnvelopeFormat.Overhead + payload.Length];
        var header = envelope.AsSpan(0, headerLength);
        EnvelopeFormat.WriteHeader(header, session, round, sender.NodeId, recipient.NodeId, sequence);
        var ephemeralPublic = envelope.AsSpan(headerLength, EnvelopeFormat.EphemeralKeyLength);
        var nonce = envelope.AsSpan(headerLength + EnvelopeFormat.EphemeralKeyLength, EnvelopeFormat.NonceLength);
        var ciphertext = envelope.AsSpan(headerLength + EnvelopeFormat.EphemeralKeyLength + EnvelopeFormat.NonceLength, payload.Length);
        var tag = envelope.AsSpan(headerLength + EnvelopeFormat.EphemeralKeyLength + EnvelopeFormat.NonceLength + payload.Length, EnvelopeFormat.TagLength);

        // The ephemeral key pair and the shared secret go through libsodium directly into stack
        // buffers (NSec's Key.Import and Agree would allocate guarded memory for each, several
        // syscalls per envelope); the bytes are the same, and both are wiped below.
        Span<byte> shared = stackalloc byte[X25519.KeyLength];
        Span<byte> key = stackalloc byte[EnvelopeFormat.KeyLength];
        try
        {
            X25519.DerivePublicKey(ephemeralPrivate, ephemeralPublic);
            nonceValue.CopyTo(nonce);
            if (!X25519.TryAgree(ephemeralPrivate, recipient.AgreementPublicKey, shared))
            {
                throw new CryptographicException("The recipient's X25519 key gives no shared secret.");
            }

            EnvelopeFormat.DeriveKey(shared, ephemeralPublic, recipient.AgreementPublicKey, header, key);
            using var aes = new AesGcm(key, EnvelopeFormat.TagLength);
            aes.Encrypt(nonce, payload, ciphertext, tag, header);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
            CryptographicOperations.ZeroMemory(key);
        }

        EnvelopeFormat.Sign(sender, envelope);
        return envelope;
    }
}

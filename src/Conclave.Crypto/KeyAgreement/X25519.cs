using System.Security.Cryptography;
using Conclave.Crypto.Native;

namespace Conclave.Crypto.KeyAgreement;

/// <summary>
/// RFC 7748 X25519 through libsodium's <c>crypto_scalarmult_curve25519(_base)</c>, into caller
/// buffers: no key object and no guarded heap allocation per call, for short-lived (ephemeral)
/// keys the caller keeps on the stack and wipes. The bytes are those of NSec's
/// <c>KeyAgreementAlgorithm.X25519</c>, which calls the same two functions.
/// </summary>
public static class X25519
{
    /// <summary>Private key, public key and shared secret length.</summary>
    public const int KeyLength = 32;

    /// <summary>Writes the public key of <paramref name="privateKey"/> (RFC 7748 §6.1: X25519(k, 9)).</summary>
    /// <exception cref="ArgumentException">A buffer is not <see cref="KeyLength"/> bytes.</exception>
    /// <exception cref="CryptographicException">libsodium refused the key.</exception>
    public static unsafe void DerivePublicKey(ReadOnlySpan<byte> privateKey, Span<byte> publicKey)
    {
        CheckLength(privateKey.Length, nameof(privateKey));
        CheckLength(publicKey.Length, nameof(publicKey));
        _ = Groups.Ed25519Group.Instance; // ensures sodium_init ran
        fixed (byte* n = privateKey)
        fixed (byte* q = publicKey)
        {
            if (SodiumNative.ScalarMultCurve25519Base(q, n) != 0)
            {
                throw new CryptographicException("X25519 public key derivation failed.");
            }
        }
    }

    /// <summary>
    /// Computes the shared secret X25519(<paramref name="privateKey"/>, <paramref name="peerPublicKey"/>)
    /// into <paramref name="sharedSecret"/>. Returns false, with <paramref name="sharedSecret"/> zeroed,
    /// when the result is all zero (a low-order peer key; RFC 7748 §6.1 lets the caller abort).
    /// The caller wipes <paramref name="sharedSecret"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer is not <see cref="KeyLength"/> bytes.</exception>
    public static unsafe bool TryAgree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
    {
        CheckLength(privateKey.Length, nameof(privateKey));
        CheckLength(peerPublicKey.Length, nameof(peerPublicKey));
        CheckLength(sharedSecret.Length, nameof(sharedSecret));
        _ = Groups.Ed25519Group.Instance;
        int result;
        fixed (byte* n = privateKey)
        fixed (byte* p = peerPublicKey)
        fixed (byte* q = sharedSecret)
        {
            // libsodium returns -1 when the output is all zero.
            result = SodiumNative.ScalarMultCurve25519(q, n, p);
        }

        if (result != 0)
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
            return false;
        }

        return true;
    }

    private static void CheckLength(int length, string name)
    {
        if (length != KeyLength)
        {
            throw new ArgumentException($"X25519 keys and secrets are {KeyLength} bytes.", name);
        }
    }
}

using System.Security.Cryptography;
using Conclave.Crypto.Native;

namespace Conclave.Crypto.Signatures;

/// <summary>
/// Single-party RFC 8032 Ed25519 through libsodium: the verifier every Ed25519 threshold signature
/// is checked with before it is returned, and the single-party baseline in benchmarks.
/// </summary>
public static class Ed25519Signature
{
    /// <summary>Public key length.</summary>
    public const int PublicKeyLength = 32;

    /// <summary>Signature length.</summary>
    public const int SignatureLength = 64;

    /// <summary>
    /// Verifies an RFC 8032 signature (libsodium: canonical S, non-small-order A and R).
    /// Returns false for any malformed input.
    /// </summary>
    public static unsafe bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        _ = Groups.Ed25519Group.Instance; // ensures sodium_init ran
        if (publicKey.Length != PublicKeyLength || signature.Length != SignatureLength)
        {
            return false;
        }

        fixed (byte* pk = publicKey)
        fixed (byte* m = message)
        fixed (byte* sig = signature)
        {
            return SodiumNative.VerifyDetached(sig, m, (ulong)message.Length, pk) == 0;
        }
    }

    /// <summary>Derives the public key of a 32-byte seed.</summary>
    public static unsafe byte[] PublicKeyFromSeed(ReadOnlySpan<byte> seed)
    {
        _ = Groups.Ed25519Group.Instance;
        if (seed.Length != 32)
        {
            throw new ArgumentException("An Ed25519 seed is 32 bytes.", nameof(seed));
        }

        var pk = new byte[32];
        Span<byte> sk = stackalloc byte[64];
        try
        {
            fixed (byte* ppk = pk)
            fixed (byte* psk = sk)
            fixed (byte* s = seed)
            {
                _ = SodiumNative.SignSeedKeypair(ppk, psk, s);
            }

            return pk;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sk);
        }
    }

    /// <summary>Signs with a 32-byte seed (RFC 8032 §5.1.6), writing 64 bytes.</summary>
    public static unsafe void Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        _ = Groups.Ed25519Group.Instance;
        if (seed.Length != 32)
        {
            throw new ArgumentException("An Ed25519 seed is 32 bytes.", nameof(seed));
        }

        if (signature.Length < SignatureLength)
        {
            throw new ArgumentException("The destination must hold 64 bytes.", nameof(signature));
        }

        Span<byte> pk = stackalloc byte[32];
        Span<byte> sk = stackalloc byte[64];
        try
        {
            fixed (byte* ppk = pk)
            fixed (byte* psk = sk)
            fixed (byte* s = seed)
            fixed (byte* m = message)
            fixed (byte* sig = signature)
            {
                _ = SodiumNative.SignSeedKeypair(ppk, psk, s);
                ulong len;
                _ = SodiumNative.SignDetached(sig, &len, m, (ulong)message.Length, psk);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sk);
        }
    }
}

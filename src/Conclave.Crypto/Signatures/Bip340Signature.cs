using System.Security.Cryptography;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Native;

namespace Conclave.Crypto.Signatures;

/// <summary>
/// Single-party BIP-340 Schnorr signatures through libsecp256k1's schnorrsig module: the verifier
/// every Taproot threshold signature is checked with, and the single-party baseline in benchmarks.
/// </summary>
public static class Bip340Signature
{
    /// <summary>Verifies a 64-byte BIP-340 signature on a message of any length under a 32-byte x-only key.</summary>
    public static unsafe bool Verify(ReadOnlySpan<byte> xOnlyPublicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (xOnlyPublicKey.Length != 32 || signature.Length != 64)
        {
            return false;
        }

        var ctx = Secp256k1Group.Instance.Context;
        Span<byte> pk = stackalloc byte[Secp256k1Native.XOnlyPubkeySize];
        fixed (byte* ppk = pk)
        fixed (byte* x = xOnlyPublicKey)
        fixed (byte* m = message)
        fixed (byte* sig = signature)
        {
            if (Secp256k1Native.XOnlyPubkeyParse(ctx, ppk, x) != 1)
            {
                return false;
            }

            return Secp256k1Native.SchnorrsigVerify(ctx, sig, m, (nuint)message.Length, ppk) == 1;
        }
    }

    /// <summary>The x-only public key of a 32-byte secret key.</summary>
    public static unsafe byte[] XOnlyPublicKey(ReadOnlySpan<byte> secretKey)
    {
        var ctx = Secp256k1Group.Instance.Context;
        Span<byte> keypair = stackalloc byte[Secp256k1Native.KeypairSize];
        Span<byte> pub = stackalloc byte[Secp256k1Native.XOnlyPubkeySize];
        var result = new byte[32];
        try
        {
            fixed (byte* kp = keypair)
            fixed (byte* sk = secretKey)
            fixed (byte* p = pub)
            fixed (byte* r = result)
            {
                if (secretKey.Length != 32 || Secp256k1Native.KeypairCreate(ctx, kp, sk) != 1)
                {
                    throw new ArgumentException("Not a valid secp256k1 secret key.", nameof(secretKey));
                }

                _ = Secp256k1Native.KeypairXOnlyPub(ctx, p, null, kp);
                _ = Secp256k1Native.XOnlyPubkeySerialize(ctx, r, p);
            }

            return result;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keypair);
        }
    }

    /// <summary>
    /// Signs a message of any length (BIP-340 default signing with the given 32-byte auxiliary
    /// randomness), writing 64 bytes. The signature is verified before it is returned.
    /// </summary>
    public static unsafe void Sign(ReadOnlySpan<byte> secretKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> auxRand32, Span<byte> signature)
    {
        if (auxRand32.Length != 32 || signature.Length < 64)
        {
            throw new ArgumentException("BIP-340 signing takes 32 bytes of auxiliary randomness and writes 64 bytes.");
        }

        var ctx = Secp256k1Group.Instance.Context;
        Span<byte> keypair = stackalloc byte[Secp256k1Native.KeypairSize];
        Span<byte> pub = stackalloc byte[Secp256k1Native.XOnlyPubkeySize];

        // secp256k1_schnorrsig_extraparams: magic[4], padding, noncefp (null = BIP-340 default), ndata.
        Span<byte> extra = stackalloc byte[24];
        extra.Clear();
        extra[0] = 0xda;
        extra[1] = 0x6f;
        extra[2] = 0xb3;
        extra[3] = 0x8c;
        try
        {
            fixed (byte* kp = keypair)
            fixed (byte* p = pub)
            fixed (byte* sk = secretKey)
            fixed (byte* m = message)
            fixed (byte* aux = auxRand32)
            fixed (byte* sig = signature)
            fixed (byte* ex = extra)
            {
                if (secretKey.Length != 32 || Secp256k1Native.KeypairCreate(ctx, kp, sk) != 1)
                {
                    throw new ArgumentException("Not a valid secp256k1 secret key.", nameof(secretKey));
                }

                *(nint*)(ex + 16) = (nint)aux;
                if (Secp256k1Native.SchnorrsigSignCustom(ctx, sig, m, (nuint)message.Length, kp, ex) != 1)
                {
                    throw new CryptographicException("BIP-340 signing failed.");
                }

                _ = Secp256k1Native.KeypairXOnlyPub(ctx, p, null, kp);
                if (Secp256k1Native.SchnorrsigVerify(ctx, sig, m, (nuint)message.Length, p) != 1)
                {
                    throw new CryptographicException("BIP-340 signature failed its own verification.");
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keypair);
        }
    }
}

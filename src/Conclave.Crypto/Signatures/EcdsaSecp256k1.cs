using Conclave.Crypto.Groups;
using Conclave.Crypto.Native;

namespace Conclave.Crypto.Signatures;

/// <summary>
/// ECDSA verification on secp256k1 through libsecp256k1 (<c>secp256k1_ecdsa_verify</c>): the
/// verifier every CGGMP21 threshold signature will be checked with before it is returned.
/// </summary>
public static class EcdsaSecp256k1
{
    /// <summary>
    /// Verifies a DER-encoded signature over a 32-byte message hash under a SEC1 public key
    /// (33-byte compressed or 65-byte uncompressed). With <paramref name="requireLowS"/> (Bitcoin's
    /// rule, and what Conclave produces) a signature with s &gt; n/2 is rejected; without it, it is
    /// normalized first (plain ECDSA accepts both s and n - s). The DER must be strict: the bytes
    /// must re-encode identically. Returns false for any malformed input.
    /// </summary>
    public static unsafe bool VerifyDer(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> messageHash, ReadOnlySpan<byte> derSignature, bool requireLowS)
    {
        if (messageHash.Length != 32 || derSignature.Length is 0 or > 72 || publicKey.Length is not (33 or 65))
        {
            return false;
        }

        var ctx = Secp256k1Group.Instance.Context;
        Span<byte> sig = stackalloc byte[Secp256k1Native.EcdsaSignatureSize];
        Span<byte> normalized = stackalloc byte[Secp256k1Native.EcdsaSignatureSize];
        Span<byte> pk = stackalloc byte[Secp256k1Native.PubkeySize];
        Span<byte> reencoded = stackalloc byte[80];
        fixed (byte* s = sig)
        fixed (byte* ns = normalized)
        fixed (byte* p = pk)
        fixed (byte* re = reencoded)
        fixed (byte* der = derSignature)
        fixed (byte* h = messageHash)
        fixed (byte* pub = publicKey)
        {
            if (Secp256k1Native.PubkeyParse(ctx, p, pub, (nuint)publicKey.Length) != 1
                || Secp256k1Native.EcdsaSignatureParseDer(ctx, s, der, (nuint)derSignature.Length) != 1)
            {
                return false;
            }

            // Strict DER: libsecp256k1 parses some non-canonical encodings; accept only the canonical one.
            nuint len = 80;
            if (Secp256k1Native.EcdsaSignatureSerializeDer(ctx, re, &len, s) != 1 || !reencoded[..(int)len].SequenceEqual(derSignature))
            {
                return false;
            }

            var wasHigh = Secp256k1Native.EcdsaSignatureNormalize(ctx, ns, s) == 1;
            if (wasHigh && requireLowS)
            {
                return false;
            }

            return Secp256k1Native.EcdsaVerify(ctx, ns, h, p) == 1;
        }
    }

    /// <summary>
    /// Verifies a 64-byte compact r || s signature over a 32-byte hash under a SEC1 public key.
    /// A high s is rejected (Conclave only produces low-s signatures). False for malformed input.
    /// </summary>
    public static unsafe bool VerifyCompact(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> messageHash, ReadOnlySpan<byte> signature)
    {
        if (messageHash.Length != 32 || signature.Length != 64 || publicKey.Length is not (33 or 65))
        {
            return false;
        }

        var ctx = Secp256k1Group.Instance.Context;
        Span<byte> sig = stackalloc byte[Secp256k1Native.EcdsaSignatureSize];
        Span<byte> pk = stackalloc byte[Secp256k1Native.PubkeySize];
        fixed (byte* s = sig)
        fixed (byte* p = pk)
        fixed (byte* c = signature)
        fixed (byte* h = messageHash)
        fixed (byte* pub = publicKey)
        {
            return Secp256k1Native.PubkeyParse(ctx, p, pub, (nuint)publicKey.Length) == 1
                && Secp256k1Native.EcdsaSignatureParseCompact(ctx, s, c) == 1
                && Secp256k1Native.EcdsaVerify(ctx, s, h, p) == 1;
        }
    }

    /// <summary>
    /// Recovers the public key (33-byte compressed) from a compact signature, its recovery id
    /// (0..3) and the 32-byte hash, as Ethereum's ecrecover does; null when recovery fails.
    /// </summary>
    public static unsafe byte[]? Recover(ReadOnlySpan<byte> messageHash, ReadOnlySpan<byte> signature, int recoveryId)
    {
        if (messageHash.Length != 32 || signature.Length != 64 || recoveryId is < 0 or > 3)
        {
            return null;
        }

        var ctx = Secp256k1Group.Instance.Context;
        Span<byte> sig = stackalloc byte[65];
        Span<byte> pk = stackalloc byte[Secp256k1Native.PubkeySize];
        var output = new byte[33];
        nuint len = 33;
        fixed (byte* s = sig)
        fixed (byte* p = pk)
        fixed (byte* c = signature)
        fixed (byte* h = messageHash)
        fixed (byte* o = output)
        {
            if (Secp256k1Native.EcdsaRecoverableSignatureParseCompact(ctx, s, c, recoveryId) != 1
                || Secp256k1Native.EcdsaRecover(ctx, p, s, h) != 1)
            {
                return null;
            }

            _ = Secp256k1Native.PubkeySerialize(ctx, o, &len, p, Secp256k1Native.EcCompressed);
            return output;
        }
    }
}

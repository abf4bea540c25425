using System.Security.Cryptography;

namespace Conclave.Crypto.Hashing;

/// <summary>
/// expand_message_xmd with SHA-256 (RFC 9380 §5.3.1), and hash_to_field for a prime-order scalar
/// field (RFC 9380 §5.2) as RFC 9591 §6.5 uses it for FROST(secp256k1, SHA-256).
/// </summary>
public static class ExpandMessageXmd
{
    private const int BInBytes = 32; // SHA-256 output
    private const int RInBytes = 64; // SHA-256 block size

    /// <summary>expand_message_xmd(msg, DST, len_in_bytes) with SHA-256.</summary>
    public static byte[] Sha256(ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst, int lengthInBytes)
    {
        // RFC 9380 §5.3.1 steps 1-3 (ell <= 255 also keeps len_in_bytes below 2^16). Checked before
        // computing ell so that huge lengths cannot overflow (checked arithmetic).
        if (lengthInBytes <= 0 || lengthInBytes > 255 * BInBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(lengthInBytes));
        }

        var ell = (lengthInBytes + BInBytes - 1) / BInBytes;

        if (dst.Length > 255)
        {
            throw new ArgumentException("DST longer than 255 bytes must be hashed first (RFC 9380 §5.3.3).", nameof(dst));
        }

        // DST_prime = DST || I2OSP(len(DST), 1)
        Span<byte> dstPrime = stackalloc byte[dst.Length + 1];
        dst.CopyTo(dstPrime);
        dstPrime[^1] = (byte)dst.Length;

        Span<byte> b0 = stackalloc byte[BInBytes];
        using (var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            // msg_prime = Z_pad || msg || l_i_b_str || I2OSP(0, 1) || DST_prime
            Span<byte> zPad = stackalloc byte[RInBytes];
            zPad.Clear();
            h.AppendData(zPad);
            h.AppendData(message);
            Span<byte> lib = [(byte)(lengthInBytes >> 8), (byte)(lengthInBytes & 0xff), 0]; // I2OSP(len_in_bytes, 2)
            h.AppendData(lib);
            h.AppendData(dstPrime);
            h.GetHashAndReset(b0);
        }

        var uniform = new byte[ell * BInBytes];
        Span<byte> bi = stackalloc byte[BInBytes];
        Span<byte> x = stackalloc byte[BInBytes];
        using (var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            for (var i = 1; i <= ell; i++)
            {
                // b_1 = H(b_0 || I2OSP(1, 1) || DST_prime); b_i = H(strxor(b_0, b_(i-1)) || I2OSP(i, 1) || DST_prime)
                if (i == 1)
                {
                    b0.CopyTo(x);
                }
                else
                {
                    for (var j = 0; j < BInBytes; j++)
                    {
                        x[j] = (byte)(b0[j] ^ bi[j]);
                    }
                }

                h.AppendData(x);
                h.AppendData([(byte)i]);
                h.AppendData(dstPrime);
                h.GetHashAndReset(bi);
                bi.CopyTo(uniform.AsSpan((i - 1) * BInBytes));
            }
        }

        CryptographicOperations.ZeroMemory(b0);
        CryptographicOperations.ZeroMemory(bi);
        CryptographicOperations.ZeroMemory(x);
        if (uniform.Length == lengthInBytes)
        {
            return uniform;
        }

        var result = uniform.AsSpan(0, lengthInBytes).ToArray();
        CryptographicOperations.ZeroMemory(uniform);
        return result;
    }
}

using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Conclave.Cli.Keys;

/// <summary>
/// The raw form of a public key from its DER SubjectPublicKeyInfo: the 32-byte key for Ed25519, the
/// compressed point (33 bytes on 256-bit curves) for EC keys. RSA keys have none.
/// </summary>
internal static class RawPublicKey
{
    private const string Ed25519Oid = "1.3.101.112";
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";
    private const string RsaOid = "1.2.840.113549.1.1.1";

    /// <summary>The raw form; <see cref="InvalidOperationException"/> for RSA or an unknown algorithm, <see cref="CryptographicException"/> for malformed DER.</summary>
    internal static byte[] FromSubjectPublicKeyInfo(ReadOnlySpan<byte> spki)
    {
        string oid;
        byte[] key;
        try
        {
            var reader = new AsnReader(spki.ToArray(), AsnEncodingRules.DER);
            var info = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var algorithm = info.ReadSequence();
            oid = algorithm.ReadObjectIdentifier();
            key = info.ReadBitString(out var unused);
            info.ThrowIfNotEmpty();
            if (unused != 0)
            {
                throw new CryptographicException("The public key is not a whole number of bytes.");
            }
        }
        catch (AsnContentException e)
        {
            throw new CryptographicException("The public key is not a DER SubjectPublicKeyInfo.", e);
        }

        return oid switch
        {
            Ed25519Oid when key.Length == 32 => key,
            EcPublicKeyOid => Compress(key),
            RsaOid => throw new InvalidOperationException("RSA keys have no raw form; use the PEM (without --raw)."),
            _ => throw new InvalidOperationException($"No raw form is defined for public keys of algorithm {oid}."),
        };
    }

    /// <summary>An uncompressed SEC 1 point (<c>04 | X | Y</c>) as <c>02|03 | X</c> by the parity of Y.</summary>
    private static byte[] Compress(byte[] point)
    {
        if (point.Length % 2 == 0 || point.Length < 3)
        {
            throw new CryptographicException("The EC public key is not a SEC 1 point.");
        }

        if (point[0] is 0x02 or 0x03)
        {
            return point;
        }

        if (point[0] != 0x04)
        {
            throw new CryptographicException("The EC public key is not a SEC 1 point.");
        }

        var size = (point.Length - 1) / 2;
        var compressed = new byte[1 + size];
        compressed[0] = (byte)(0x02 | (point[^1] & 1));
        point.AsSpan(1, size).CopyTo(compressed.AsSpan(1));
        return compressed;
    }
}

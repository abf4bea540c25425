using System.Security.Cryptography;
using Conclave.Kms.Crypto.Internal;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace Conclave.Kms.Crypto;

/// <summary>
/// GenerateMac and VerifyMac for HMAC_224/256/384/512 keys. HMAC-SHA-224 (absent from .NET) runs on
/// BouncyCastle, whose HMAC state keeps managed copies of the key pads that we cannot wipe; the
/// others use <see cref="HMAC"/> one-shots.
/// </summary>
public static class Macs
{
    /// <summary>The largest message AWS accepts for GenerateMac and VerifyMac.</summary>
    public const int MaxMessageLength = 4096;

    /// <summary>
    /// Computes the full-length HMAC tag. Throws <c>InvalidKeyUsageException</c> when
    /// <paramref name="macAlgorithm"/> does not belong to <paramref name="keySpec"/> and
    /// <c>ValidationException</c> for unknown names or a message over 4096 bytes.
    /// </summary>
    public static byte[] Generate(string keySpec, ReadOnlySpan<byte> material, string macAlgorithm, ReadOnlySpan<byte> message)
    {
        var hash = Resolve(keySpec, material, macAlgorithm, message);
        return Compute(hash, material, message);
    }

    /// <summary>
    /// Checks <paramref name="mac"/> in constant time against the full-length tag. Truncated tags are
    /// rejected (<see langword="false"/>), as in AWS.
    /// </summary>
    public static bool Verify(string keySpec, ReadOnlySpan<byte> material, string macAlgorithm, ReadOnlySpan<byte> message,
        ReadOnlySpan<byte> mac)
    {
        var hash = Resolve(keySpec, material, macAlgorithm, message);
        return VerifyCore(hash, material, message, mac);
    }

    internal static bool VerifyCore(HashAlgorithmName hash, ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> mac)
    {
        var expected = Compute(hash, key, message);
        return mac.Length == expected.Length && CryptographicOperations.FixedTimeEquals(expected, mac);
    }

    internal static byte[] Compute(HashAlgorithmName hash, ReadOnlySpan<byte> key, ReadOnlySpan<byte> message)
    {
        if (hash == HashAlgorithmName.SHA256)
        {
            return HMACSHA256.HashData(key, message);
        }

        if (hash == HashAlgorithmName.SHA384)
        {
            return HMACSHA384.HashData(key, message);
        }

        if (hash == HashAlgorithmName.SHA512)
        {
            return HMACSHA512.HashData(key, message);
        }

        var hmac = new HMac(new Sha224Digest());
        hmac.Init(new KeyParameter(key));
        hmac.BlockUpdate(message);
        var tag = new byte[hmac.GetMacSize()];
        hmac.DoFinal(tag);
        return tag;
    }

    private static HashAlgorithmName Resolve(string keySpec, ReadOnlySpan<byte> material, string? macAlgorithm, ReadOnlySpan<byte> message)
    {
        var spec = KeySpecs.Get(keySpec);
        if (macAlgorithm is null || !MacAlgorithms.All.Contains(macAlgorithm))
        {
            throw Error.NotInEnum(macAlgorithm, "macAlgorithm", MacAlgorithms.All);
        }

        if (!spec.MacAlgorithms.Contains(macAlgorithm))
        {
            throw Error.WrongAlgorithm("MacAlgorithm", macAlgorithm, spec.Name);
        }

        if (material.Length != spec.Bits / 8)
        {
            throw Error.InvalidKeyMaterial(spec.Name);
        }

        if (message.Length > MaxMessageLength)
        {
            throw Error.MessageTooLong("message", MaxMessageLength);
        }

        return spec.Bits switch
        {
            224 => new HashAlgorithmName("SHA224"),
            256 => HashAlgorithmName.SHA256,
            384 => HashAlgorithmName.SHA384,
            _ => HashAlgorithmName.SHA512,
        };
    }
}

using System.Security.Cryptography;
using Conclave.Crypto;

namespace Conclave.Mpc.Storage.Internal;

/// <summary>
/// AES-256-GCM of one stored share under the node data key. Sealed layout (version 1):
/// <c>0x01 | nonce (12) | tag (16) | ciphertext</c>. The associated data binds the share to its
/// node, wallet and key version (<see cref="AssociatedData"/>), so a row copied to another wallet,
/// version or node does not decrypt.
/// </summary>
internal static class ShareCipher
{
    public const byte FormatVersion = 1;
    public const int NonceLength = 12;
    public const int TagLength = 16;
    public const int HeaderLength = 1 + NonceLength + TagLength;

    private const string AadLabel = "conclave/mpc/share-store/share/v1";

    /// <summary>AAD = len‖label ‖ len‖node id ‖ len‖wallet id ‖ key version (u32, big-endian).</summary>
    public static byte[] AssociatedData(string nodeId, string walletId, int keyVersion) =>
        LengthPrefixed.Concat([AadLabel, nodeId, walletId], checked((uint)keyVersion));

    /// <summary>Encrypts <paramref name="share"/> under <paramref name="dataKey"/> with a fresh random nonce.</summary>
    public static byte[] Seal(SecretBytes dataKey, ReadOnlySpan<byte> share, ReadOnlySpan<byte> associatedData)
    {
        var sealedShare = new byte[HeaderLength + share.Length];
        sealedShare[0] = FormatVersion;
        var nonce = sealedShare.AsSpan(1, NonceLength);
        var tag = sealedShare.AsSpan(1 + NonceLength, TagLength);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(dataKey.Span, TagLength);
        aes.Encrypt(nonce, share, sealedShare.AsSpan(HeaderLength), tag, associatedData);
        return sealedShare;
    }

    /// <summary>
    /// Decrypts a sealed share; throws <see cref="CryptographicException"/> (a bare one, with no
    /// detail: the caller adds wallet and version) if it is malformed or fails authentication.
    /// </summary>
    public static SecretBytes Open(SecretBytes dataKey, byte[] sealedShare, byte[] associatedData)
    {
        if (sealedShare.Length < HeaderLength || sealedShare[0] != FormatVersion)
        {
            throw new CryptographicException("The sealed share is malformed.");
        }

        return SecretBytes.Create(
            sealedShare.Length - HeaderLength,
            (dataKey, sealedShare, associatedData),
            static (plaintext, state) =>
            {
                var sealedSpan = state.sealedShare.AsSpan();
                using var aes = new AesGcm(state.dataKey.Span, TagLength);
                aes.Decrypt(
                    sealedSpan.Slice(1, NonceLength),
                    sealedSpan[HeaderLength..],
                    sealedSpan.Slice(1 + NonceLength, TagLength),
                    plaintext,
                    state.associatedData);
            });
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Conclave.Kms.Api;

namespace Conclave.Kms.Envelope;

/// <summary>
/// The ciphertext blob of a symmetric (SYMMETRIC_DEFAULT) key, version 1:
/// <code>
/// 0x01 | tenant length (1) | tenant (ASCII digits) | key id (16, UUID) | key version (4, BE)
///      | salt (32) | nonce (12) | ciphertext | tag (16)
/// </code>
/// The header names the key and version, so Decrypt finds them without a KeyId and old versions
/// keep decrypting after rotation. As AWS does with its HSM backing keys, each message is encrypted
/// under its own key derived from the version's material and a random 256-bit salt (HKDF-SHA256,
/// RFC 5869), so no key ever approaches the AES-GCM limit on random nonces; then AES-256-GCM with
/// associated data = label ‖ header ‖ canonical encryption context.
/// </summary>
public static class CiphertextBlob
{
    /// <summary>The largest plaintext Encrypt accepts, as AWS: 4096 bytes.</summary>
    public const int MaxPlaintext = 4096;

    private const byte FormatVersion = 1;
    private const int KeyIdLength = 16;
    private const int SaltLength = 32;
    private const int NonceLength = 12;
    private const int TagLength = 16;

    private static ReadOnlySpan<byte> AadLabel => "conclave/kms/ciphertext/v1\0"u8;

    private static ReadOnlySpan<byte> KdfInfo => "conclave/kms/ciphertext/v1 message key"u8;

    /// <summary>Encrypts <paramref name="plaintext"/> under <paramref name="material"/> (32 bytes), naming the key in the header.</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> material, string tenant, string keyId, int version, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> encodedContext)
    {
        var headerLength = HeaderLength(tenant);
        var blob = new byte[headerLength + SaltLength + NonceLength + plaintext.Length + TagLength];
        WriteHeader(blob, tenant, keyId, version);
        var salt = blob.AsSpan(headerLength, SaltLength);
        var nonce = blob.AsSpan(headerLength + SaltLength, NonceLength);
        RandomNumberGenerator.Fill(salt);
        RandomNumberGenerator.Fill(nonce);
        Span<byte> messageKey = stackalloc byte[32];
        try
        {
            HKDF.DeriveKey(HashAlgorithmName.SHA256, material, messageKey, salt, KdfInfo);
            using var aes = new AesGcm(messageKey, TagLength);
            var body = headerLength + SaltLength + NonceLength;
            aes.Encrypt(nonce, plaintext, blob.AsSpan(body, plaintext.Length), blob.AsSpan(body + plaintext.Length, TagLength), AssociatedData(blob.AsSpan(0, headerLength), encodedContext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(messageKey);
        }

        return blob;
    }

    /// <summary>
    /// Reads the header: which key and version the blob names. Throws InvalidCiphertextException for
    /// anything that is not a version-1 blob.
    /// </summary>
    public static (string Tenant, string KeyId, int Version) ReadHeader(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < 2 || blob[0] != FormatVersion)
        {
            throw Invalid();
        }

        var tenantLength = blob[1];
        var headerLength = 2 + tenantLength + KeyIdLength + 4;
        if (tenantLength == 0 || blob.Length < headerLength + SaltLength + NonceLength + TagLength)
        {
            throw Invalid();
        }

        var tenantBytes = blob.Slice(2, tenantLength);
        foreach (var b in tenantBytes)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                throw Invalid();
            }
        }

        var keyId = new Guid(blob.Slice(2 + tenantLength, KeyIdLength), bigEndian: true).ToString();
        var version = BinaryPrimitives.ReadInt32BigEndian(blob.Slice(2 + tenantLength + KeyIdLength, 4));
        if (version < 1)
        {
            throw Invalid();
        }

        return (Encoding.ASCII.GetString(tenantBytes), keyId, version);
    }

    /// <summary>
    /// Decrypts a blob whose header named the key <paramref name="material"/> belongs to. Throws
    /// InvalidCiphertextException if the blob was altered or the encryption context differs.
    /// </summary>
    /// <returns>The plaintext in a pinned array; the caller zeroes it.</returns>
    public static byte[] Decrypt(ReadOnlySpan<byte> material, ReadOnlySpan<byte> blob, ReadOnlySpan<byte> encodedContext)
    {
        var headerLength = 2 + blob[1] + KeyIdLength + 4;
        var body = headerLength + SaltLength + NonceLength;
        var plaintextLength = blob.Length - body - TagLength;
        var plaintext = GC.AllocateArray<byte>(plaintextLength, pinned: true);
        Span<byte> messageKey = stackalloc byte[32];
        try
        {
            HKDF.DeriveKey(HashAlgorithmName.SHA256, material, messageKey, blob.Slice(headerLength, SaltLength), KdfInfo);
            using var aes = new AesGcm(messageKey, TagLength);
            aes.Decrypt(blob.Slice(headerLength + SaltLength, NonceLength), blob.Slice(body, plaintextLength), blob.Slice(body + plaintextLength, TagLength), plaintext, AssociatedData(blob[..headerLength], encodedContext));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw Invalid();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(messageKey);
        }
    }

    private static KmsException Invalid() => new(KmsErrorType.InvalidCiphertext, "The ciphertext is invalid, was altered, or its encryption context does not match.");

    private static int HeaderLength(string tenant) => 2 + tenant.Length + KeyIdLength + 4;

    private static void WriteHeader(Span<byte> blob, string tenant, string keyId, int version)
    {
        blob[0] = FormatVersion;
        blob[1] = checked((byte)tenant.Length);
        Encoding.ASCII.GetBytes(tenant, blob.Slice(2, tenant.Length));
        if (!Guid.Parse(keyId).TryWriteBytes(blob.Slice(2 + tenant.Length, KeyIdLength), bigEndian: true, out _))
        {
            throw new InvalidOperationException("Could not encode the key id.");
        }

        BinaryPrimitives.WriteInt32BigEndian(blob.Slice(2 + tenant.Length + KeyIdLength, 4), version);
    }

    private static byte[] AssociatedData(ReadOnlySpan<byte> header, ReadOnlySpan<byte> encodedContext)
    {
        var aad = new byte[AadLabel.Length + header.Length + encodedContext.Length];
        AadLabel.CopyTo(aad);
        header.CopyTo(aad.AsSpan(AadLabel.Length));
        encodedContext.CopyTo(aad.AsSpan(AadLabel.Length + header.Length));
        return aad;
    }
}

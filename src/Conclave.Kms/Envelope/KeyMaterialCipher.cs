using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Conclave.Crypto;

namespace Conclave.Kms.Envelope;

/// <summary>
/// Wraps key material under a tenant key-encryption key: AES-256-GCM, random 96-bit nonce,
/// associated data = label ‖ lp(tenant) ‖ lp(keyId) ‖ version ‖ KEK version, so wrapped material
/// copied to another key, version or tenant does not unwrap. Layout (version 1):
/// <c>0x01 | nonce (12) | tag (16) | ciphertext</c>.
/// </summary>
public static class KeyMaterialCipher
{
    private const byte FormatVersion = 1;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int Overhead = 1 + NonceLength + TagLength;

    private static ReadOnlySpan<byte> Label => "conclave/kms/key-material/v1\0"u8;

    /// <summary>Wraps <paramref name="material"/>.</summary>
    public static byte[] Wrap(SecretBytes kek, int kekVersion, string tenant, string keyId, int version, ReadOnlySpan<byte> material)
    {
        ArgumentNullException.ThrowIfNull(kek);
        var wrapped = new byte[Overhead + material.Length];
        wrapped[0] = FormatVersion;
        var nonce = wrapped.AsSpan(1, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(kek.Span, TagLength);
        aes.Encrypt(nonce, material, wrapped.AsSpan(Overhead), wrapped.AsSpan(1 + NonceLength, TagLength), AssociatedData(kekVersion, tenant, keyId, version));
        return wrapped;
    }

    /// <summary>Unwraps material; throws <see cref="CryptographicException"/> if it was altered or belongs elsewhere.</summary>
    public static SecretBytes Unwrap(SecretBytes kek, int kekVersion, string tenant, string keyId, int version, byte[] wrapped)
    {
        ArgumentNullException.ThrowIfNull(kek);
        ArgumentNullException.ThrowIfNull(wrapped);
        if (wrapped.Length < Overhead || wrapped[0] != FormatVersion)
        {
            throw new CryptographicException($"The stored material of key '{keyId}' version {version} is malformed.");
        }

        var associatedData = AssociatedData(kekVersion, tenant, keyId, version);
        try
        {
            return SecretBytes.Create(
                wrapped.Length - Overhead,
                (kek, wrapped, associatedData),
                static (plaintext, state) =>
                {
                    using var aes = new AesGcm(state.kek.Span, TagLength);
                    var w = state.wrapped.AsSpan();
                    aes.Decrypt(w.Slice(1, NonceLength), w[Overhead..], w.Slice(1 + NonceLength, TagLength), plaintext, state.associatedData);
                });
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new CryptographicException($"The stored material of key '{keyId}' version {version} does not unwrap: it was altered, or moved from another key.", e);
        }
    }

    private static byte[] AssociatedData(int kekVersion, string tenant, string keyId, int version)
    {
        var tenantBytes = Encoding.UTF8.GetBytes(tenant);
        var keyBytes = Encoding.UTF8.GetBytes(keyId);
        var aad = new byte[Label.Length + 4 + tenantBytes.Length + 4 + keyBytes.Length + 8];
        var span = aad.AsSpan();
        Label.CopyTo(span);
        span = span[Label.Length..];
        BinaryPrimitives.WriteInt32BigEndian(span, tenantBytes.Length);
        tenantBytes.CopyTo(span[4..]);
        span = span[(4 + tenantBytes.Length)..];
        BinaryPrimitives.WriteInt32BigEndian(span, keyBytes.Length);
        keyBytes.CopyTo(span[4..]);
        span = span[(4 + keyBytes.Length)..];
        BinaryPrimitives.WriteInt32BigEndian(span, version);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], kekVersion);
        return aad;
    }
}

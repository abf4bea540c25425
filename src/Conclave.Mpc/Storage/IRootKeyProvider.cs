using Conclave.Crypto;

namespace Conclave.Mpc.Storage;

/// <summary>
/// The node's root of trust for stored secrets: it wraps (encrypts and authenticates) the node's
/// 32-byte data key, so the share store keeps only the wrapped form on disk. The root key itself
/// never leaves the provider. Implementations: <see cref="SoftwareRootKeyProvider"/> (a key file,
/// for development) and <see cref="Pkcs11RootKeyProvider"/> (an AES-256 key in an HSM). Both live
/// here, below Conclave.Kms, so that MPC nodes and the KMS use the same providers.
/// </summary>
public interface IRootKeyProvider
{
    /// <summary>
    /// Wraps <paramref name="dataKey"/> (32 bytes) under the root key, bound to
    /// <paramref name="context"/>: unwrapping succeeds only with the same context.
    /// </summary>
    /// <returns>The wrapped key; not secret, safe to store.</returns>
    ValueTask<byte[]> WrapAsync(SecretBytes dataKey, ReadOnlyMemory<byte> context, CancellationToken cancellationToken = default);

    /// <summary>
    /// Unwraps a key produced by <see cref="WrapAsync"/> with the same <paramref name="context"/>.
    /// Throws <see cref="System.Security.Cryptography.CryptographicException"/> if the root key is
    /// not the one that wrapped it, or the wrapped key or context was altered.
    /// </summary>
    /// <returns>The data key; the caller disposes it.</returns>
    ValueTask<SecretBytes> UnwrapAsync(ReadOnlyMemory<byte> wrappedKey, ReadOnlyMemory<byte> context, CancellationToken cancellationToken = default);
}

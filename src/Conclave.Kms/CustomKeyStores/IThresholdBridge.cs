namespace Conclave.Kms.CustomKeyStores;

/// <summary>
/// The MPC cluster's bridge API as the KMS uses it (docs/bridge-api.md): health, keygen and sign.
/// Implementations return what the bridge answered, decoded but not yet checked against keys; the
/// service validates every value (lengths, points on the curve, signatures) before using it.
/// Failures are <see cref="ThresholdBridgeException"/>s whose messages carry no request data.
/// </summary>
public interface IThresholdBridge
{
    /// <summary><c>GET /health</c>: the node ids the bridge reports, each with whether it is reachable.</summary>
    ValueTask<IReadOnlyList<(string Id, bool Reachable)>> HealthAsync(Uri bridge, CancellationToken cancellationToken = default);

    /// <summary><c>POST /keygen</c>: runs distributed key generation and answers the wallet's public key (hex decoded).</summary>
    ValueTask<byte[]> KeygenAsync(Uri bridge, string walletId, string keyType, int threshold, int totalParties, CancellationToken cancellationToken = default);

    /// <summary>
    /// <c>GET /pubkey/{walletID}</c>: the wallet's public key (hex decoded). A wallet the cluster does
    /// not know fails with <see cref="ThresholdBridgeFailure.WalletNotFound"/>.
    /// </summary>
    ValueTask<byte[]> PublicKeyAsync(Uri bridge, string walletId, string keyType, CancellationToken cancellationToken = default);

    /// <summary>
    /// <c>POST /sign</c>; answers the signature (hex decoded). With <paramref name="payloadIsHash"/>,
    /// <paramref name="payload"/> is a 32-byte hash for a secp256k1 wallet (<c>messageHash</c>: the
    /// nodes make a fresh presignature for it). Otherwise it is the message itself: ed25519 signs it,
    /// and for secp256k1 every node hashes it with SHA-256 (<c>message</c> with <c>"hash":"sha256"</c>),
    /// which lets the cluster use a pooled presignature (CVE-2025-66017: a pooled presignature never
    /// meets a hash the caller chose).
    /// </summary>
    ValueTask<byte[]> SignAsync(Uri bridge, string walletId, string keyType, ReadOnlyMemory<byte> payload, bool payloadIsHash, CancellationToken cancellationToken = default);
}

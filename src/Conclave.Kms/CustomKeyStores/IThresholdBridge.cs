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
    /// <c>POST /sign</c>: <paramref name="payload"/> is the 32-byte message hash for secp256k1 wallets
    /// and the message itself for ed25519 wallets; answers the signature (hex decoded).
    /// </summary>
    ValueTask<byte[]> SignAsync(Uri bridge, string walletId, string keyType, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default);
}

namespace Conclave.Mpc.Coordination;

/// <summary>A verified threshold signature.</summary>
/// <param name="WalletId">The wallet.</param>
/// <param name="KeyType">The wallet's key type.</param>
/// <param name="Signature">Lowercase hex: r‖s (64 bytes, low s) for secp256k1, the 64-byte Ed25519 signature for ed25519.</param>
/// <param name="Signers">The nodes that signed, ordinal order.</param>
/// <param name="RecoveryId">secp256k1: the recovery id v (0 or 1); ed25519: null.</param>
public sealed record SignResult(string WalletId, string KeyType, string Signature, IReadOnlyList<string> Signers, int? RecoveryId);

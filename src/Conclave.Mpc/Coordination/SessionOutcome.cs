namespace Conclave.Mpc.Coordination;

/// <summary>What one node reports at the end of a session it ran.</summary>
/// <param name="NodeId">The reporting node.</param>
/// <param name="PublicKey">The wallet's group public key, lowercase hex.</param>
/// <param name="Signature">Sign: the signature this node computed and verified, lowercase hex (64 bytes r‖s for secp256k1, 64 bytes for Ed25519); keygen: null.</param>
/// <param name="RecoveryId">Sign on secp256k1: the recovery id (0 or 1); otherwise null.</param>
/// <param name="PresignatureId">Presign: the id of the presignature this node stored (lowercase hex, public); otherwise null.</param>
public sealed record SessionOutcome(string NodeId, string PublicKey, string? Signature, int? RecoveryId, string? PresignatureId = null);

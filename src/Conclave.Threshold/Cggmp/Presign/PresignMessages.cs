namespace Conclave.Threshold.Cggmp.Presign;

/// <summary>
/// Round 1 (to each other signer): K_i = Enc_i(k_i), G_i = Enc_i(γ_i) — the same for every
/// recipient — and Π^enc for K_i under the recipient's ring-Pedersen parameters.
/// </summary>
public sealed record PresignRound1Message(SessionId Session, ParticipantId Sender, ParticipantId Recipient, byte[] K, byte[] G, byte[] EncProof)
    : ProtocolMessage(Session, Sender, 1);

/// <summary>
/// Round 2 (to each other signer): Γ_i, the MtA ciphertexts D, F (for γ_i) and D̂, F̂ (for x_i)
/// with their Π^aff-g proofs, Π^log* for G_i, and the echo of every signer's (K, G) digest.
/// </summary>
public sealed record PresignRound2Message(
    SessionId Session, ParticipantId Sender, ParticipantId Recipient, byte[] Gamma, byte[] D, byte[] F, byte[] DHat, byte[] FHat,
    byte[] AffineProof, byte[] AffineProofHat, byte[] LogStarProof, IReadOnlyList<byte[]> Echo)
    : ProtocolMessage(Session, Sender, 2);

/// <summary>
/// Round 3 (to each other signer): δ_i, Δ_i = k_i·Γ with Π^log*, S_i = χ_i·Γ (for checking partial
/// signatures), and the echo of every signer's Γ_j.
/// </summary>
public sealed record PresignRound3Message(SessionId Session, ParticipantId Sender, ParticipantId Recipient, byte[] Delta, byte[] BigDelta, byte[] S, byte[] LogStarProof, IReadOnlyList<byte[]> GammaEcho)
    : ProtocolMessage(Session, Sender, 3);

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

/// <summary>
/// One MtA pair of presigning (the γ instance): D = K_receiver^γ_sender · Enc_receiver(−β) and
/// F = Enc_sender(−β), as one party of the pair reports it in the identification round.
/// </summary>
public sealed record PresignMtaClaim(ParticipantId Peer, byte[] D, byte[] F);

/// <summary>
/// The identification round (round 4, sent to every other signer only when δ·G ≠ ΣΔ_j although
/// every proof verified; paper Fig. 7, "Output" 2): H_i = K_i^γ_i·ρ^N with Π^mul for (G_i, K_i, H_i);
/// the γ-MtA pairs the sender sent (<see cref="Sent"/>, peer = receiver) and received
/// (<see cref="Received"/>, peer = sender), one per other signer in signer order; and Π^dec, under
/// the recipient's ring-Pedersen parameters, that U_i = H_i·Π_j D_{j→i}·Π_j F_{i→j}⁻¹ decrypts to δ_i
/// mod q. <see cref="AffineProofs"/> re-proves (Π^aff-g, under the recipient's parameters) each
/// pair the sender sent to a third signer, in signer order, skipping the recipient (which verified
/// its own pair in round 2). Everything but <see cref="AffineProofs"/> and <see cref="DecProof"/>
/// is the same for every recipient (a broadcast).
/// </summary>
public sealed record PresignIdentificationMessage(
    SessionId Session, ParticipantId Sender, ParticipantId Recipient, byte[] H, byte[] MulProof,
    IReadOnlyList<PresignMtaClaim> Sent, IReadOnlyList<PresignMtaClaim> Received, IReadOnlyList<byte[]> AffineProofs, byte[] DecProof)
    : ProtocolMessage(Session, Sender, 4);

/// <summary>
/// The χ identification round (round 4, sent to every other signer only when δ·G = ΣΔ_j but
/// δ·X ≠ ΣS_j although every proof verified; the paper's signing-time identification, Fig. 8):
/// <see cref="Sigma"/> σ_i = k_i·m + r·χ_i for the round's public message m (the presignature is
/// discarded); Ĥ_i = K_i^{x_i}·ρ^N; the χ-MtA pairs (D̂, F̂) the sender sent (<see cref="Sent"/>,
/// peer = receiver) and received (<see cref="Received"/>, peer = sender), one per other signer in
/// signer order; and, under the recipient's ring-Pedersen parameters, Π^mul* for (K_i, Ĥ_i, X_i),
/// Π^dec that K_i^m·Û_i^r with Û_i = Ĥ_i·Π_j D̂_{j→i}·Π_j F̂_{i→j}⁻¹ decrypts to σ_i mod q, and the
/// Π^aff-g re-proofs (<see cref="AffineProofs"/>) of each pair the sender sent to a third signer, in
/// signer order, skipping the recipient. Everything but the three proof fields is the same for
/// every recipient.
/// </summary>
public sealed record PresignChiIdentificationMessage(
    SessionId Session, ParticipantId Sender, ParticipantId Recipient, byte[] Sigma, byte[] HHat,
    IReadOnlyList<PresignMtaClaim> Sent, IReadOnlyList<PresignMtaClaim> Received, IReadOnlyList<byte[]> AffineProofs, byte[] MulStarProof, byte[] DecProof)
    : ProtocolMessage(Session, Sender, 4);

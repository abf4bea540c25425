namespace Conclave.Threshold.Cggmp.AuxInfo;

/// <summary>Round 1 broadcast: the hash commitment V_i to the party's auxiliary information.</summary>
public sealed record AuxCommitMessage(SessionId Session, ParticipantId Sender, byte[] Commitment)
    : ProtocolMessage(Session, Sender, 1);

/// <summary>Round 2 broadcast (reliability check): the round-1 commitments received, in participant order.</summary>
public sealed record AuxEchoMessage(SessionId Session, ParticipantId Sender, IReadOnlyList<byte[]> Commitments)
    : ProtocolMessage(Session, Sender, 2);

/// <summary>
/// Round 3 broadcast: the Paillier modulus N_i, ring-Pedersen parameters (s_i, t_i) with their
/// proof Π^prm, and the randomness ρ_i and nonce u_i that open V_i. Integers are unsigned
/// big-endian; the proof is in its versioned encoding.
/// </summary>
public sealed record AuxRevealMessage(SessionId Session, ParticipantId Sender, byte[] Modulus, byte[] S, byte[] T, byte[] ParametersProof, byte[] Rho, byte[] Nonce)
    : ProtocolMessage(Session, Sender, 3);

/// <summary>Round 4 point-to-point: Π^mod for N_i (the same for every recipient) and Π^fac for N_i under the recipient's ring-Pedersen parameters.</summary>
public sealed record AuxProofMessage(SessionId Session, ParticipantId Sender, ParticipantId Recipient, byte[] ModulusProof, byte[] FactorProof)
    : ProtocolMessage(Session, Sender, 4);

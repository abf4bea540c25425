namespace Conclave.Threshold;

/// <summary>Which check made a protocol abort. Each case names a check a cheating party can fail.</summary>
public enum AbortReason
{
    /// <summary>A FROST signature share failed verification (RFC 9591 §5.4).</summary>
    InvalidSignatureShare,

    /// <summary>A DKG proof of knowledge of the constant term failed (FROST KeyGen round 1, step 5).</summary>
    InvalidProofOfKnowledge,

    /// <summary>A DKG secret share did not match the dealer's VSS commitment (FROST KeyGen round 2, step 2): a complaint.</summary>
    InvalidSecretShare,

    /// <summary>A message was malformed: bad length, non-canonical scalar, invalid element, wrong commitment count.</summary>
    MalformedMessage,

    /// <summary>A participant sent two different messages for the same round.</summary>
    Equivocation,

    /// <summary>An expected message is missing, or a message came from an unexpected participant.</summary>
    UnexpectedParticipant,

    /// <summary>A revealed value does not match the hash commitment the participant sent earlier.</summary>
    InvalidDecommitment,

    /// <summary>A Schnorr proof of knowledge (Π^sch) failed.</summary>
    InvalidSchnorrProof,

    /// <summary>Ring-Pedersen parameters or their proof Π^prm are invalid.</summary>
    InvalidRingPedersenProof,

    /// <summary>The Paillier-Blum modulus proof Π^mod failed.</summary>
    InvalidModulusProof,

    /// <summary>The no-small-factor proof Π^fac failed.</summary>
    InvalidFactorProof,

    /// <summary>Π^enc (a Paillier ciphertext encrypts a value in range) failed.</summary>
    InvalidEncryptionProof,

    /// <summary>Π^aff-g (an MtA affine operation is well formed and in range) failed.</summary>
    InvalidAffineOperationProof,

    /// <summary>Π^log* (a group element matches a Paillier plaintext) failed.</summary>
    InvalidLogStarProof,

    /// <summary>Presigning values are inconsistent (δ·G ≠ ΣΔ_j or δ·X ≠ ΣS_j) although every proof verified, and no one could be named.</summary>
    InconsistentPresignature,

    /// <summary>The combined signature does not verify (a partial signature is wrong).</summary>
    InvalidPartialSignature,

    /// <summary>Π^mul (a Paillier ciphertext encrypts the product of two others' plaintexts) failed: CGGMP21 presigning identification, H_i = enc(k_i·γ_i).</summary>
    InvalidMultiplicationProof,

    /// <summary>Π^dec (a Paillier ciphertext decrypts to a given value mod q) failed: CGGMP21 presigning identification, δ_i.</summary>
    InvalidDecryptionProof,

    /// <summary>An echo carried a statement that does not bear its claimed signer's signature: the echoer forged or altered it (echo broadcast, docs/design/cggmp-sessions.md).</summary>
    InvalidEchoedStatement,
}

using Conclave.Crypto.Groups;

namespace Conclave.Threshold.Cggmp.Presign;

/// <summary>
/// The public part of a presignature, the same at every signer: R = δ⁻¹·Γ, Γ, and for every signer
/// j its commitments Δ_j = k_j·Γ and S_j = χ_j·Γ. Whoever combines partial signatures uses it to
/// name the signer of a wrong one: an honest σ_j satisfies σ_j·Γ = m·Δ_j + r·S_j (the Lockness
/// implementation spec's "Presignature public data" with the δ⁻¹ factor left out of both sides).
/// </summary>
public sealed class PresignaturePublicData
{
    internal PresignaturePublicData(SessionId session, IReadOnlyList<ParticipantId> signers, Element r, Element gamma, Element publicKey, IReadOnlyDictionary<ParticipantId, PresignatureCommitment> commitments)
    {
        Session = session;
        Signers = signers;
        R = r;
        Gamma = gamma;
        PublicKey = publicKey;
        Commitments = commitments;
    }

    /// <summary>The presigning session.</summary>
    public SessionId Session { get; }

    /// <summary>The signer set, in participant order.</summary>
    public IReadOnlyList<ParticipantId> Signers { get; }

    /// <summary>R = δ⁻¹·Γ.</summary>
    public Element R { get; }

    /// <summary>Γ = Σ γ_j·G.</summary>
    public Element Gamma { get; }

    /// <summary>The public key the signature verifies under.</summary>
    public Element PublicKey { get; }

    /// <summary>(Δ_j, S_j) for every signer.</summary>
    public IReadOnlyDictionary<ParticipantId, PresignatureCommitment> Commitments { get; }
}

/// <summary>One signer's presignature commitments: Δ_j = k_j·Γ (proven by Π^log* against K_j) and S_j = χ_j·Γ.</summary>
public sealed record PresignatureCommitment(Element Delta, Element S);

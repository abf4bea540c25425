using Conclave.Crypto.Groups;
using Conclave.Crypto.Transcripts;

namespace Conclave.Threshold.Cggmp.Presign;

/// <summary>
/// The public part of a presignature, the same at every signer: δ, R = δ⁻¹·Γ, Γ, and for every
/// signer j its commitments Δ_j = k_j·Γ and S_j = χ_j·Γ. Whoever combines partial signatures uses it to
/// name the signer of a wrong one: an honest σ_j satisfies σ_j·Γ = m·Δ_j + r·S_j (the Lockness
/// implementation spec's "Presignature public data" with the δ⁻¹ factor left out of both sides).
/// </summary>
public sealed class PresignaturePublicData
{
    private readonly byte[] _delta;

    internal PresignaturePublicData(SessionId session, IReadOnlyList<ParticipantId> signers, ReadOnlySpan<byte> delta, Element r, Element gamma, Element publicKey, IReadOnlyDictionary<ParticipantId, PresignatureCommitment> commitments)
    {
        Session = session;
        Signers = signers;
        _delta = delta.ToArray();
        R = r;
        Gamma = gamma;
        PublicKey = publicKey;
        Commitments = commitments;
        Id = ComputeId(session, signers, r);
    }

    /// <summary>
    /// The presignature's identifier, H(session, signers, R): the same at every signer, and what a
    /// <see cref="IPresignatureLedger"/> records so that a presignature restored from a backup cannot sign again.
    /// </summary>
    public byte[] Id { get; }

    /// <summary>δ = Σδ_j (public: every signer broadcast its δ_j), 32 bytes.</summary>
    public ReadOnlySpan<byte> Delta => _delta;

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

    private static byte[] ComputeId(SessionId session, IReadOnlyList<ParticipantId> signers, Element r)
    {
        using var t = new Transcript("conclave/cggmp21/presignature-id/v1");
        t.Append("sid", session.Bytes);
        foreach (var s in signers)
        {
            t.Append("signer", s.Value);
        }

        t.Append("R", r);
        var id = new byte[32];
        t.ChallengeBytes("id", id);
        return id;
    }
}

/// <summary>One signer's presignature commitments: Δ_j = k_j·Γ (proven by Π^log* against K_j) and S_j = χ_j·Γ.</summary>
public sealed record PresignatureCommitment(Element Delta, Element S);

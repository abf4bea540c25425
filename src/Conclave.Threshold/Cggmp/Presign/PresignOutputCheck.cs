namespace Conclave.Threshold.Cggmp.Presign;

/// <summary>
/// The output check of presigning that failed although every proof verified, which decides the
/// identification round every signer runs (docs/protocols/cggmp21.md, "Identification step").
/// </summary>
public enum PresignOutputCheck
{
    /// <summary>No output check failed (or none ran yet).</summary>
    None,

    /// <summary>δ·G ≠ ΣΔ_j: <see cref="PresignParty.IdentificationRound"/> and <see cref="PresignParty.Identify"/> (paper Fig. 7, "Output" 2).</summary>
    Delta,

    /// <summary>
    /// δ·G = ΣΔ_j but δ·X ≠ ΣS_j: <see cref="PresignParty.ChiIdentificationRound(ReadOnlySpan{byte})"/> and
    /// <see cref="PresignParty.IdentifyChi"/> (the paper's signing-time identification, Fig. 8).
    /// When some signer reports <see cref="Delta"/>, every signer runs that round instead.
    /// </summary>
    Chi,
}

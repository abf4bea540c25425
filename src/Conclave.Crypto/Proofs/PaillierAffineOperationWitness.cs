using System.Diagnostics;
using Conclave.Crypto.BigNumbers;

namespace Conclave.Crypto.Proofs;

/// <summary>
/// The secret witness of <see cref="PaillierAffineOperationProof"/>: x ∈ ±2^ℓ, y ∈ ±2^ℓ',
/// ρ ∈ Z*_N₀ (the randomness of D's encryption of y) and ρ_y ∈ Z*_N₁ (Y's randomness). Holds copies,
/// wiped on dispose.
/// </summary>
[DebuggerDisplay("PaillierAffineOperationWitness(redacted)")]
public sealed class PaillierAffineOperationWitness : IDisposable
{
    /// <summary>Copies x, y, ρ and ρ_y.</summary>
    public PaillierAffineOperationWitness(GmpInteger x, GmpInteger y, GmpInteger rho, GmpInteger rhoY)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(rho);
        ArgumentNullException.ThrowIfNull(rhoY);
        X = x.Clone();
        Y = y.Clone();
        Rho = rho.Clone();
        RhoY = rhoY.Clone();
    }

    /// <summary>x (secret).</summary>
    internal GmpInteger X { get; }

    /// <summary>y (secret).</summary>
    internal GmpInteger Y { get; }

    /// <summary>ρ mod N₀ (secret).</summary>
    internal GmpInteger Rho { get; }

    /// <summary>ρ_y mod N₁ (secret).</summary>
    internal GmpInteger RhoY { get; }

    /// <summary>Wipes every secret.</summary>
    public void Dispose()
    {
        X.Dispose();
        Y.Dispose();
        Rho.Dispose();
        RhoY.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => "<redacted>";
}

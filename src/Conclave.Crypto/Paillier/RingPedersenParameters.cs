using Conclave.Crypto.BigNumbers;

namespace Conclave.Crypto.Paillier;

/// <summary>
/// Ring-Pedersen commitment parameters (N̂, s, t) with s, t ∈ Z*_N̂ and s ∈ ⟨t⟩ (CGGMP21's
/// ring-Pedersen parameters from the aux-info phase): commitments are s^x · t^y mod N̂. Public.
/// </summary>
public sealed class RingPedersenParameters : IDisposable
{
    /// <summary>Creates the parameters (copies the numbers).</summary>
    public RingPedersenParameters(GmpInteger modulus, GmpInteger s, GmpInteger t)
    {
        ArgumentNullException.ThrowIfNull(modulus);
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(t);
        N = modulus.Clone();
        S = s.Clone();
        T = t.Clone();
    }

    /// <summary>N̂.</summary>
    public GmpInteger N { get; }

    /// <summary>s = t^λ mod N̂.</summary>
    public GmpInteger S { get; }

    /// <summary>t, a random quadratic residue.</summary>
    public GmpInteger T { get; }

    /// <summary>s^x · t^y mod N̂ for public or secret x, y (constant-time exponentiation; negative exponents use inverses).</summary>
    public GmpInteger Commit(GmpInteger x, GmpInteger y)
    {
        using var sx = GmpInteger.PowModSecret(S, x, N);
        using var ty = GmpInteger.PowModSecret(T, y, N);
        return GmpInteger.MultiplyMod(sx, ty, N);
    }

    /// <summary>Whether s and t are in Z*_N̂, in (1, N̂), and distinct (cheap structural checks before any proof).</summary>
    public bool IsWellFormed()
    {
        if (N.CompareTo(3) < 0 || !N.IsOdd)
        {
            return false;
        }

        foreach (var x in new[] { S, T })
        {
            if (x.CompareTo(1) <= 0 || x.CompareTo(N) >= 0)
            {
                return false;
            }

            using var g = GmpInteger.Gcd(x, N);
            if (g.CompareTo(1) != 0)
            {
                return false;
            }
        }

        return S.CompareTo(T) != 0;
    }

    /// <summary>Frees the native numbers.</summary>
    public void Dispose()
    {
        N.Dispose();
        S.Dispose();
        T.Dispose();
    }
}

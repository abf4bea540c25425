using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Random;

namespace Conclave.Crypto.Paillier;

/// <summary>
/// A Paillier public key N with generator 1 + N: Enc(m; ρ) = (1 + N)^m · ρ^N mod N² = (1 + mN) · ρ^N mod N².
/// Plaintexts are integers taken modulo N; ciphertexts must lie in Z*_{N²}.
/// </summary>
public sealed class PaillierPublicKey : IDisposable
{
    /// <summary>Creates the key from a modulus (public).</summary>
    public PaillierPublicKey(GmpInteger modulus)
    {
        ArgumentNullException.ThrowIfNull(modulus);
        if (modulus.CompareTo(3) < 0 || !modulus.IsOdd)
        {
            throw new ArgumentException("A Paillier modulus is an odd integer above 2.", nameof(modulus));
        }

        N = modulus.Clone();
        NSquared = GmpInteger.Multiply(N, N);
    }

    /// <summary>N.</summary>
    public GmpInteger N { get; }

    /// <summary>N².</summary>
    public GmpInteger NSquared { get; }

    /// <summary>Bits in N.</summary>
    public int Bits => N.BitLength;

    /// <summary>Enc(m; ρ) for ρ ∈ Z*_N (ρ is the caller's secret randomness). m may be negative.</summary>
    public GmpInteger Encrypt(GmpInteger message, GmpInteger rho)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(rho);
        CheckRandomness(rho);

        // (1 + N)^m = 1 + mN mod N² (binomial theorem); ρ^N with a secret base but the public
        // exponent N: mpz_powm's sequence of squarings, multiplications and table reads is
        // determined by the exponent alone, so the variable-time routine (a third faster than
        // mpz_powm_sec here) reveals nothing about ρ.
        using var m = GmpInteger.Mod(message, N);
        using var mn = GmpInteger.Multiply(m, N);
        using var one = GmpInteger.FromUInt64(1);
        using var g = GmpInteger.Add(mn, one);
        using var rn = GmpInteger.PowModPublic(rho, N, NSquared);
        return GmpInteger.MultiplyMod(g, rn, NSquared);
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless ρ ∈ Z*_N.</summary>
    internal void CheckRandomness(GmpInteger rho)
    {
        ArgumentNullException.ThrowIfNull(rho);
        using var g = GmpInteger.Gcd(rho, N);
        if (rho.CompareTo(0) <= 0 || rho.CompareTo(N) >= 0 || g.CompareTo(1) != 0)
        {
            throw new ArgumentException("ρ must be in Z*_N.", nameof(rho));
        }
    }

    /// <summary>Enc(m) with fresh ρ ∈ Z*_N; returns the ciphertext and ρ (the caller disposes both).</summary>
    public (GmpInteger Ciphertext, GmpInteger Rho) Encrypt(GmpInteger message, IRandomSource? random = null)
    {
        var rho = RandomUnit(random ?? SystemRandomSource.Instance);
        return (Encrypt(message, rho), rho);
    }

    /// <summary>A uniform element of Z*_N.</summary>
    public GmpInteger RandomUnit(IRandomSource random)
    {
        while (true)
        {
            var r = GmpInteger.RandomBelow(N, random);
            using var g = GmpInteger.Gcd(r, N);
            if (!r.IsZero && g.CompareTo(1) == 0)
            {
                return r;
            }

            r.Dispose();
        }
    }

    /// <summary>
    /// Whether c is a valid ciphertext: 0 &lt; c &lt; N² and gcd(c, N) = 1. Every received ciphertext
    /// is checked with this before use (a value outside Z*_{N²} is how Alpha-Rays-class attacks start).
    /// </summary>
    public bool IsValidCiphertext(GmpInteger ciphertext)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        if (ciphertext.CompareTo(0) <= 0 || ciphertext.CompareTo(NSquared) >= 0)
        {
            return false;
        }

        using var g = GmpInteger.Gcd(ciphertext, N);
        return g.CompareTo(1) == 0;
    }

    /// <summary>Homomorphic addition: Enc(a + b) = c1 · c2 mod N².</summary>
    public GmpInteger Add(GmpInteger c1, GmpInteger c2) => GmpInteger.MultiplyMod(c1, c2, NSquared);

    /// <summary>Homomorphic scalar multiplication: Enc(k · a) = c^k mod N² (k may be negative; secret k uses the constant-time path).</summary>
    public GmpInteger Multiply(GmpInteger ciphertext, GmpInteger k) => GmpInteger.PowModSecret(ciphertext, k, NSquared);

    /// <summary>Frees the native numbers.</summary>
    public void Dispose()
    {
        N.Dispose();
        NSquared.Dispose();
    }
}

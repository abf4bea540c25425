using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Transcripts;

namespace Conclave.Crypto.Proofs;

/// <summary>Small checks and clean-up shared by the proofs.</summary>
internal static class ProofHelpers
{
    /// <summary>The challenge e ← ±q (q the secp256k1 order) drawn from a transcript that holds every public input.</summary>
    public static GmpInteger CurveOrderChallenge(Transcript transcript)
    {
        using var order = Cggmp21Parameters.CreateCurveOrder();
        return transcript.ChallengeSigned("e", order);
    }

    /// <summary>Whether value ∈ Z*_modulus: 0 &lt; value &lt; modulus and gcd(value, modulus) = 1.</summary>
    public static bool IsUnit(GmpInteger value, GmpInteger modulus)
    {
        if (!IsInOpenRange(value, modulus))
        {
            return false;
        }

        using var g = GmpInteger.Gcd(value, modulus);
        return g.CompareTo(1) == 0;
    }

    /// <summary>Whether 0 &lt; value &lt; modulus.</summary>
    public static bool IsInOpenRange(GmpInteger value, GmpInteger modulus) => value.CompareTo(0) > 0 && value.CompareTo(modulus) < 0;

    /// <summary>Whether value ∈ ±bound, i.e. |value| ≤ bound.</summary>
    public static bool IsInSymmetricRange(GmpInteger value, GmpInteger bound) => value.CompareMagnitude(bound) <= 0;

    /// <summary>Rejects an empty context: every proof must be bound to a session and a prover.</summary>
    public static void ThrowIfEmpty(ReadOnlySpan<byte> context)
    {
        if (context.IsEmpty)
        {
            throw new ArgumentException("The context must bind the session and the prover; it cannot be empty.", nameof(context));
        }
    }

    /// <summary>Disposes every non-null value.</summary>
    public static void DisposeAll(GmpInteger?[] values)
    {
        foreach (var v in values)
        {
            v?.Dispose();
        }
    }

    /// <summary>b1^e1 · b2^e2 mod n with secret exponents (constant-time exponentiation; negative exponents use inverses).</summary>
    public static GmpInteger MultiExpSecret(GmpInteger b1, GmpInteger e1, GmpInteger b2, GmpInteger e2, GmpInteger n)
    {
        using var x = GmpInteger.PowModSecret(b1, e1, n);
        using var y = GmpInteger.PowModSecret(b2, e2, n);
        return GmpInteger.MultiplyMod(x, y, n);
    }

    /// <summary>
    /// b1^e1 · b2^e2 mod n with public exponents (the bases must be units when an exponent is
    /// negative); by CRT when <paramref name="trapdoor"/> is the secret key of n (n = N or N²).
    /// </summary>
    public static GmpInteger MultiExpPublic(GmpInteger b1, GmpInteger e1, GmpInteger b2, GmpInteger e2, GmpInteger n, PaillierSecretKey? trapdoor = null)
    {
        using var x = PowPublic(b1, e1, n, trapdoor);
        using var y = PowPublic(b2, e2, n, trapdoor);
        return GmpInteger.MultiplyMod(x, y, n);
    }

    /// <summary>
    /// b^e mod n for a public e and a unit b; by CRT when <paramref name="trapdoor"/> is the
    /// verifier's own secret key and n is its N or N² (same result, several times faster).
    /// </summary>
    public static GmpInteger PowPublic(GmpInteger b, GmpInteger e, GmpInteger n, PaillierSecretKey? trapdoor) =>
        trapdoor?.TryPowMod(b, e, n) ?? GmpInteger.PowModPublic(b, e, n);
}

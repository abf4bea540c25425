using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Proofs;
using Conclave.Crypto.Random;

namespace Conclave.Crypto.Tests.Proofs;

/// <summary>
/// A cheating Π^mod prover for moduli that are not Paillier-Blum (a prime, three primes, a factor
/// ≡ 1 mod 4). It knows the factorization and does its best with it: it picks w with (w/N) = -1,
/// derives the real Fiat-Shamir challenges, and for each y_i tries the four (a_i, b_i) until
/// (-1)^a_i w^b_i y_i is a square modulo every factor, then takes 4th roots factor by factor
/// (exponent ((r+1)/4)², right for r ≡ 3 mod 4) and combines them by CRT; z_i = y_i^(N^-1 mod φ).
/// Where no choice works it sends x_i = 1.
/// </summary>
internal static class DishonestModulusProver
{
    public static PaillierBlumModulusProof Prove(byte[] context, GmpInteger n, IReadOnlyList<GmpInteger> primes)
    {
        var w = SampleW(n);
        var ys = PaillierBlumModulusProof.DeriveChallenges(context, n, w, Cggmp21Parameters.M);
        var x = new GmpInteger[ys.Length];
        var z = new GmpInteger[ys.Length];
        var a = new bool[ys.Length];
        var b = new bool[ys.Length];
        using var one = GmpInteger.FromUInt64(1);
        using var phi = Phi(primes);
        using var nModPhi = GmpInteger.Mod(n, phi);
        using var d = GmpInteger.Invert(nModPhi, phi) ?? GmpInteger.FromUInt64(1);
        for (var i = 0; i < ys.Length; i++)
        {
            x[i] = GmpInteger.FromUInt64(1);
            foreach (var (ai, bi) in new[] { (false, false), (true, false), (false, true), (true, true) })
            {
                using var candidate = Adjust(ys[i], ai, bi, w, n);
                if (primes.All(r => IsSquareModulo(candidate, r)))
                {
                    x[i].Dispose();
                    x[i] = FourthRoot(candidate, primes);
                    a[i] = ai;
                    b[i] = bi;
                    break;
                }
            }

            z[i] = GmpInteger.PowModPublic(ys[i], d, n);
            ys[i].Dispose();
        }

        return new PaillierBlumModulusProof(w, x, a, b, z);
    }

    /// <summary>
    /// Whether every equation of Fig. 16 step 4(b) holds (z_i^N = y_i and x_i^4 = (-1)^a_i w^b_i y_i),
    /// ignoring the checks on N and w: shows what those checks alone stop.
    /// </summary>
    public static bool EquationsHold(PaillierBlumModulusProof proof, byte[] context, GmpInteger n)
    {
        var ys = PaillierBlumModulusProof.DeriveChallenges(context, n, proof.W, Cggmp21Parameters.M);
        try
        {
            for (var i = 0; i < ys.Length; i++)
            {
                using var zn = GmpInteger.PowModPublic(proof.Z[i], n, n);
                using var four = GmpInteger.FromUInt64(4);
                using var x4 = GmpInteger.PowModPublic(proof.X[i], four, n);
                using var expected = Adjust(ys[i], proof.A[i], proof.B[i], proof.W, n);
                if (zn.CompareTo(ys[i]) != 0 || x4.CompareTo(expected) != 0)
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            foreach (var y in ys)
            {
                y.Dispose();
            }
        }
    }

    private static GmpInteger SampleW(GmpInteger n)
    {
        while (true)
        {
            var w = GmpInteger.RandomBelow(n, SystemRandomSource.Instance);
            if (GmpInteger.Jacobi(w, n) == -1)
            {
                return w;
            }

            w.Dispose();
        }
    }

    private static GmpInteger Adjust(GmpInteger y, bool a, bool b, GmpInteger w, GmpInteger n)
    {
        var r = b ? GmpInteger.MultiplyMod(w, y, n) : GmpInteger.Mod(y, n);
        if (a && !r.IsZero)
        {
            var negated = GmpInteger.Subtract(n, r);
            r.Dispose();
            return negated;
        }

        return r;
    }

    private static bool IsSquareModulo(GmpInteger value, GmpInteger prime)
    {
        using var reduced = GmpInteger.Mod(value, prime);
        return GmpInteger.Jacobi(reduced, prime) == 1;
    }

    private static GmpInteger Phi(IReadOnlyList<GmpInteger> primes)
    {
        var phi = GmpInteger.FromUInt64(1);
        using var one = GmpInteger.FromUInt64(1);
        foreach (var r in primes)
        {
            using var rMinusOne = GmpInteger.Subtract(r, one);
            var next = GmpInteger.Multiply(phi, rMinusOne);
            phi.Dispose();
            phi = next;
        }

        return phi;
    }

    /// <summary>Per prime u^(((r+1)/4)²) mod r, then CRT over all the primes.</summary>
    private static GmpInteger FourthRoot(GmpInteger u, IReadOnlyList<GmpInteger> primes)
    {
        using var one = GmpInteger.FromUInt64(1);
        var x = GmpInteger.FromUInt64(0);
        var modulus = GmpInteger.FromUInt64(1);
        foreach (var r in primes)
        {
            using var rPlusOne = GmpInteger.Add(r, one);
            using var quarter = GmpInteger.ShiftRight(rPlusOne, 2);
            using var exponent = GmpInteger.Multiply(quarter, quarter);
            using var root = GmpInteger.PowModPublic(u, exponent, r);

            // x' ≡ x (mod modulus), x' ≡ root (mod r): x' = x + modulus · ((root - x) · modulus^-1 mod r).
            using var inverse = GmpInteger.Invert(modulus, r) ?? throw new InvalidOperationException("The primes must be distinct.");
            using var diff = GmpInteger.Subtract(root, x);
            using var h = GmpInteger.MultiplyMod(diff, inverse, r);
            using var step = GmpInteger.Multiply(modulus, h);
            var nextX = GmpInteger.Add(x, step);
            var nextModulus = GmpInteger.Multiply(modulus, r);
            x.Dispose();
            modulus.Dispose();
            x = nextX;
            modulus = nextModulus;
        }

        modulus.Dispose();
        return x;
    }
}

using System.Diagnostics;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Random;

namespace Conclave.Crypto.Paillier;

/// <summary>
/// A Paillier secret key: the safe primes p, q of N = pq (so N is a Paillier-Blum modulus) with
/// CRT decryption. Everything secret is in <see cref="GmpInteger"/>s wiped on dispose.
/// </summary>
[DebuggerDisplay("PaillierSecretKey({PublicKey.Bits} bits, redacted)")]
public sealed class PaillierSecretKey : IDisposable
{
    private readonly GmpInteger _p;
    private readonly GmpInteger _q;
    private readonly GmpInteger _phi;
    private readonly GmpInteger _phiInverse; // φ(N)^-1 mod N
    private readonly GmpInteger _pSquared;
    private readonly GmpInteger _qSquared;
    private readonly GmpInteger _pMinusOne;
    private readonly GmpInteger _qMinusOne;
    private readonly GmpInteger _qSquaredInverse; // (q²)^-1 mod p²
    private readonly GmpInteger _qInverse; // q^-1 mod p
    private readonly GmpInteger _phiPSquared; // φ(p²) = p(p-1)
    private readonly GmpInteger _phiQSquared; // φ(q²) = q(q-1)

    /// <summary>Builds a key from two distinct primes p, q ≡ 3 (mod 4) (copies them).</summary>
    public PaillierSecretKey(GmpInteger p, GmpInteger q)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        if (p.CompareTo(3) < 0 || q.CompareTo(3) < 0 || p.CompareTo(q) == 0 || p.ModSmall(4) != 3 || q.ModSmall(4) != 3 || !p.IsProbablePrime() || !q.IsProbablePrime())
        {
            throw new ArgumentException("p and q must be distinct positive primes congruent to 3 mod 4.");
        }

        _p = p.Clone();
        _q = q.Clone();
        using var one = GmpInteger.FromUInt64(1);
        using var n = GmpInteger.Multiply(_p, _q);
        PublicKey = new PaillierPublicKey(n);
        _pMinusOne = GmpInteger.Subtract(_p, one);
        _qMinusOne = GmpInteger.Subtract(_q, one);
        _phi = GmpInteger.Multiply(_pMinusOne, _qMinusOne);
        _phiInverse = GmpInteger.Invert(_phi, n) ?? throw new ArgumentException("gcd(N, φ(N)) must be 1.");
        _pSquared = GmpInteger.Multiply(_p, _p);
        _qSquared = GmpInteger.Multiply(_q, _q);
        _qSquaredInverse = GmpInteger.Invert(_qSquared, _pSquared) ?? throw new ArgumentException("p and q must be coprime.");
        _qInverse = GmpInteger.Invert(_q, _p) ?? throw new ArgumentException("p and q must be coprime.");
        _phiPSquared = GmpInteger.Multiply(_p, _pMinusOne);
        _phiQSquared = GmpInteger.Multiply(_q, _qMinusOne);
    }

    /// <summary>The public key.</summary>
    public PaillierPublicKey PublicKey { get; }

    /// <summary>p (secret).</summary>
    internal GmpInteger P => _p;

    /// <summary>q (secret).</summary>
    internal GmpInteger Q => _q;

    /// <summary>φ(N) = (p-1)(q-1) (secret).</summary>
    internal GmpInteger Phi => _phi;

    /// <summary>Generates a key from two fresh safe primes of <paramref name="primeBits"/> bits each.</summary>
    public static PaillierSecretKey Generate(int primeBits = 1024, IRandomSource? random = null, CancellationToken cancellationToken = default)
    {
        using var p = SafePrimes.Generate(primeBits, random, cancellationToken: cancellationToken);
        while (true)
        {
            using var q = SafePrimes.Generate(primeBits, random, cancellationToken: cancellationToken);
            if (p.CompareTo(q) != 0)
            {
                return new PaillierSecretKey(p, q);
            }
        }
    }

    /// <summary>
    /// Decrypts to the plaintext in the symmetric range (-N/2, N/2] (CGGMP21 treats plaintexts as
    /// signed integers). Throws <see cref="ArgumentException"/> for an invalid ciphertext.
    /// </summary>
    public GmpInteger Decrypt(GmpInteger ciphertext)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        var pk = PublicKey;
        if (!pk.IsValidCiphertext(ciphertext))
        {
            throw new ArgumentException("Not a valid ciphertext (must be in Z*_{N²}).", nameof(ciphertext));
        }

        // c^φ mod N² by CRT over p² and q², then L(x) = (x - 1) / N and m = L(x) · φ^-1 mod N.
        using var cp = GmpInteger.Mod(ciphertext, _pSquared);
        using var cq = GmpInteger.Mod(ciphertext, _qSquared);
        using var xp = GmpInteger.PowModSecret(cp, _phi, _pSquared);
        using var xq = GmpInteger.PowModSecret(cq, _phi, _qSquared);
        using var x = Crt(xp, xq);
        using var one = GmpInteger.FromUInt64(1);
        using var xMinusOne = GmpInteger.Subtract(x, one);
        using var lDiv = GmpInteger.DivideExact(xMinusOne, pk.N);
        var m = GmpInteger.MultiplyMod(lDiv, _phiInverse, pk.N);
        using var half = GmpInteger.ShiftRight(pk.N, 1);
        if (m.CompareTo(half) > 0)
        {
            var signed = GmpInteger.Subtract(m, pk.N);
            m.Dispose();
            return signed;
        }

        return m;
    }

    /// <summary>
    /// The randomness ρ ∈ Z*_N of a valid ciphertext C = Enc(m; ρ) (secret: the caller disposes
    /// it): C ≡ ρ^N (mod N), and since gcd(N, φ(N)) = 1, ρ = (C mod N)^(N⁻¹ mod φ(N)) mod N. CGGMP21's
    /// identification step uses it to prove (Π^dec) what a ciphertext assembled from other parties'
    /// ciphertexts decrypts to. Throws <see cref="ArgumentException"/> for an invalid ciphertext.
    /// </summary>
    public GmpInteger RecoverRandomness(GmpInteger ciphertext)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        var pk = PublicKey;
        if (!pk.IsValidCiphertext(ciphertext))
        {
            throw new ArgumentException("Not a valid ciphertext (must be in Z*_{N²}).", nameof(ciphertext));
        }

        // Like _phiInverse in the constructor, the inverse is taken once with GMP's extended gcd.
        using var d = GmpInteger.Invert(pk.N, _phi) ?? throw new ArgumentException("gcd(N, φ(N)) must be 1.");
        using var c = GmpInteger.Mod(ciphertext, pk.N);
        return PowModN(c, d);
    }

    /// <summary>Enc(m; ρ) using the factorization (CRT), same result as the public <see cref="PaillierPublicKey.Encrypt(GmpInteger, GmpInteger)"/>.</summary>
    public GmpInteger EncryptCrt(GmpInteger message, GmpInteger rho)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(rho);
        var pk = PublicKey;
        pk.CheckRandomness(rho);
        using var m = GmpInteger.Mod(message, pk.N);
        using var mn = GmpInteger.Multiply(m, pk.N);
        using var one = GmpInteger.FromUInt64(1);
        using var g = GmpInteger.Add(mn, one);

        using var rn = PowModNSquared(rho, pk.N);
        return GmpInteger.MultiplyMod(g, rn, pk.NSquared);
    }

    /// <summary>
    /// b^e mod <paramref name="modulus"/> by CRT when the modulus is N or N² (else null), for a
    /// public exponent e of any sign and a base b that is a unit (the caller has checked it): the
    /// result equals the plain exponentiation. Verifiers of CGGMP21 proofs made against their own
    /// ring-Pedersen modulus N̂ = N (and, in Π^aff-g, their own N₀ = N) use it: half-size moduli and
    /// exponents reduced mod φ make each check several times faster. The reduced exponents depend
    /// on p and q, so they are raised with constant-time exponentiation.
    /// </summary>
    internal GmpInteger? TryPowMod(GmpInteger b, GmpInteger e, GmpInteger modulus)
    {
        ArgumentNullException.ThrowIfNull(modulus);
        return modulus.CompareTo(PublicKey.N) == 0 ? PowModN(b, e)
            : modulus.CompareTo(PublicKey.NSquared) == 0 ? PowModNSquared(b, e)
            : null;
    }

    /// <summary>b^e mod N for a unit b and any e: e reduced mod p-1 and q-1, recombined by CRT.</summary>
    internal GmpInteger PowModN(GmpInteger b, GmpInteger e)
    {
        using var ep = GmpInteger.Mod(e, _pMinusOne);
        using var eq = GmpInteger.Mod(e, _qMinusOne);
        using var bp = GmpInteger.Mod(b, _p);
        using var bq = GmpInteger.Mod(b, _q);
        using var xp = GmpInteger.PowModSecret(bp, ep, _p);
        using var xq = GmpInteger.PowModSecret(bq, eq, _q);

        // x = xq + q · ((xp - xq) · q⁻¹ mod p).
        using var diff = GmpInteger.Subtract(xp, xq);
        using var h = GmpInteger.MultiplyMod(diff, _qInverse, _p);
        using var t = GmpInteger.Multiply(h, _q);
        return GmpInteger.Add(xq, t);
    }

    /// <summary>b^e mod N² for a unit b and any e: e reduced mod φ(p²) = p(p-1) and φ(q²) = q(q-1), recombined by CRT.</summary>
    internal GmpInteger PowModNSquared(GmpInteger b, GmpInteger e)
    {
        using var ep = GmpInteger.Mod(e, _phiPSquared);
        using var eq = GmpInteger.Mod(e, _phiQSquared);
        using var bp = GmpInteger.Mod(b, _pSquared);
        using var bq = GmpInteger.Mod(b, _qSquared);
        using var xp = GmpInteger.PowModSecret(bp, ep, _pSquared);
        using var xq = GmpInteger.PowModSecret(bq, eq, _qSquared);
        return Crt(xp, xq);
    }

    /// <summary>Wipes every secret.</summary>
    public void Dispose()
    {
        foreach (var x in new[] { _p, _q, _phi, _phiInverse, _pSquared, _qSquared, _pMinusOne, _qMinusOne, _qSquaredInverse, _qInverse, _phiPSquared, _phiQSquared })
        {
            x.Dispose();
        }

        PublicKey.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"PaillierSecretKey({PublicKey.Bits} bits, <redacted>)";

    /// <summary>x ≡ xp (mod p²), x ≡ xq (mod q²): x = xq + q² · ((xp - xq) · (q²)^-1 mod p²).</summary>
    private GmpInteger Crt(GmpInteger xp, GmpInteger xq)
    {
        using var diff = GmpInteger.Subtract(xp, xq);
        using var h = GmpInteger.MultiplyMod(diff, _qSquaredInverse, _pSquared);
        using var t = GmpInteger.Multiply(h, _qSquared);
        return GmpInteger.Add(xq, t);
    }
}

using System.Diagnostics.CodeAnalysis;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Random;
using Conclave.Crypto.Transcripts;

namespace Conclave.Crypto.Proofs;

/// <summary>
/// Π^fac, the no-small-factor proof of CGGMP21 (ePrint 2021/060, Fig. 28; Lockness spec
/// §"Π^fac: No Small Factor Proof"), made non-interactive with Fiat-Shamir: the prover knows
/// N₀ = pq with p, q ≤ 2^(ℓ+ε)·√N₀, hence (for N₀ of at least 2(2ℓ+ε) = 2048 bits) no factor below
/// about 2^ℓ. It is computed against the verifier's ring-Pedersen parameters (N̂, s, t), whose
/// trapdoor the prover must not know. ℓ = 256, ε = 512 and the challenge e ← ±q (the secp256k1
/// order) are those of <see cref="Cggmp21Parameters"/>.
/// </summary>
/// <remarks>
/// The transcript starts with the protocol name "conclave/cggmp21/pi-fac/v1" and the caller's
/// context bytes, before any public input. The context must bind the session id and the prover's
/// id (and the party ids).
/// </remarks>
public sealed class NoSmallFactorProof : IntegerListProof
{
    /// <summary>The transcript's protocol name.</summary>
    internal const string ProtocolName = "conclave/cggmp21/pi-fac/v1";

    private const byte Kind = 3;


    /// <summary>Takes ownership of the values (tests build tampered proofs through this).</summary>
    internal NoSmallFactorProof(GmpInteger p, GmpInteger q, GmpInteger a, GmpInteger b, GmpInteger t, GmpInteger sigma, GmpInteger z1, GmpInteger z2, GmpInteger w1, GmpInteger w2, GmpInteger v)
        : base(Kind, [p, q, a, b, t, sigma, z1, z2, w1, w2, v])
    {
    }

    /// <summary>P = s^p t^μ mod N̂.</summary>
    public GmpInteger P => Values[0];

    /// <summary>Q = s^q t^ν mod N̂.</summary>
    public GmpInteger Q => Values[1];

    /// <summary>A = s^α t^x mod N̂.</summary>
    public GmpInteger A => Values[2];

    /// <summary>B = s^β t^y mod N̂.</summary>
    public GmpInteger B => Values[3];

    /// <summary>T = Q^α t^r mod N̂.</summary>
    public GmpInteger T => Values[4];

    /// <summary>σ ∈ ±2^ℓ·N₀·N̂ (signed).</summary>
    public GmpInteger Sigma => Values[5];

    /// <summary>z1 = α + e p (signed).</summary>
    public GmpInteger Z1 => Values[6];

    /// <summary>z2 = β + e q (signed).</summary>
    public GmpInteger Z2 => Values[7];

    /// <summary>w1 = x + e μ (signed).</summary>
    public GmpInteger W1 => Values[8];

    /// <summary>w2 = y + e ν (signed).</summary>
    public GmpInteger W2 => Values[9];

    /// <summary>v = r + e (σ - ν p) (signed).</summary>
    public GmpInteger V => Values[10];

    /// <summary>
    /// Proves that the modulus of <paramref name="key"/> has no small factor, against the
    /// verifier's <paramref name="verifierParameters"/>. <paramref name="context"/> must bind the
    /// session and the prover (see the remarks on the type).
    /// </summary>
    public static NoSmallFactorProof Prove(ReadOnlySpan<byte> context, PaillierSecretKey key, RingPedersenParameters verifierParameters, IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        return ProveCore(context, key.PublicKey.N, key.P, key.Q, verifierParameters, random);
    }

    /// <summary>
    /// The prover's algorithm for any factorization N₀ = pq (tests run it with a small p to show that
    /// the verifier rejects).
    /// </summary>
    internal static NoSmallFactorProof ProveCore(ReadOnlySpan<byte> context, GmpInteger n0, GmpInteger p, GmpInteger q, RingPedersenParameters verifierParameters, IRandomSource? random)
    {
        ArgumentNullException.ThrowIfNull(n0);
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(verifierParameters);
        ProofHelpers.ThrowIfEmpty(context);
        if (!verifierParameters.IsWellFormed())
        {
            throw new ArgumentException("The verifier's ring-Pedersen parameters are malformed.", nameof(verifierParameters));
        }

        using (var product = GmpInteger.Multiply(p, q))
        {
            if (product.CompareTo(n0) != 0)
            {
                throw new ArgumentException("N₀ must equal p·q.", nameof(n0));
            }
        }

        random ??= SystemRandomSource.Instance;
        var nHat = verifierParameters.N;
        var s = verifierParameters.S;
        var t = verifierParameters.T;
        using var bounds = new Bounds(n0, nHat);

        // Fig. 28 step 1: α, β ← ±2^(ℓ+ε)·√N₀; μ, ν ← ±2^ℓ·N̂; σ ← ±2^ℓ·N₀·N̂; r ← ±2^(ℓ+ε)·N₀·N̂; x, y ← ±2^(ℓ+ε)·N̂.
        using var alpha = GmpInteger.RandomSigned(bounds.SqrtN0Range, random);
        using var beta = GmpInteger.RandomSigned(bounds.SqrtN0Range, random);
        using var mu = GmpInteger.RandomSigned(bounds.EllNHat, random);
        using var nu = GmpInteger.RandomSigned(bounds.EllNHat, random);
        var sigma = GmpInteger.RandomSigned(bounds.EllN0NHat, random);
        using var r = GmpInteger.RandomSigned(bounds.EllEpsN0NHat, random);
        using var x = GmpInteger.RandomSigned(bounds.EllEpsNHat, random);
        using var y = GmpInteger.RandomSigned(bounds.EllEpsNHat, random);

        // P = s^p t^μ, Q = s^q t^ν, A = s^α t^x, B = s^β t^y, T = Q^α t^r (mod N̂).
        var bigP = ProofHelpers.MultiExpSecret(s, p, t, mu, nHat);
        var bigQ = ProofHelpers.MultiExpSecret(s, q, t, nu, nHat);
        var bigA = ProofHelpers.MultiExpSecret(s, alpha, t, x, nHat);
        var bigB = ProofHelpers.MultiExpSecret(s, beta, t, y, nHat);
        var bigT = ProofHelpers.MultiExpSecret(bigQ, alpha, t, r, nHat);

        // Fig. 28 step 2 (Fiat-Shamir): e ← ±q from (context, N̂, s, t, N₀, P, Q, A, B, T, σ).
        using var e = DeriveChallenge(context, verifierParameters, n0, bigP, bigQ, bigA, bigB, bigT, sigma);

        // Fig. 28 step 3: z1 = α + ep, z2 = β + eq, w1 = x + eμ, w2 = y + eν, v = r + e(σ - νp).
        var z1 = AddProduct(alpha, e, p);
        var z2 = AddProduct(beta, e, q);
        var w1 = AddProduct(x, e, mu);
        var w2 = AddProduct(y, e, nu);
        using var nuP = GmpInteger.Multiply(nu, p);
        using var sigmaHat = GmpInteger.Subtract(sigma, nuP);
        var v = AddProduct(r, e, sigmaHat);
        return new NoSmallFactorProof(bigP, bigQ, bigA, bigB, bigT, sigma, z1, z2, w1, w2, v);
    }

    /// <summary>
    /// Whether this proves that <paramref name="modulus"/> (N₀, of at least
    /// <paramref name="minimumModulusBits"/> bits) has no small factor, against the verifier's own
    /// <paramref name="verifierParameters"/>, under <paramref name="context"/>. Never throws for an
    /// invalid proof; only for a null or empty argument.
    /// </summary>
    public bool Verify(ReadOnlySpan<byte> context, GmpInteger modulus, RingPedersenParameters verifierParameters, int minimumModulusBits = Cggmp21Parameters.MinimumModulusBits, PaillierSecretKey? ownKey = null) =>
        Check(context, modulus, verifierParameters, minimumModulusBits, ownKey) == ProofFailure.None;

    /// <summary>The first check the proof fails, or <see cref="ProofFailure.None"/>.</summary>
    internal ProofFailure Check(ReadOnlySpan<byte> context, GmpInteger modulus, RingPedersenParameters verifierParameters, int minimumModulusBits, PaillierSecretKey? ownKey = null)
    {
        ArgumentNullException.ThrowIfNull(modulus);
        ArgumentNullException.ThrowIfNull(verifierParameters);
        ProofHelpers.ThrowIfEmpty(context);
        ArgumentOutOfRangeException.ThrowIfNegative(minimumModulusBits);
        if (!verifierParameters.IsWellFormed())
        {
            return ProofFailure.ParametersMalformed;
        }

        // The guarantee "no factor below ~2^ℓ" needs √N₀ ≳ 2^(2ℓ+ε) (Fig. 28's implicit constraint).
        if (modulus.CompareTo(3) < 0 || modulus.BitLength < minimumModulusBits)
        {
            return ProofFailure.ModulusTooSmall;
        }

        var nHat = verifierParameters.N;
        var s = verifierParameters.S;
        var t = verifierParameters.T;

        // P, Q, A, B, T ∈ Z*_N̂ (so every inverse the checks need exists).
        for (var i = 0; i < 5; i++)
        {
            if (!ProofHelpers.IsUnit(Values[i], nHat))
            {
                return ProofFailure.CommitmentNotUnit;
            }
        }

        using var bounds = new Bounds(modulus, nHat);

        // Fig. 28 step 4, range checks: z1, z2 ∈ ±2^(ℓ+ε)·√N₀ (√N₀ rounded up).
        if (!ProofHelpers.IsInSymmetricRange(Z1, bounds.SqrtN0Range))
        {
            return ProofFailure.Z1OutOfRange;
        }

        if (!ProofHelpers.IsInSymmetricRange(Z2, bounds.SqrtN0Range))
        {
            return ProofFailure.Z2OutOfRange;
        }

        // Resource bounds, not in Fig. 28: they cap the exponents an attacker can make us compute with.
        // Honest values always satisfy them: |σ| ≤ 2^ℓ·N₀·N̂ as sampled, |w1|, |w2| ≤ 2^(ℓ+ε)·N̂ + q·2^ℓ·N̂,
        // |v| ≤ 2^(ℓ+ε)·N₀·N̂ + q·2^(ℓ+1)·N₀·N̂, and q·2^(ℓ+1) ≤ 2^(2ℓ+1) ≤ 2^(ℓ+ε) since ε = 2ℓ.
        if (!ProofHelpers.IsInSymmetricRange(Sigma, bounds.EllN0NHat)
            || !ProofHelpers.IsInSymmetricRange(W1, bounds.TwiceEllEpsNHat)
            || !ProofHelpers.IsInSymmetricRange(W2, bounds.TwiceEllEpsNHat)
            || !ProofHelpers.IsInSymmetricRange(V, bounds.TwiceEllEpsN0NHat))
        {
            return ProofFailure.ResponseOutOfRange;
        }

        using var e = DeriveChallenge(context, verifierParameters, modulus, P, Q, A, B, T, Sigma);

        // Fig. 28 step 4: s^z1 t^w1 = A · P^e (mod N̂).
        using (var lhs = ProofHelpers.MultiExpPublic(s, Z1, t, W1, nHat, ownKey))
        using (var pe = ProofHelpers.PowPublic(P, e, nHat, ownKey))
        using (var rhs = GmpInteger.MultiplyMod(A, pe, nHat))
        {
            if (lhs.CompareTo(rhs) != 0)
            {
                return ProofFailure.FirstEquationMismatch;
            }
        }

        // Fig. 28 step 4: s^z2 t^w2 = B · Q^e (mod N̂).
        using (var lhs = ProofHelpers.MultiExpPublic(s, Z2, t, W2, nHat, ownKey))
        using (var qe = ProofHelpers.PowPublic(Q, e, nHat, ownKey))
        using (var rhs = GmpInteger.MultiplyMod(B, qe, nHat))
        {
            if (lhs.CompareTo(rhs) != 0)
            {
                return ProofFailure.SecondEquationMismatch;
            }
        }

        // Fig. 28 step 4: Q^z1 t^v = T · (s^N₀ t^σ)^e (mod N̂).
        using (var lhs = ProofHelpers.MultiExpPublic(Q, Z1, t, V, nHat, ownKey))
        using (var r = ProofHelpers.MultiExpPublic(s, modulus, t, Sigma, nHat, ownKey))
        using (var re = ProofHelpers.PowPublic(r, e, nHat, ownKey))
        using (var rhs = GmpInteger.MultiplyMod(T, re, nHat))
        {
            if (lhs.CompareTo(rhs) != 0)
            {
                return ProofFailure.ThirdEquationMismatch;
            }
        }

        return ProofFailure.None;
    }

    /// <summary>e ∈ ±q from the transcript over (protocol, context, ℓ, ε, N̂, s, t, N₀, P, Q, A, B, T, σ).</summary>
    internal static GmpInteger DeriveChallenge(
        ReadOnlySpan<byte> context,
        RingPedersenParameters verifierParameters,
        GmpInteger n0,
        GmpInteger p,
        GmpInteger q,
        GmpInteger a,
        GmpInteger b,
        GmpInteger t,
        GmpInteger sigma)
    {
        using var transcript = new Transcript(ProtocolName);
        transcript.Append("context", context);
        transcript.Append("ell", (ulong)Cggmp21Parameters.Ell);
        transcript.Append("epsilon", (ulong)Cggmp21Parameters.Epsilon);
        transcript.Append("N-hat", verifierParameters.N);
        transcript.Append("s", verifierParameters.S);
        transcript.Append("t", verifierParameters.T);
        transcript.Append("N0", n0);
        transcript.Append("P", p);
        transcript.Append("Q", q);
        transcript.Append("A", a);
        transcript.Append("B", b);
        transcript.Append("T", t);
        transcript.Append("sigma", sigma);
        return ProofHelpers.CurveOrderChallenge(transcript);
    }

    /// <summary>
    /// Parses the canonical encoding: the right version and kind, P, Q, A, B, T non-negative, no
    /// trailing byte. Structure only; <see cref="Verify"/> checks the rest.
    /// </summary>
    public static bool TryDeserialize(ReadOnlySpan<byte> source, [NotNullWhen(true)] out NoSmallFactorProof? proof)
    {
        var values = TryReadValues(source, Kind, 11, i => i >= 5);
        proof = values is null ? null : new NoSmallFactorProof(values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7], values[8], values[9], values[10]);
        return proof is not null;
    }

    /// <summary>a + e·b.</summary>
    private static GmpInteger AddProduct(GmpInteger a, GmpInteger e, GmpInteger b)
    {
        using var product = GmpInteger.Multiply(e, b);
        return GmpInteger.Add(a, product);
    }


    /// <summary>The ranges of Fig. 28 for given N₀ and N̂ (public).</summary>
    private sealed class Bounds : IDisposable
    {
        public Bounds(GmpInteger n0, GmpInteger nHat)
        {
            const int ell = Cggmp21Parameters.Ell;
            const int ellEps = Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon;
            using var sqrtN0 = GmpInteger.SquareRootCeiling(n0);
            using var n0NHat = GmpInteger.Multiply(n0, nHat);
            SqrtN0Range = GmpInteger.ShiftLeft(sqrtN0, ellEps);
            EllNHat = GmpInteger.ShiftLeft(nHat, ell);
            EllEpsNHat = GmpInteger.ShiftLeft(nHat, ellEps);
            TwiceEllEpsNHat = GmpInteger.ShiftLeft(nHat, ellEps + 1);
            EllN0NHat = GmpInteger.ShiftLeft(n0NHat, ell);
            EllEpsN0NHat = GmpInteger.ShiftLeft(n0NHat, ellEps);
            TwiceEllEpsN0NHat = GmpInteger.ShiftLeft(n0NHat, ellEps + 1);
        }

        /// <summary>2^(ℓ+ε)·⌈√N₀⌉.</summary>
        public GmpInteger SqrtN0Range { get; }

        /// <summary>2^ℓ·N̂.</summary>
        public GmpInteger EllNHat { get; }

        /// <summary>2^(ℓ+ε)·N̂.</summary>
        public GmpInteger EllEpsNHat { get; }

        /// <summary>2^(ℓ+ε+1)·N̂.</summary>
        public GmpInteger TwiceEllEpsNHat { get; }

        /// <summary>2^ℓ·N₀·N̂.</summary>
        public GmpInteger EllN0NHat { get; }

        /// <summary>2^(ℓ+ε)·N₀·N̂.</summary>
        public GmpInteger EllEpsN0NHat { get; }

        /// <summary>2^(ℓ+ε+1)·N₀·N̂.</summary>
        public GmpInteger TwiceEllEpsN0NHat { get; }

        public void Dispose()
        {
            SqrtN0Range.Dispose();
            EllNHat.Dispose();
            EllEpsNHat.Dispose();
            TwiceEllEpsNHat.Dispose();
            EllN0NHat.Dispose();
            EllEpsN0NHat.Dispose();
            TwiceEllEpsN0NHat.Dispose();
        }
    }
}

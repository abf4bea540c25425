using System.Diagnostics.CodeAnalysis;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Random;
using Conclave.Crypto.Transcripts;

namespace Conclave.Crypto.Proofs;

/// <summary>
/// Π^dec, Paillier decryption modulo q (CGGMP21, ePrint 2021/060, Section C.6, Fig. 30), made
/// non-interactive with Fiat-Shamir: the prover knows an integer y and ρ with C = Enc_N₀(y; ρ)
/// under its own key N₀, and shows x = y mod q for a public scalar x. The paper uses it in the
/// identification steps of presigning and signing (a signer shows that the ciphertext built from
/// its MtA messages decrypts to the δ_i or σ_i it announced). As in the paper there is no range
/// check on z1: y may be any plaintext in (−N₀/2, N₀/2]. It is computed against the verifier's
/// ring-Pedersen parameters (N̂, s, t), whose trapdoor the prover must not know.
/// </summary>
/// <remarks>
/// Prover: α ← ±2^(ℓ+ε), μ ← ±2^ℓ·N̂, ν ← ±2^(ℓ+ε)·N̂, r ← Z*_N₀; S = s^y t^μ, T = s^α t^ν,
/// A = Enc_N₀(α; r), γ = α mod q; e ← ±q; z1 = α + e·y, z2 = ν + e·μ, w = r·ρ^e mod N₀.
/// Verifier: Enc_N₀(z1; w) = A·C^e (mod N₀²), z1 ≡ γ + e·x (mod q), s^z1 t^z2 = T·S^e (mod N̂).
/// The transcript starts with "conclave/cggmp21/pi-dec/v1" and the caller's context (which must
/// bind the session and the prover), then ℓ, ε, (N̂, s, t), the statement (N₀, C, x) and the first
/// message (S, T, A, γ).
/// </remarks>
public sealed class PaillierDecryptionModuloQProof : IntegerListProof
{
    /// <summary>The transcript's protocol name.</summary>
    internal const string ProtocolName = "conclave/cggmp21/pi-dec/v1";

    private const byte Kind = 7;


    /// <summary>Takes ownership of the values (tests build tampered proofs through this).</summary>
    internal PaillierDecryptionModuloQProof(GmpInteger s, GmpInteger t, GmpInteger a, GmpInteger gamma, GmpInteger z1, GmpInteger z2, GmpInteger w)
        : base(Kind, [s, t, a, gamma, z1, z2, w])
    {
    }

    /// <summary>S = s^y t^μ mod N̂.</summary>
    public GmpInteger S => Values[0];

    /// <summary>T = s^α t^ν mod N̂.</summary>
    public GmpInteger T => Values[1];

    /// <summary>A = Enc_N₀(α; r).</summary>
    public GmpInteger A => Values[2];

    /// <summary>γ = α mod q.</summary>
    public GmpInteger Gamma => Values[3];

    /// <summary>z1 = α + e·y (signed).</summary>
    public GmpInteger Z1 => Values[4];

    /// <summary>z2 = ν + e·μ (signed).</summary>
    public GmpInteger Z2 => Values[5];

    /// <summary>w = r·ρ^e mod N₀.</summary>
    public GmpInteger W => Values[6];

    /// <summary>
    /// Proves that <paramref name="ciphertext"/> C = Enc_N₀(y; ρ) under the prover's own
    /// <paramref name="prover"/> key and that <paramref name="x"/> = y mod q, against the verifier's
    /// <paramref name="verifierParameters"/>. Throws if |y| ≥ N₀/2, x ≠ y mod q, or C ≠ Enc(y; ρ).
    /// </summary>
    public static PaillierDecryptionModuloQProof Prove(
        ReadOnlySpan<byte> context,
        PaillierSecretKey prover,
        GmpInteger ciphertext,
        GmpInteger x,
        GmpInteger y,
        GmpInteger rho,
        RingPedersenParameters verifierParameters,
        IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(prover);
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var pk = prover.PublicKey;
        using (var half = GmpInteger.ShiftRight(pk.N, 1))
        {
            if (!ProofHelpers.IsInSymmetricRange(y, half))
            {
                throw new ArgumentOutOfRangeException(nameof(y), "y must be a plaintext in (−N₀/2, N₀/2].");
            }
        }

        using (var q = Cggmp21Parameters.CreateCurveOrder())
        using (var yModQ = GmpInteger.Mod(y, q))
        {
            if (x.IsNegative || x.CompareTo(q) >= 0 || yModQ.CompareTo(x) != 0)
            {
                throw new ArgumentException("x must equal y mod q.", nameof(x));
            }
        }

        using (var expected = prover.EncryptCrt(y, rho))
        {
            if (expected.CompareTo(ciphertext) != 0)
            {
                throw new ArgumentException("C must equal Enc_N₀(y; ρ).", nameof(ciphertext));
            }
        }

        return ProveCore(context, prover, ciphertext, x, y, rho, verifierParameters, random);
    }

    /// <summary>The prover's algorithm for any witness, without the checks of <see cref="Prove"/> (tests use it with a wrong x).</summary>
    internal static PaillierDecryptionModuloQProof ProveCore(
        ReadOnlySpan<byte> context,
        PaillierSecretKey prover,
        GmpInteger ciphertext,
        GmpInteger x,
        GmpInteger y,
        GmpInteger rho,
        RingPedersenParameters verifierParameters,
        IRandomSource? random)
    {
        ArgumentNullException.ThrowIfNull(prover);
        ArgumentNullException.ThrowIfNull(verifierParameters);
        ProofHelpers.ThrowIfEmpty(context);
        if (!verifierParameters.IsWellFormed())
        {
            throw new ArgumentException("The verifier's ring-Pedersen parameters are malformed.", nameof(verifierParameters));
        }

        random ??= SystemRandomSource.Instance;
        var pk = prover.PublicKey;
        var nHat = verifierParameters.N;
        var s = verifierParameters.S;
        var t = verifierParameters.T;
        const int ellEps = Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon;
        using var ellNHat = GmpInteger.ShiftLeft(nHat, Cggmp21Parameters.Ell);
        using var ellEpsNHat = GmpInteger.ShiftLeft(nHat, ellEps);
        using var q = Cggmp21Parameters.CreateCurveOrder();

        // Step 1: α ← ±2^(ℓ+ε), μ ← ±2^ℓ·N̂, ν ← ±2^(ℓ+ε)·N̂, r ← Z*_N₀.
        using var alpha = GmpInteger.RandomSigned(ellEps, random);
        using var mu = GmpInteger.RandomSigned(ellNHat, random);
        using var nu = GmpInteger.RandomSigned(ellEpsNHat, random);
        using var r = pk.RandomUnit(random);

        // S = s^y t^μ, T = s^α t^ν, A = Enc_N₀(α; r), γ = α mod q.
        var bigS = ProofHelpers.MultiExpSecret(s, y, t, mu, nHat);
        var bigT = ProofHelpers.MultiExpSecret(s, alpha, t, nu, nHat);
        var bigA = prover.EncryptCrt(alpha, r);
        var gamma = GmpInteger.Mod(alpha, q);

        // Step 2 (Fiat-Shamir): e ← ±q.
        using var e = DeriveChallenge(context, verifierParameters, pk.N, ciphertext, x, bigS, bigT, bigA, gamma);

        // Step 3: z1 = α + e·y, z2 = ν + e·μ, w = r·ρ^e mod N₀.
        var z1 = PresigningProofSupport.AddProduct(alpha, e, y);
        var z2 = PresigningProofSupport.AddProduct(nu, e, mu);
        using var rhoE = prover.PowModN(rho, e);
        var w = GmpInteger.MultiplyMod(r, rhoE, pk.N);
        return new PaillierDecryptionModuloQProof(bigS, bigT, bigA, gamma, z1, z2, w);
    }

    /// <summary>
    /// Whether this proves that <paramref name="ciphertext"/> C under <paramref name="proverKey"/>
    /// decrypts to a y with y ≡ <paramref name="x"/> (mod q), against the verifier's own
    /// <paramref name="verifierParameters"/> (with <paramref name="ownKey"/>, the verifier's key for
    /// N̂, the ring-Pedersen check runs by CRT). Never throws for an invalid proof.
    /// </summary>
    public bool Verify(ReadOnlySpan<byte> context, PaillierPublicKey proverKey, GmpInteger ciphertext, GmpInteger x, RingPedersenParameters verifierParameters, PaillierSecretKey? ownKey = null) =>
        Check(context, proverKey, ciphertext, x, verifierParameters, ownKey) == ProofFailure.None;

    /// <summary>The first check the proof fails, or <see cref="ProofFailure.None"/>.</summary>
    internal ProofFailure Check(ReadOnlySpan<byte> context, PaillierPublicKey proverKey, GmpInteger ciphertext, GmpInteger x, RingPedersenParameters verifierParameters, PaillierSecretKey? ownKey = null)
    {
        ArgumentNullException.ThrowIfNull(proverKey);
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(verifierParameters);
        ProofHelpers.ThrowIfEmpty(context);
        if (!verifierParameters.IsWellFormed())
        {
            return ProofFailure.ParametersMalformed;
        }

        if (proverKey.N.BitLength < Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon + 2)
        {
            return ProofFailure.ModulusTooSmall;
        }

        // C, A ∈ Z*_{N₀²}; S, T ∈ Z*_N̂; w ∈ Z*_N₀ (before any exponentiation).
        if (!proverKey.IsValidCiphertext(ciphertext) || !proverKey.IsValidCiphertext(A))
        {
            return ProofFailure.CiphertextInvalid;
        }

        var nHat = verifierParameters.N;
        if (!ProofHelpers.IsUnit(S, nHat) || !ProofHelpers.IsUnit(T, nHat))
        {
            return ProofFailure.CommitmentNotUnit;
        }

        if (!PresigningProofSupport.IsUnitModN(proverKey, W))
        {
            return ProofFailure.ResponseNotUnit;
        }

        using var q = Cggmp21Parameters.CreateCurveOrder();
        if (x.IsNegative || x.CompareTo(q) >= 0 || Gamma.IsNegative || Gamma.CompareTo(q) >= 0)
        {
            return ProofFailure.ModularEquationMismatch;
        }

        // Resource bounds, not in the paper (which has no range check here): an honest
        // |z1| ≤ 2^(ℓ+ε) + q·N₀/2 < 2^(ℓ+1)·N₀ and |z2| ≤ 2^(ℓ+ε)·N̂ + q·2^ℓ·N̂ ≤ 2^(ℓ+ε+1)·N̂.
        using (var z1Bound = GmpInteger.ShiftLeft(proverKey.N, Cggmp21Parameters.Ell + 1))
        using (var z2Bound = GmpInteger.ShiftLeft(nHat, Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon + 1))
        {
            if (!ProofHelpers.IsInSymmetricRange(Z1, z1Bound) || !ProofHelpers.IsInSymmetricRange(Z2, z2Bound))
            {
                return ProofFailure.ResponseOutOfRange;
            }
        }

        using var e = DeriveChallenge(context, verifierParameters, proverKey.N, ciphertext, x, S, T, A, Gamma);

        // Enc_N₀(z1; w) = A · C^e (mod N₀²).
        using (var ce = PresigningProofSupport.PowCiphertextPublic(proverKey, ciphertext, e))
        using (var rhs = GmpInteger.MultiplyMod(A, ce, proverKey.NSquared))
        using (var lhs = PresigningProofSupport.EncryptPublic(proverKey, Z1, W))
        {
            if (lhs.CompareTo(rhs) != 0)
            {
                return ProofFailure.PaillierEquationMismatch;
            }
        }

        // z1 ≡ γ + e·x (mod q).
        using (var ex = GmpInteger.Multiply(e, x))
        using (var sum = GmpInteger.Add(Gamma, ex))
        using (var expected = GmpInteger.Mod(sum, q))
        using (var z1ModQ = GmpInteger.Mod(Z1, q))
        {
            if (z1ModQ.CompareTo(expected) != 0)
            {
                return ProofFailure.ModularEquationMismatch;
            }
        }

        // s^z1 t^z2 = T · S^e (mod N̂).
        using (var lhs = ProofHelpers.MultiExpPublic(verifierParameters.S, Z1, verifierParameters.T, Z2, nHat, ownKey))
        using (var se = ProofHelpers.PowPublic(S, e, nHat, ownKey))
        using (var rhs = GmpInteger.MultiplyMod(T, se, nHat))
        {
            if (lhs.CompareTo(rhs) != 0)
            {
                return ProofFailure.RingPedersenEquationMismatch;
            }
        }

        return ProofFailure.None;
    }

    /// <summary>e ∈ ±q from the transcript over (protocol, context, ℓ, ε, N̂, s, t, N₀, C, x, S, T, A, γ).</summary>
    internal static GmpInteger DeriveChallenge(
        ReadOnlySpan<byte> context,
        RingPedersenParameters verifierParameters,
        GmpInteger n0,
        GmpInteger ciphertext,
        GmpInteger x,
        GmpInteger s,
        GmpInteger t,
        GmpInteger a,
        GmpInteger gamma)
    {
        using var transcript = new Transcript(ProtocolName);
        transcript.Append("context", context);
        transcript.Append("ell", (ulong)Cggmp21Parameters.Ell);
        transcript.Append("epsilon", (ulong)Cggmp21Parameters.Epsilon);
        transcript.Append("N-hat", verifierParameters.N);
        transcript.Append("s", verifierParameters.S);
        transcript.Append("t", verifierParameters.T);
        transcript.Append("N0", n0);
        transcript.Append("C", ciphertext);
        transcript.Append("x", x);
        transcript.Append("S", s);
        transcript.Append("T", t);
        transcript.Append("A", a);
        transcript.Append("gamma", gamma);
        return ProofHelpers.CurveOrderChallenge(transcript);
    }

    /// <summary>Parses the canonical encoding: version and kind, S, T, A, γ, w non-negative, z1 and z2 signed, no trailing byte.</summary>
    public static bool TryDeserialize(ReadOnlySpan<byte> source, [NotNullWhen(true)] out PaillierDecryptionModuloQProof? proof)
    {
        var values = TryReadValues(source, Kind, 7, i => i is 4 or 5);
        proof = values is null ? null : new PaillierDecryptionModuloQProof(values[0], values[1], values[2], values[3], values[4], values[5], values[6]);
        return proof is not null;
    }

}

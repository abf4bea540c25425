using System.Diagnostics.CodeAnalysis;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Random;
using Conclave.Crypto.Transcripts;

namespace Conclave.Crypto.Proofs;

/// <summary>
/// Π^aff-g, Paillier affine operation with group commitment in range (CGGMP21, ePrint 2021/060,
/// Fig. 15; Lockness spec §"Π^aff-g"), made non-interactive with Fiat-Shamir. The statement is
/// (N₀, N₁, C, D, Y, X): N₀ is the verifier's Paillier key, under which C and D are encrypted, and
/// N₁ is the prover's key, under which Y is encrypted. The prover knows x ∈ ±2^ℓ, y ∈ ±2^ℓ',
/// ρ ∈ Z*_N₀ and ρ_y ∈ Z*_N₁ with D = C^x · Enc_N₀(y; ρ) (mod N₀²), Y = Enc_N₁(y; ρ_y) and
/// X = x·G on secp256k1; soundness guarantees x ∈ ±2^(ℓ+ε) and y ∈ ±2^(ℓ'+ε). It is computed
/// against the verifier's ring-Pedersen parameters (N̂, s, t). ℓ = 256, ℓ' = 1280, ε = 512 and
/// e ← ±q are those of <see cref="Cggmp21Parameters"/>.
/// </summary>
/// <remarks>
/// The transcript starts with the protocol name "conclave/cggmp21/pi-aff-g/v1" and the caller's
/// context bytes, then ℓ, ℓ', ε, (N̂, s, t), the statement (N₀, N₁, C, D, Y, X) and the first
/// message (A, B_x, B_y, E, S, F, T). Binding the session id and the prover's id into the context
/// is the caller's duty. X and B_x must be secp256k1 points other than the identity.
/// </remarks>
public sealed class PaillierAffineOperationProof : EncodedProof, IDisposable
{
    /// <summary>The transcript's protocol name.</summary>
    internal const string ProtocolName = "conclave/cggmp21/pi-aff-g/v1";

    private const byte Kind = 5;

    private readonly GmpInteger[] _values; // A, B_y, E, S, F, T, z1, z2, z3, z4, w, w_y

    /// <summary>Takes ownership of the values (tests build tampered proofs through this).</summary>
    internal PaillierAffineOperationProof(
        GmpInteger a,
        Element bx,
        GmpInteger by,
        GmpInteger e,
        GmpInteger s,
        GmpInteger f,
        GmpInteger t,
        GmpInteger z1,
        GmpInteger z2,
        GmpInteger z3,
        GmpInteger z4,
        GmpInteger w,
        GmpInteger wy)
    {
        ArgumentNullException.ThrowIfNull(bx);
        _values = [a, by, e, s, f, t, z1, z2, z3, z4, w, wy];
        Bx = bx;
    }

    /// <summary>A = C^α · Enc_N₀(β; r) mod N₀².</summary>
    public GmpInteger A => _values[0];

    /// <summary>B_x = α·G.</summary>
    public Element Bx { get; }

    /// <summary>B_y = Enc_N₁(β; r_y).</summary>
    public GmpInteger By => _values[1];

    /// <summary>E = s^α t^γ mod N̂.</summary>
    public GmpInteger E => _values[2];

    /// <summary>S = s^x t^m mod N̂.</summary>
    public GmpInteger S => _values[3];

    /// <summary>F = s^β t^δ mod N̂.</summary>
    public GmpInteger F => _values[4];

    /// <summary>T = s^y t^μ mod N̂.</summary>
    public GmpInteger T => _values[5];

    /// <summary>z1 = α + e x (signed).</summary>
    public GmpInteger Z1 => _values[6];

    /// <summary>z2 = β + e y (signed).</summary>
    public GmpInteger Z2 => _values[7];

    /// <summary>z3 = γ + e m (signed).</summary>
    public GmpInteger Z3 => _values[8];

    /// <summary>z4 = δ + e μ (signed).</summary>
    public GmpInteger Z4 => _values[9];

    /// <summary>w = r ρ^e mod N₀.</summary>
    public GmpInteger W => _values[10];

    /// <summary>w_y = r_y ρ_y^e mod N₁.</summary>
    public GmpInteger Wy => _values[11];

    /// <summary>
    /// Proves the affine operation D = C^x · Enc_N₀(y; ρ) with Y = Enc_N₁(y; ρ_y) and X = x·G, for
    /// x ∈ ±2^ℓ and y ∈ ±2^ℓ', against the verifier's <paramref name="verifierParameters"/>.
    /// <paramref name="verifierKey"/> is N₀ (C, D, ρ), <paramref name="proverKey"/> is N₁ (Y, ρ_y).
    /// Throws if the witness does not match the statement or is out of range.
    /// </summary>
    public static PaillierAffineOperationProof Prove(
        ReadOnlySpan<byte> context,
        PaillierPublicKey verifierKey,
        PaillierPublicKey proverKey,
        GmpInteger c,
        GmpInteger d,
        GmpInteger y,
        Element point,
        PaillierAffineOperationWitness witness,
        RingPedersenParameters verifierParameters,
        IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(verifierKey);
        ArgumentNullException.ThrowIfNull(proverKey);
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(witness);
        CheckWitnessRanges(witness.X, witness.Y, nameof(witness));

        if (!verifierKey.IsValidCiphertext(c) || !verifierKey.IsValidCiphertext(d) || !proverKey.IsValidCiphertext(y))
        {
            throw new ArgumentException("C and D must be valid ciphertexts under N₀, and Y under N₁.", nameof(c));
        }

        CheckPoint(witness.X, point);

        using (var cx = verifierKey.Multiply(c, witness.X))
        using (var encY = verifierKey.Encrypt(witness.Y, witness.Rho))
        using (var expectedD = verifierKey.Add(cx, encY))
        using (var expectedY = proverKey.Encrypt(witness.Y, witness.RhoY))
        {
            if (expectedD.CompareTo(d) != 0 || expectedY.CompareTo(y) != 0)
            {
                throw new ArgumentException("D must equal C^x · Enc_N₀(y; ρ) and Y must equal Enc_N₁(y; ρ_y).", nameof(witness));
            }
        }

        return ProveCore(context, verifierKey, proverKey, c, d, y, point, witness, verifierParameters, random);
    }

    /// <summary>
    /// The MtA sender's step (CGGMP21 Fig. 7, round 2) with its proof: draws ρ ∈ Z*_N₀ and
    /// ρ_y ∈ Z*_N₁, computes D = C^x · Enc_N₀(y; ρ) and Y = Enc_N₁(y; ρ_y) — under the prover's own
    /// key N₁, by CRT — and proves the statement (N₀, N₁, C, D, Y, X). Since D and Y are built here
    /// from the witness, the consistency re-check of <see cref="Prove"/> (two more encryptions) is
    /// not needed; ranges and X = x·G are still checked.
    /// </summary>
    /// <returns>The proof; <paramref name="d"/> and <paramref name="encryptedY"/> receive D and Y.</returns>
    public static PaillierAffineOperationProof ProveAffine(
        ReadOnlySpan<byte> context,
        PaillierPublicKey verifierKey,
        PaillierSecretKey prover,
        GmpInteger c,
        GmpInteger x,
        GmpInteger y,
        Element point,
        RingPedersenParameters verifierParameters,
        IRandomSource? random,
        out GmpInteger d,
        out GmpInteger encryptedY)
    {
        var proof = ProveAffine(context, verifierKey, prover, c, x, y, point, verifierParameters, random, out d, out encryptedY, out var witness);
        witness.Dispose();
        return proof;
    }

    /// <summary>
    /// <see cref="ProveAffine(ReadOnlySpan{byte}, PaillierPublicKey, PaillierSecretKey, GmpInteger, GmpInteger, GmpInteger, Element, RingPedersenParameters, IRandomSource?, out GmpInteger, out GmpInteger)"/>
    /// that also hands back the witness (x, y, ρ, ρ_y; secret, the caller disposes it), so that the
    /// same statement can be proved again to other verifiers with <see cref="Prove"/> (CGGMP21's
    /// presigning identification step, Fig. 7 "Output" 2).
    /// </summary>
    public static PaillierAffineOperationProof ProveAffine(
        ReadOnlySpan<byte> context,
        PaillierPublicKey verifierKey,
        PaillierSecretKey prover,
        GmpInteger c,
        GmpInteger x,
        GmpInteger y,
        Element point,
        RingPedersenParameters verifierParameters,
        IRandomSource? random,
        out GmpInteger d,
        out GmpInteger encryptedY,
        out PaillierAffineOperationWitness witness)
    {
        ArgumentNullException.ThrowIfNull(verifierKey);
        ArgumentNullException.ThrowIfNull(prover);
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(point);
        CheckWitnessRanges(x, y, nameof(x));

        if (!verifierKey.IsValidCiphertext(c))
        {
            throw new ArgumentException("C must be a valid ciphertext under N₀.", nameof(c));
        }

        CheckPoint(x, point);

        random ??= SystemRandomSource.Instance;
        using var rho = verifierKey.RandomUnit(random);
        using var rhoY = prover.PublicKey.RandomUnit(random);
        using (var cx = verifierKey.Multiply(c, x))
        using (var encY = verifierKey.Encrypt(y, rho))
        {
            d = verifierKey.Add(cx, encY);
        }

        encryptedY = prover.EncryptCrt(y, rhoY);
        witness = new PaillierAffineOperationWitness(x, y, rho, rhoY);
        try
        {
            return ProveCore(context, verifierKey, prover.PublicKey, c, d, encryptedY, point, witness, verifierParameters, random, prover);
        }
        catch
        {
            witness.Dispose();
            throw;
        }
    }

    /// <summary>The prover's range checks: x ∈ ±2^ℓ and y ∈ ±2^ℓ'.</summary>
    private static void CheckWitnessRanges(GmpInteger x, GmpInteger y, string paramName)
    {
        using var xBound = PresigningProofSupport.PowerOfTwo(Cggmp21Parameters.Ell);
        using var yBound = PresigningProofSupport.PowerOfTwo(Cggmp21Parameters.EllPrime);
        if (!ProofHelpers.IsInSymmetricRange(x, xBound) || !ProofHelpers.IsInSymmetricRange(y, yBound))
        {
            throw new ArgumentOutOfRangeException(paramName, "x must be in ±2^ℓ and y in ±2^ℓ'.");
        }
    }

    /// <summary>The prover's check that X = x·G and is not the identity.</summary>
    private static void CheckPoint(GmpInteger x, Element point)
    {
        if (!PresigningProofSupport.IsValidPoint(point) || !PresigningProofSupport.MultiplyBase(x).Equals(point))
        {
            throw new ArgumentException("X must equal x·G (and not be the identity).", nameof(point));
        }
    }

    /// <summary>
    /// The prover's algorithm for any witness, without the checks of <see cref="Prove"/> (tests run
    /// it with an out-of-range x or y, or an x that does not match X, to show that the verifier rejects).
    /// </summary>
    internal static PaillierAffineOperationProof ProveCore(
        ReadOnlySpan<byte> context,
        PaillierPublicKey verifierKey,
        PaillierPublicKey proverKey,
        GmpInteger c,
        GmpInteger d,
        GmpInteger y,
        Element point,
        PaillierAffineOperationWitness witness,
        RingPedersenParameters verifierParameters,
        IRandomSource? random,
        PaillierSecretKey? proverSecret = null)
    {
        ArgumentNullException.ThrowIfNull(verifierKey);
        ArgumentNullException.ThrowIfNull(proverKey);
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(witness);
        ArgumentNullException.ThrowIfNull(verifierParameters);
        ProofHelpers.ThrowIfEmpty(context);
        if (!verifierParameters.IsWellFormed())
        {
            throw new ArgumentException("The verifier's ring-Pedersen parameters are malformed.", nameof(verifierParameters));
        }

        random ??= SystemRandomSource.Instance;
        var nHat = verifierParameters.N;
        var s = verifierParameters.S;
        var t = verifierParameters.T;
        const int ellEps = Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon;
        using var ellNHat = GmpInteger.ShiftLeft(nHat, Cggmp21Parameters.Ell);
        using var ellEpsNHat = GmpInteger.ShiftLeft(nHat, ellEps);

        // Step 1: α ← ±2^(ℓ+ε) (α ≢ 0 mod q so B_x is not the identity), β ← ±2^(ℓ'+ε),
        // r ← Z*_N₀, r_y ← Z*_N₁, γ, δ ← ±2^(ℓ+ε)·N̂, m, μ ← ±2^ℓ·N̂.
        var alpha = GmpInteger.RandomSigned(ellEps, random);
        var bx = PresigningProofSupport.MultiplyBase(alpha);
        while (bx.IsIdentity)
        {
            alpha.Dispose();
            alpha = GmpInteger.RandomSigned(ellEps, random);
            bx = PresigningProofSupport.MultiplyBase(alpha);
        }

        using (alpha)
        {
            using var beta = GmpInteger.RandomSigned(Cggmp21Parameters.EllPrime + Cggmp21Parameters.Epsilon, random);
            using var r = verifierKey.RandomUnit(random);
            using var ry = proverKey.RandomUnit(random);
            using var gamma = GmpInteger.RandomSigned(ellEpsNHat, random);
            using var delta = GmpInteger.RandomSigned(ellEpsNHat, random);
            using var m = GmpInteger.RandomSigned(ellNHat, random);
            using var mu = GmpInteger.RandomSigned(ellNHat, random);

            // A = C^α · Enc_N₀(β; r), B_y = Enc_N₁(β; r_y), E = s^α t^γ, S = s^x t^m, F = s^β t^δ, T = s^y t^μ.
            GmpInteger bigA;
            using (var ca = verifierKey.Multiply(c, alpha))
            using (var encBeta = verifierKey.Encrypt(beta, r))
            {
                bigA = verifierKey.Add(ca, encBeta);
            }

            var by = proverSecret is not null ? proverSecret.EncryptCrt(beta, ry) : proverKey.Encrypt(beta, ry);
            var bigE = ProofHelpers.MultiExpSecret(s, alpha, t, gamma, nHat);
            var bigS = ProofHelpers.MultiExpSecret(s, witness.X, t, m, nHat);
            var bigF = ProofHelpers.MultiExpSecret(s, beta, t, delta, nHat);
            var bigT = ProofHelpers.MultiExpSecret(s, witness.Y, t, mu, nHat);

            // Step 2 (Fiat-Shamir): e ← ±q.
            using var e = DeriveChallenge(context, verifierParameters, verifierKey.N, proverKey.N, c, d, y, point, bigA, bx, by, bigE, bigS, bigF, bigT);

            // Step 3: z1 = α + ex, z2 = β + ey, z3 = γ + em, z4 = δ + eμ, w = r ρ^e mod N₀, w_y = r_y ρ_y^e mod N₁.
            var z1 = PresigningProofSupport.AddProduct(alpha, e, witness.X);
            var z2 = PresigningProofSupport.AddProduct(beta, e, witness.Y);
            var z3 = PresigningProofSupport.AddProduct(gamma, e, m);
            var z4 = PresigningProofSupport.AddProduct(delta, e, mu);
            using var rhoE = GmpInteger.PowModSecret(witness.Rho, e, verifierKey.N);
            var w = GmpInteger.MultiplyMod(r, rhoE, verifierKey.N);
            using var rhoYE = proverSecret is not null ? proverSecret.PowModN(witness.RhoY, e) : GmpInteger.PowModSecret(witness.RhoY, e, proverKey.N);
            var wy = GmpInteger.MultiplyMod(ry, rhoYE, proverKey.N);
            return new PaillierAffineOperationProof(bigA, bx, by, bigE, bigS, bigF, bigT, z1, z2, z3, z4, w, wy);
        }
    }

    /// <summary>
    /// Whether this proves the affine-operation statement (N₀ = <paramref name="verifierKey"/>,
    /// N₁ = <paramref name="proverKey"/>, C, D, Y, X) against the verifier's own
    /// <paramref name="verifierParameters"/>, under <paramref name="context"/>. Never throws for an
    /// invalid proof; only for a null argument or an empty context.
    /// </summary>
    public bool Verify(
        ReadOnlySpan<byte> context,
        PaillierPublicKey verifierKey,
        PaillierPublicKey proverKey,
        GmpInteger c,
        GmpInteger d,
        GmpInteger y,
        Element point,
        RingPedersenParameters verifierParameters,
        PaillierSecretKey? ownKey = null) =>
        Check(context, verifierKey, proverKey, c, d, y, point, verifierParameters, ownKey) == ProofFailure.None;

    /// <summary>The first check the proof fails, or <see cref="ProofFailure.None"/>.</summary>
    internal ProofFailure Check(
        ReadOnlySpan<byte> context,
        PaillierPublicKey verifierKey,
        PaillierPublicKey proverKey,
        GmpInteger c,
        GmpInteger d,
        GmpInteger y,
        Element point,
        RingPedersenParameters verifierParameters,
        PaillierSecretKey? ownKey = null)
    {
        ArgumentNullException.ThrowIfNull(verifierKey);
        ArgumentNullException.ThrowIfNull(proverKey);
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(verifierParameters);
        ProofHelpers.ThrowIfEmpty(context);
        if (!verifierParameters.IsWellFormed())
        {
            return ProofFailure.ParametersMalformed;
        }

        // The implicit constraint 2^(ℓ'+ε) < N₀/2, N₁/2.
        const int minimumBits = Cggmp21Parameters.EllPrime + Cggmp21Parameters.Epsilon + 2;
        if (verifierKey.N.BitLength < minimumBits || proverKey.N.BitLength < minimumBits)
        {
            return ProofFailure.ModulusTooSmall;
        }

        // C, D, A ∈ Z*_{N₀²}; Y, B_y ∈ Z*_{N₁²}; E, S, F, T ∈ Z*_N̂; X, B_x non-identity points.
        if (!verifierKey.IsValidCiphertext(c) || !verifierKey.IsValidCiphertext(d) || !verifierKey.IsValidCiphertext(A)
            || !proverKey.IsValidCiphertext(y) || !proverKey.IsValidCiphertext(By))
        {
            return ProofFailure.CiphertextInvalid;
        }

        var nHat = verifierParameters.N;
        if (!ProofHelpers.IsUnit(E, nHat) || !ProofHelpers.IsUnit(S, nHat) || !ProofHelpers.IsUnit(F, nHat) || !ProofHelpers.IsUnit(T, nHat))
        {
            return ProofFailure.CommitmentNotUnit;
        }

        if (!PresigningProofSupport.IsValidPoint(point) || !PresigningProofSupport.IsValidPoint(Bx))
        {
            return ProofFailure.PointInvalid;
        }

        // Step 4, range checks: z1 ∈ ±2^(ℓ+ε), z2 ∈ ±2^(ℓ'+ε).
        using (var bound = PresigningProofSupport.PowerOfTwo(Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon))
        {
            if (!ProofHelpers.IsInSymmetricRange(Z1, bound))
            {
                return ProofFailure.Z1OutOfRange;
            }
        }

        using (var bound = PresigningProofSupport.PowerOfTwo(Cggmp21Parameters.EllPrime + Cggmp21Parameters.Epsilon))
        {
            if (!ProofHelpers.IsInSymmetricRange(Z2, bound))
            {
                return ProofFailure.Z2OutOfRange;
            }
        }

        // Resource bounds, not in the spec: |z3|, |z4| ≤ 2^(ℓ+ε)·N̂ + q·2^ℓ·N̂ ≤ 2^(ℓ+ε+1)·N̂ for honest proofs.
        using (var zBound = GmpInteger.ShiftLeft(nHat, Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon + 1))
        {
            if (!ProofHelpers.IsInSymmetricRange(Z3, zBound) || !ProofHelpers.IsInSymmetricRange(Z4, zBound))
            {
                return ProofFailure.ResponseOutOfRange;
            }
        }

        if (!PresigningProofSupport.IsUnitModN(verifierKey, W) || !PresigningProofSupport.IsUnitModN(proverKey, Wy))
        {
            return ProofFailure.ResponseNotUnit;
        }

        using var e = DeriveChallenge(context, verifierParameters, verifierKey.N, proverKey.N, c, d, y, point, A, Bx, By, E, S, F, T);

        // Step 4: A · D^e = C^z1 · Enc_N₀(z2; w) (mod N₀²).
        using (var de = PresigningProofSupport.PowCiphertextPublic(verifierKey, d, e, ownKey))
        using (var lhs = GmpInteger.MultiplyMod(A, de, verifierKey.NSquared))
        using (var cz1 = PresigningProofSupport.PowCiphertextPublic(verifierKey, c, Z1, ownKey))
        using (var enc = PresigningProofSupport.EncryptPublic(verifierKey, Z2, W, ownKey))
        using (var rhs = GmpInteger.MultiplyMod(cz1, enc, verifierKey.NSquared))
        {
            if (lhs.CompareTo(rhs) != 0)
            {
                return ProofFailure.PaillierEquationMismatch;
            }
        }

        // Step 4: z1·G = B_x + e·X.
        var curve = PresigningProofSupport.Curve;
        if (!PresigningProofSupport.MultiplyBase(Z1).Equals(curve.Add(Bx, PresigningProofSupport.Multiply(point, e))))
        {
            return ProofFailure.GroupEquationMismatch;
        }

        // Step 4: B_y · Y^e = Enc_N₁(z2; w_y) (mod N₁²).
        using (var ye = PresigningProofSupport.PowCiphertextPublic(proverKey, y, e))
        using (var lhs = GmpInteger.MultiplyMod(By, ye, proverKey.NSquared))
        using (var rhs = PresigningProofSupport.EncryptPublic(proverKey, Z2, Wy))
        {
            if (lhs.CompareTo(rhs) != 0)
            {
                return ProofFailure.SecondPaillierEquationMismatch;
            }
        }

        // Step 4: s^z1 t^z3 = E · S^e (mod N̂).
        using (var lhs = ProofHelpers.MultiExpPublic(verifierParameters.S, Z1, verifierParameters.T, Z3, nHat, ownKey))
        using (var se = ProofHelpers.PowPublic(S, e, nHat, ownKey))
        using (var rhs = GmpInteger.MultiplyMod(E, se, nHat))
        {
            if (lhs.CompareTo(rhs) != 0)
            {
                return ProofFailure.RingPedersenEquationMismatch;
            }
        }

        // Step 4: s^z2 t^z4 = F · T^e (mod N̂).
        using (var lhs = ProofHelpers.MultiExpPublic(verifierParameters.S, Z2, verifierParameters.T, Z4, nHat, ownKey))
        using (var te = ProofHelpers.PowPublic(T, e, nHat, ownKey))
        using (var rhs = GmpInteger.MultiplyMod(F, te, nHat))
        {
            if (lhs.CompareTo(rhs) != 0)
            {
                return ProofFailure.SecondRingPedersenEquationMismatch;
            }
        }

        return ProofFailure.None;
    }

    /// <summary>
    /// e ∈ ±q from the transcript over (protocol, context, ℓ, ℓ', ε, N̂, s, t, N₀, N₁, C, D, Y, X,
    /// A, B_x, B_y, E, S, F, T).
    /// </summary>
    internal static GmpInteger DeriveChallenge(
        ReadOnlySpan<byte> context,
        RingPedersenParameters verifierParameters,
        GmpInteger n0,
        GmpInteger n1,
        GmpInteger c,
        GmpInteger d,
        GmpInteger y,
        Element point,
        GmpInteger a,
        Element bx,
        GmpInteger by,
        GmpInteger e,
        GmpInteger s,
        GmpInteger f,
        GmpInteger t)
    {
        using var transcript = new Transcript(ProtocolName);
        transcript.Append("context", context);
        transcript.Append("ell", (ulong)Cggmp21Parameters.Ell);
        transcript.Append("ell-prime", (ulong)Cggmp21Parameters.EllPrime);
        transcript.Append("epsilon", (ulong)Cggmp21Parameters.Epsilon);
        transcript.Append("N-hat", verifierParameters.N);
        transcript.Append("s", verifierParameters.S);
        transcript.Append("t", verifierParameters.T);
        transcript.Append("N0", n0);
        transcript.Append("N1", n1);
        transcript.Append("C", c);
        transcript.Append("D", d);
        transcript.Append("Y", y);
        transcript.Append("X", point);
        transcript.Append("A", a);
        transcript.Append("Bx", bx);
        transcript.Append("By", by);
        transcript.Append("E", e);
        transcript.Append("S", s);
        transcript.Append("F", f);
        transcript.Append("T", t);
        return ProofHelpers.CurveOrderChallenge(transcript);
    }

    /// <summary>Length of the encoding.</summary>
    public override int GetSerializedLength()
    {
        var length = ProofWriter.HeaderSize + ProofWriter.SizeOf(Bx);
        foreach (var v in _values)
        {
            length += ProofWriter.SizeOf(v);
        }

        return length;
    }

    /// <summary>
    /// Parses the canonical encoding: the right version and kind, A, B_y, E, S, F, T, w, w_y
    /// non-negative, B_x a canonical non-identity secp256k1 point, no trailing byte. Structure only;
    /// <see cref="Verify"/> checks the rest.
    /// </summary>
    public static bool TryDeserialize(ReadOnlySpan<byte> source, [NotNullWhen(true)] out PaillierAffineOperationProof? proof)
    {
        proof = null;
        var reader = new ProofReader(source);
        if (!reader.TryReadHeader(Kind))
        {
            return false;
        }

        var values = new GmpInteger?[12];
        Element? bx = null;
        var ok = reader.TryReadInteger(allowNegative: false, out values[0]) && reader.TryReadElement(PresigningProofSupport.Curve, out bx);
        for (var i = 1; i < values.Length && ok; i++)
        {
            // z1..z4 (indices 6..9) are signed; everything else is a residue.
            ok = reader.TryReadInteger(allowNegative: i is >= 6 and <= 9, out values[i]);
        }

        if (!ok || bx is null || !reader.IsAtEnd)
        {
            ProofHelpers.DisposeAll(values);
            return false;
        }

        proof = new PaillierAffineOperationProof(
            values[0]!, bx, values[1]!, values[2]!, values[3]!, values[4]!, values[5]!, values[6]!, values[7]!, values[8]!, values[9]!, values[10]!, values[11]!);
        return true;
    }

    /// <summary>Frees the native numbers.</summary>
    public void Dispose() => ProofHelpers.DisposeAll(_values);

    private protected override void WriteCore(Span<byte> destination)
    {
        var writer = new ProofWriter(destination);
        writer.WriteHeader(Kind);
        writer.WriteInteger(A);
        writer.WriteElement(Bx);
        for (var i = 1; i < _values.Length; i++)
        {
            writer.WriteInteger(_values[i]);
        }
    }
}

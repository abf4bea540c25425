using System.Diagnostics.CodeAnalysis;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Random;
using Conclave.Crypto.Transcripts;

namespace Conclave.Crypto.Proofs;

/// <summary>
/// Π^enc, Paillier encryption in range (CGGMP21, ePrint 2021/060, Fig. 14; Lockness spec
/// §"Π^enc: Paillier Encryption in Range"), made non-interactive with Fiat-Shamir: the prover knows
/// k ∈ ±2^ℓ and ρ with K = Enc_N₀(k; ρ) under its own Paillier key N₀; soundness guarantees
/// k ∈ ±2^(ℓ+ε). It is computed against the verifier's ring-Pedersen parameters (N̂, s, t), whose
/// trapdoor the prover must not know. ℓ = 256, ε = 512 and e ← ±q (secp256k1 order) are those of
/// <see cref="Cggmp21Parameters"/>.
/// </summary>
/// <remarks>
/// The transcript starts with the protocol name "conclave/cggmp21/pi-enc/v1" and the caller's
/// context bytes, then ℓ, ε, (N̂, s, t), the statement (N₀, K) and the first message (S, A, C).
/// Binding the session id and the prover's id into the context is the caller's duty: without
/// them a proof can be replayed in another session or by another party.
/// </remarks>
public sealed class PaillierEncryptionInRangeProof : IntegerListProof
{
    /// <summary>The transcript's protocol name.</summary>
    internal const string ProtocolName = "conclave/cggmp21/pi-enc/v1";

    private const byte Kind = 4;


    /// <summary>Takes ownership of the values (tests build tampered proofs through this).</summary>
    internal PaillierEncryptionInRangeProof(GmpInteger s, GmpInteger a, GmpInteger c, GmpInteger z1, GmpInteger z2, GmpInteger z3)
        : base(Kind, [s, a, c, z1, z2, z3])
    {
    }

    /// <summary>S = s^k t^μ mod N̂.</summary>
    public GmpInteger S => Values[0];

    /// <summary>A = Enc_N₀(α; r).</summary>
    public GmpInteger A => Values[1];

    /// <summary>C = s^α t^γ mod N̂.</summary>
    public GmpInteger C => Values[2];

    /// <summary>z1 = α + e k (signed).</summary>
    public GmpInteger Z1 => Values[3];

    /// <summary>z2 = r ρ^e mod N₀.</summary>
    public GmpInteger Z2 => Values[4];

    /// <summary>z3 = γ + e μ (signed).</summary>
    public GmpInteger Z3 => Values[5];

    /// <summary>
    /// Proves that <paramref name="ciphertext"/> K = Enc_N₀(<paramref name="plaintext"/>; <paramref name="rho"/>)
    /// under the prover's <paramref name="proverKey"/> with k ∈ ±2^ℓ, against the verifier's
    /// <paramref name="verifierParameters"/>. <paramref name="context"/> must bind the session and
    /// the prover (see the remarks on the type). Throws if the witness does not match the statement
    /// or k is out of range.
    /// </summary>
    public static PaillierEncryptionInRangeProof Prove(
        ReadOnlySpan<byte> context,
        PaillierPublicKey proverKey,
        GmpInteger ciphertext,
        GmpInteger plaintext,
        GmpInteger rho,
        RingPedersenParameters verifierParameters,
        IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(proverKey);
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(rho);
        CheckPlaintextRange(plaintext);

        if (!proverKey.IsValidCiphertext(ciphertext))
        {
            throw new ArgumentException("K must be a valid ciphertext under N₀.", nameof(ciphertext));
        }

        using (var expected = proverKey.Encrypt(plaintext, rho))
        {
            if (expected.CompareTo(ciphertext) != 0)
            {
                throw new ArgumentException("K must equal Enc_N₀(k; ρ).", nameof(ciphertext));
            }
        }

        return ProveCore(context, proverKey, ciphertext, plaintext, rho, verifierParameters, random);
    }

    /// <summary>
    /// <see cref="Prove"/> for a ciphertext the caller has just made under its own key
    /// <paramref name="prover"/> (K = Enc(k; ρ) by construction, as in CGGMP21 presigning round 1):
    /// the range of k is checked, the re-encryption that checks K is skipped, and the prover's
    /// Paillier operations run by CRT. The proof is the same as <see cref="Prove"/>'s.
    /// </summary>
    internal static PaillierEncryptionInRangeProof ProveOwn(ReadOnlySpan<byte> context, PaillierSecretKey prover, GmpInteger ciphertext, GmpInteger plaintext, GmpInteger rho, RingPedersenParameters verifierParameters, IRandomSource? random)
    {
        ArgumentNullException.ThrowIfNull(prover);
        ArgumentNullException.ThrowIfNull(plaintext);
        CheckPlaintextRange(plaintext);

        return ProveCore(context, prover.PublicKey, ciphertext, plaintext, rho, verifierParameters, random, prover);
    }

    /// <summary>The prover's range check: k ∈ ±2^ℓ.</summary>
    private static void CheckPlaintextRange(GmpInteger plaintext)
    {
        using var bound = PresigningProofSupport.PowerOfTwo(Cggmp21Parameters.Ell);
        if (!ProofHelpers.IsInSymmetricRange(plaintext, bound))
        {
            throw new ArgumentOutOfRangeException(nameof(plaintext), "k must be in ±2^ℓ.");
        }
    }

    /// <summary>
    /// The prover's algorithm for any witness, without the range and consistency checks of
    /// <see cref="Prove"/> (tests run it with an out-of-range k to show that the verifier rejects).
    /// </summary>
    internal static PaillierEncryptionInRangeProof ProveCore(
        ReadOnlySpan<byte> context,
        PaillierPublicKey proverKey,
        GmpInteger ciphertext,
        GmpInteger plaintext,
        GmpInteger rho,
        RingPedersenParameters verifierParameters,
        IRandomSource? random,
        PaillierSecretKey? proverSecret = null)
    {
        ArgumentNullException.ThrowIfNull(proverKey);
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(rho);
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
        var n0 = proverKey.N;
        using var ellNHat = GmpInteger.ShiftLeft(nHat, Cggmp21Parameters.Ell);
        using var ellEpsNHat = GmpInteger.ShiftLeft(nHat, Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon);

        // Step 1: α ← ±2^(ℓ+ε), μ ← ±2^ℓ·N̂, r ← Z*_N₀, γ ← ±2^(ℓ+ε)·N̂.
        using var alpha = GmpInteger.RandomSigned(Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon, random);
        using var mu = GmpInteger.RandomSigned(ellNHat, random);
        using var r = proverKey.RandomUnit(random);
        using var gamma = GmpInteger.RandomSigned(ellEpsNHat, random);

        // S = s^k t^μ, A = Enc_N₀(α; r), C = s^α t^γ.
        var bigS = ProofHelpers.MultiExpSecret(s, plaintext, t, mu, nHat);
        var bigA = proverSecret is not null ? proverSecret.EncryptCrt(alpha, r) : proverKey.Encrypt(alpha, r);
        var bigC = ProofHelpers.MultiExpSecret(s, alpha, t, gamma, nHat);

        // Step 2 (Fiat-Shamir): e ← ±q.
        using var e = DeriveChallenge(context, verifierParameters, n0, ciphertext, bigS, bigA, bigC);

        // Step 3: z1 = α + ek, z2 = r ρ^e mod N₀, z3 = γ + eμ.
        var z1 = PresigningProofSupport.AddProduct(alpha, e, plaintext);
        using var rhoE = proverSecret is not null ? proverSecret.PowModN(rho, e) : GmpInteger.PowModSecret(rho, e, n0);
        var z2 = GmpInteger.MultiplyMod(r, rhoE, n0);
        var z3 = PresigningProofSupport.AddProduct(gamma, e, mu);
        return new PaillierEncryptionInRangeProof(bigS, bigA, bigC, z1, z2, z3);
    }

    /// <summary>
    /// Whether this proves that <paramref name="ciphertext"/> K encrypts a plaintext in ±2^(ℓ+ε)
    /// under <paramref name="proverKey"/>, against the verifier's own
    /// <paramref name="verifierParameters"/>, under <paramref name="context"/>. Never throws for an
    /// invalid proof; only for a null argument or an empty context.
    /// </summary>
    public bool Verify(ReadOnlySpan<byte> context, PaillierPublicKey proverKey, GmpInteger ciphertext, RingPedersenParameters verifierParameters, PaillierSecretKey? ownKey = null) =>
        Check(context, proverKey, ciphertext, verifierParameters, ownKey) == ProofFailure.None;

    /// <summary>The first check the proof fails, or <see cref="ProofFailure.None"/>.</summary>
    internal ProofFailure Check(ReadOnlySpan<byte> context, PaillierPublicKey proverKey, GmpInteger ciphertext, RingPedersenParameters verifierParameters, PaillierSecretKey? ownKey = null)
    {
        ArgumentNullException.ThrowIfNull(proverKey);
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(verifierParameters);
        ProofHelpers.ThrowIfEmpty(context);
        if (!verifierParameters.IsWellFormed())
        {
            return ProofFailure.ParametersMalformed;
        }

        // The implicit constraint 2^(ℓ+ε) < N₀/2: otherwise z1 ∈ ±2^(ℓ+ε) says nothing mod N₀.
        if (proverKey.N.BitLength < Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon + 2)
        {
            return ProofFailure.ModulusTooSmall;
        }

        // K, A ∈ Z*_{N₀²}; S, C ∈ Z*_N̂ (before any exponentiation; every inverse then exists).
        if (!proverKey.IsValidCiphertext(ciphertext) || !proverKey.IsValidCiphertext(A))
        {
            return ProofFailure.CiphertextInvalid;
        }

        var nHat = verifierParameters.N;
        if (!ProofHelpers.IsUnit(S, nHat) || !ProofHelpers.IsUnit(C, nHat))
        {
            return ProofFailure.CommitmentNotUnit;
        }

        // Step 4, range check: z1 ∈ ±2^(ℓ+ε).
        using (var bound = PresigningProofSupport.PowerOfTwo(Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon))
        {
            if (!ProofHelpers.IsInSymmetricRange(Z1, bound))
            {
                return ProofFailure.Z1OutOfRange;
            }
        }

        // Resource bound, not in the spec: |z3| ≤ 2^(ℓ+ε)·N̂ + q·2^ℓ·N̂ ≤ 2^(ℓ+ε+1)·N̂ for honest proofs.
        using (var z3Bound = GmpInteger.ShiftLeft(nHat, Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon + 1))
        {
            if (!ProofHelpers.IsInSymmetricRange(Z3, z3Bound))
            {
                return ProofFailure.ResponseOutOfRange;
            }
        }

        // z2 is Paillier randomness: it must be in Z*_N₀.
        if (!PresigningProofSupport.IsUnitModN(proverKey, Z2))
        {
            return ProofFailure.ResponseNotUnit;
        }

        using var e = DeriveChallenge(context, verifierParameters, proverKey.N, ciphertext, S, A, C);

        // Step 4: A · K^e = Enc_N₀(z1; z2) (mod N₀²).
        using (var ke = PresigningProofSupport.PowCiphertextPublic(proverKey, ciphertext, e))
        using (var lhs = GmpInteger.MultiplyMod(A, ke, proverKey.NSquared))
        using (var rhs = PresigningProofSupport.EncryptPublic(proverKey, Z1, Z2))
        {
            if (lhs.CompareTo(rhs) != 0)
            {
                return ProofFailure.PaillierEquationMismatch;
            }
        }

        // Step 4: s^z1 t^z3 = C · S^e (mod N̂).
        using (var lhs = ProofHelpers.MultiExpPublic(verifierParameters.S, Z1, verifierParameters.T, Z3, nHat, ownKey))
        using (var se = ProofHelpers.PowPublic(S, e, nHat, ownKey))
        using (var rhs = GmpInteger.MultiplyMod(C, se, nHat))
        {
            if (lhs.CompareTo(rhs) != 0)
            {
                return ProofFailure.RingPedersenEquationMismatch;
            }
        }

        return ProofFailure.None;
    }

    /// <summary>e ∈ ±q from the transcript over (protocol, context, ℓ, ε, N̂, s, t, N₀, K, S, A, C).</summary>
    internal static GmpInteger DeriveChallenge(
        ReadOnlySpan<byte> context,
        RingPedersenParameters verifierParameters,
        GmpInteger n0,
        GmpInteger ciphertext,
        GmpInteger s,
        GmpInteger a,
        GmpInteger c)
    {
        using var transcript = new Transcript(ProtocolName);
        transcript.Append("context", context);
        transcript.Append("ell", (ulong)Cggmp21Parameters.Ell);
        transcript.Append("epsilon", (ulong)Cggmp21Parameters.Epsilon);
        transcript.Append("N-hat", verifierParameters.N);
        transcript.Append("s", verifierParameters.S);
        transcript.Append("t", verifierParameters.T);
        transcript.Append("N0", n0);
        transcript.Append("K", ciphertext);
        transcript.Append("S", s);
        transcript.Append("A", a);
        transcript.Append("C", c);
        return ProofHelpers.CurveOrderChallenge(transcript);
    }

    /// <summary>
    /// Parses the canonical encoding: the right version and kind, S, A, C, z2 non-negative, no
    /// trailing byte. Structure only; <see cref="Verify"/> checks the rest.
    /// </summary>
    public static bool TryDeserialize(ReadOnlySpan<byte> source, [NotNullWhen(true)] out PaillierEncryptionInRangeProof? proof)
    {
        var values = TryReadValues(source, Kind, 6, i => i is 3 or 5);
        proof = values is null ? null : new PaillierEncryptionInRangeProof(values[0], values[1], values[2], values[3], values[4], values[5]);
        return proof is not null;
    }

}

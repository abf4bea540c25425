using System.Diagnostics.CodeAnalysis;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Random;
using Conclave.Crypto.Transcripts;

namespace Conclave.Crypto.Proofs;

/// <summary>
/// Π^log*, group element vs. Paillier encryption in range (CGGMP21, ePrint 2021/060, Fig. 25;
/// Lockness spec §"Π^log*: Group Element vs. Paillier Encryption in Range"), made non-interactive
/// with Fiat-Shamir: the prover knows x ∈ ±2^ℓ and ρ with C = Enc_N₀(x; ρ) under its own Paillier
/// key N₀ and X = x·B on secp256k1 (x taken mod q); soundness guarantees x ∈ ±2^(ℓ+ε). It is
/// computed against the verifier's ring-Pedersen parameters (N̂, s, t). ℓ = 256, ε = 512 and
/// e ← ±q are those of <see cref="Cggmp21Parameters"/>.
/// </summary>
/// <remarks>
/// The transcript starts with the protocol name "conclave/cggmp21/pi-log-star/v1" and the caller's
/// context bytes, then ℓ, ε, (N̂, s, t), the statement (N₀, C, X, B) and the first message
/// (S, A, Y, D). Binding the session id and the prover's id into the context is the caller's duty.
/// The points B, X and Y must be secp256k1 elements other than the identity.
/// </remarks>
public sealed class GroupElementVsPaillierEncryptionProof : EncodedProof, IDisposable
{
    /// <summary>The transcript's protocol name.</summary>
    internal const string ProtocolName = "conclave/cggmp21/pi-log-star/v1";

    private const byte Kind = 6;

    private readonly GmpInteger[] _values; // S, A, D, z1, z2, z3

    /// <summary>Takes ownership of the values (tests build tampered proofs through this).</summary>
    internal GroupElementVsPaillierEncryptionProof(GmpInteger s, GmpInteger a, Element y, GmpInteger d, GmpInteger z1, GmpInteger z2, GmpInteger z3)
    {
        ArgumentNullException.ThrowIfNull(y);
        _values = [s, a, d, z1, z2, z3];
        Y = y;
    }

    /// <summary>S = s^x t^μ mod N̂.</summary>
    public GmpInteger S => _values[0];

    /// <summary>A = Enc_N₀(α; r).</summary>
    public GmpInteger A => _values[1];

    /// <summary>Y = α·B.</summary>
    public Element Y { get; }

    /// <summary>D = s^α t^γ mod N̂.</summary>
    public GmpInteger D => _values[2];

    /// <summary>z1 = α + e x (signed).</summary>
    public GmpInteger Z1 => _values[3];

    /// <summary>z2 = r ρ^e mod N₀.</summary>
    public GmpInteger Z2 => _values[4];

    /// <summary>z3 = γ + e μ (signed).</summary>
    public GmpInteger Z3 => _values[5];

    /// <summary>
    /// Proves that <paramref name="ciphertext"/> C = Enc_N₀(x; ρ) under <paramref name="proverKey"/>
    /// and <paramref name="point"/> X = x·<paramref name="basePoint"/> for the same x ∈ ±2^ℓ, against
    /// the verifier's <paramref name="verifierParameters"/>. Throws if the witness does not match
    /// the statement or x is out of range.
    /// </summary>
    public static GroupElementVsPaillierEncryptionProof Prove(
        ReadOnlySpan<byte> context,
        PaillierPublicKey proverKey,
        GmpInteger ciphertext,
        Element point,
        Element basePoint,
        GmpInteger x,
        GmpInteger rho,
        RingPedersenParameters verifierParameters,
        IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(proverKey);
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(basePoint);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(rho);
        CheckWitness(point, basePoint, x);

        if (!proverKey.IsValidCiphertext(ciphertext))
        {
            throw new ArgumentException("C must be a valid ciphertext under N₀.", nameof(ciphertext));
        }

        using (var expected = proverKey.Encrypt(x, rho))
        {
            if (expected.CompareTo(ciphertext) != 0)
            {
                throw new ArgumentException("C must equal Enc_N₀(x; ρ).", nameof(ciphertext));
            }
        }

        return ProveCore(context, proverKey, ciphertext, point, basePoint, x, rho, verifierParameters, random);
    }

    /// <summary>
    /// <see cref="Prove"/> for a ciphertext the caller made under its own key <paramref name="prover"/>
    /// (C = Enc(x; ρ) by construction, as in CGGMP21 presigning rounds 2 and 3): the range of x and
    /// X = x·B are checked, the re-encryption that checks C is skipped, and the prover's Paillier
    /// operations run by CRT. The proof is the same as <see cref="Prove"/>'s.
    /// </summary>
    internal static GroupElementVsPaillierEncryptionProof ProveOwn(ReadOnlySpan<byte> context, PaillierSecretKey prover, GmpInteger ciphertext, Element point, Element basePoint, GmpInteger x, GmpInteger rho, RingPedersenParameters verifierParameters, IRandomSource? random)
    {
        ArgumentNullException.ThrowIfNull(prover);
        ArgumentNullException.ThrowIfNull(x);
        CheckWitness(point, basePoint, x);

        return ProveCore(context, prover.PublicKey, ciphertext, point, basePoint, x, rho, verifierParameters, random, prover);
    }

    /// <summary>The prover's checks on its witness: x ∈ ±2^ℓ, B and X valid non-identity points, X = x·B.</summary>
    private static void CheckWitness(Element point, Element basePoint, GmpInteger x)
    {
        using (var bound = PresigningProofSupport.PowerOfTwo(Cggmp21Parameters.Ell))
        {
            if (!ProofHelpers.IsInSymmetricRange(x, bound))
            {
                throw new ArgumentOutOfRangeException(nameof(x), "x must be in ±2^ℓ.");
            }
        }

        if (!PresigningProofSupport.IsValidPoint(basePoint) || !PresigningProofSupport.IsValidPoint(point))
        {
            throw new ArgumentException("B and X must be secp256k1 points other than the identity.", nameof(point));
        }

        if (!PresigningProofSupport.Multiply(basePoint, x).Equals(point))
        {
            throw new ArgumentException("X must equal x·B.", nameof(point));
        }
    }

    /// <summary>
    /// The prover's algorithm for any witness, without the checks of <see cref="Prove"/> (tests run
    /// it with an out-of-range x, or an x that does not match X, to show that the verifier rejects).
    /// </summary>
    internal static GroupElementVsPaillierEncryptionProof ProveCore(
        ReadOnlySpan<byte> context,
        PaillierPublicKey proverKey,
        GmpInteger ciphertext,
        Element point,
        Element basePoint,
        GmpInteger x,
        GmpInteger rho,
        RingPedersenParameters verifierParameters,
        IRandomSource? random,
        PaillierSecretKey? proverSecret = null)
    {
        ArgumentNullException.ThrowIfNull(proverKey);
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(basePoint);
        ArgumentNullException.ThrowIfNull(x);
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

        // Step 1: α ← ±2^(ℓ+ε), μ ← ±2^ℓ·N̂, r ← Z*_N₀, γ ← ±2^(ℓ+ε)·N̂ (α ≢ 0 mod q so Y is not the identity).
        var alpha = GmpInteger.RandomSigned(Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon, random);
        var y = PresigningProofSupport.Multiply(basePoint, alpha);
        while (y.IsIdentity)
        {
            alpha.Dispose();
            alpha = GmpInteger.RandomSigned(Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon, random);
            y = PresigningProofSupport.Multiply(basePoint, alpha);
        }

        using (alpha)
        {
            using var mu = GmpInteger.RandomSigned(ellNHat, random);
            using var r = proverKey.RandomUnit(random);
            using var gamma = GmpInteger.RandomSigned(ellEpsNHat, random);

            // S = s^x t^μ, A = Enc_N₀(α; r), Y = α·B, D = s^α t^γ.
            var bigS = ProofHelpers.MultiExpSecret(s, x, t, mu, nHat);
            var bigA = proverSecret is not null ? proverSecret.EncryptCrt(alpha, r) : proverKey.Encrypt(alpha, r);
            var bigD = ProofHelpers.MultiExpSecret(s, alpha, t, gamma, nHat);

            // Step 2 (Fiat-Shamir): e ← ±q.
            using var e = DeriveChallenge(context, verifierParameters, n0, ciphertext, point, basePoint, bigS, bigA, y, bigD);

            // Step 3: z1 = α + ex, z2 = r ρ^e mod N₀, z3 = γ + eμ.
            var z1 = PresigningProofSupport.AddProduct(alpha, e, x);
            using var rhoE = proverSecret is not null ? proverSecret.PowModN(rho, e) : GmpInteger.PowModSecret(rho, e, n0);
            var z2 = GmpInteger.MultiplyMod(r, rhoE, n0);
            var z3 = PresigningProofSupport.AddProduct(gamma, e, mu);
            return new GroupElementVsPaillierEncryptionProof(bigS, bigA, y, bigD, z1, z2, z3);
        }
    }

    /// <summary>
    /// Whether this proves that <paramref name="ciphertext"/> C under <paramref name="proverKey"/>
    /// encrypts the discrete logarithm of <paramref name="point"/> X to <paramref name="basePoint"/>
    /// B, in ±2^(ℓ+ε), against the verifier's own <paramref name="verifierParameters"/>, under
    /// <paramref name="context"/>. Never throws for an invalid proof; only for a null argument or
    /// an empty context.
    /// </summary>
    public bool Verify(ReadOnlySpan<byte> context, PaillierPublicKey proverKey, GmpInteger ciphertext, Element point, Element basePoint, RingPedersenParameters verifierParameters, PaillierSecretKey? ownKey = null) =>
        Check(context, proverKey, ciphertext, point, basePoint, verifierParameters, ownKey) == ProofFailure.None;

    /// <summary>The first check the proof fails, or <see cref="ProofFailure.None"/>.</summary>
    internal ProofFailure Check(ReadOnlySpan<byte> context, PaillierPublicKey proverKey, GmpInteger ciphertext, Element point, Element basePoint, RingPedersenParameters verifierParameters, PaillierSecretKey? ownKey = null)
    {
        ArgumentNullException.ThrowIfNull(proverKey);
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(basePoint);
        ArgumentNullException.ThrowIfNull(verifierParameters);
        ProofHelpers.ThrowIfEmpty(context);
        if (!verifierParameters.IsWellFormed())
        {
            return ProofFailure.ParametersMalformed;
        }

        // The implicit constraint 2^(ℓ+ε) < N₀/2.
        if (proverKey.N.BitLength < Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon + 2)
        {
            return ProofFailure.ModulusTooSmall;
        }

        // C, A ∈ Z*_{N₀²}; S, D ∈ Z*_N̂; B, X, Y non-identity secp256k1 points.
        if (!proverKey.IsValidCiphertext(ciphertext) || !proverKey.IsValidCiphertext(A))
        {
            return ProofFailure.CiphertextInvalid;
        }

        var nHat = verifierParameters.N;
        if (!ProofHelpers.IsUnit(S, nHat) || !ProofHelpers.IsUnit(D, nHat))
        {
            return ProofFailure.CommitmentNotUnit;
        }

        if (!PresigningProofSupport.IsValidPoint(basePoint) || !PresigningProofSupport.IsValidPoint(point) || !PresigningProofSupport.IsValidPoint(Y))
        {
            return ProofFailure.PointInvalid;
        }

        // Step 4, range check: z1 ∈ ±2^(ℓ+ε).
        using (var bound = PresigningProofSupport.PowerOfTwo(Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon))
        {
            if (!ProofHelpers.IsInSymmetricRange(Z1, bound))
            {
                return ProofFailure.Z1OutOfRange;
            }
        }

        // Resource bound, not in the spec: |z3| ≤ 2^(ℓ+ε+1)·N̂ for honest proofs.
        using (var z3Bound = GmpInteger.ShiftLeft(nHat, Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon + 1))
        {
            if (!ProofHelpers.IsInSymmetricRange(Z3, z3Bound))
            {
                return ProofFailure.ResponseOutOfRange;
            }
        }

        if (!PresigningProofSupport.IsUnitModN(proverKey, Z2))
        {
            return ProofFailure.ResponseNotUnit;
        }

        using var e = DeriveChallenge(context, verifierParameters, proverKey.N, ciphertext, point, basePoint, S, A, Y, D);

        // Step 4: Enc_N₀(z1; z2) = A · C^e (mod N₀²).
        using (var ce = PresigningProofSupport.PowCiphertextPublic(proverKey, ciphertext, e))
        using (var rhs = GmpInteger.MultiplyMod(A, ce, proverKey.NSquared))
        using (var lhs = PresigningProofSupport.EncryptPublic(proverKey, Z1, Z2))
        {
            if (lhs.CompareTo(rhs) != 0)
            {
                return ProofFailure.PaillierEquationMismatch;
            }
        }

        // Step 4: z1·B = Y + e·X.
        var curve = PresigningProofSupport.Curve;
        if (!PresigningProofSupport.Multiply(basePoint, Z1).Equals(curve.Add(Y, PresigningProofSupport.Multiply(point, e))))
        {
            return ProofFailure.GroupEquationMismatch;
        }

        // Step 4: s^z1 t^z3 = D · S^e (mod N̂).
        using (var lhs = ProofHelpers.MultiExpPublic(verifierParameters.S, Z1, verifierParameters.T, Z3, nHat, ownKey))
        using (var se = ProofHelpers.PowPublic(S, e, nHat, ownKey))
        using (var rhs = GmpInteger.MultiplyMod(D, se, nHat))
        {
            if (lhs.CompareTo(rhs) != 0)
            {
                return ProofFailure.RingPedersenEquationMismatch;
            }
        }

        return ProofFailure.None;
    }

    /// <summary>e ∈ ±q from the transcript over (protocol, context, ℓ, ε, N̂, s, t, N₀, C, X, B, S, A, Y, D).</summary>
    internal static GmpInteger DeriveChallenge(
        ReadOnlySpan<byte> context,
        RingPedersenParameters verifierParameters,
        GmpInteger n0,
        GmpInteger ciphertext,
        Element point,
        Element basePoint,
        GmpInteger s,
        GmpInteger a,
        Element y,
        GmpInteger d)
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
        transcript.Append("X", point);
        transcript.Append("B", basePoint);
        transcript.Append("S", s);
        transcript.Append("A", a);
        transcript.Append("Y", y);
        transcript.Append("D", d);
        return ProofHelpers.CurveOrderChallenge(transcript);
    }

    /// <summary>Length of the encoding.</summary>
    public override int GetSerializedLength()
    {
        var length = ProofWriter.HeaderSize + ProofWriter.SizeOf(Y);
        foreach (var v in _values)
        {
            length += ProofWriter.SizeOf(v);
        }

        return length;
    }

    /// <summary>
    /// Parses the canonical encoding: the right version and kind, S, A, D, z2 non-negative, Y a
    /// canonical non-identity secp256k1 point, no trailing byte. Structure only; <see cref="Verify"/>
    /// checks the rest.
    /// </summary>
    public static bool TryDeserialize(ReadOnlySpan<byte> source, [NotNullWhen(true)] out GroupElementVsPaillierEncryptionProof? proof)
    {
        proof = null;
        var reader = new ProofReader(source);
        if (!reader.TryReadHeader(Kind))
        {
            return false;
        }

        var values = new GmpInteger?[6];
        Element? y = null;
        var ok = reader.TryReadInteger(allowNegative: false, out values[0])
            && reader.TryReadInteger(allowNegative: false, out values[1])
            && reader.TryReadElement(PresigningProofSupport.Curve, out y)
            && reader.TryReadInteger(allowNegative: false, out values[2])
            && reader.TryReadInteger(allowNegative: true, out values[3])
            && reader.TryReadInteger(allowNegative: false, out values[4])
            && reader.TryReadInteger(allowNegative: true, out values[5]);
        if (!ok || y is null || !reader.IsAtEnd)
        {
            ProofHelpers.DisposeAll(values);
            return false;
        }

        proof = new GroupElementVsPaillierEncryptionProof(values[0]!, values[1]!, y, values[2]!, values[3]!, values[4]!, values[5]!);
        return true;
    }

    /// <summary>Frees the native numbers.</summary>
    public void Dispose() => ProofHelpers.DisposeAll(_values);

    private protected override void WriteCore(Span<byte> destination)
    {
        var writer = new ProofWriter(destination);
        writer.WriteHeader(Kind);
        writer.WriteInteger(S);
        writer.WriteInteger(A);
        writer.WriteElement(Y);
        writer.WriteInteger(D);
        writer.WriteInteger(Z1);
        writer.WriteInteger(Z2);
        writer.WriteInteger(Z3);
    }
}

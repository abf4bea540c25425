using System.Diagnostics.CodeAnalysis;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Random;
using Conclave.Crypto.Transcripts;

namespace Conclave.Crypto.Proofs;

/// <summary>
/// Π^mul*, multiplication Paillier vs. group (CGGMP21, ePrint 2021/060, latest revision, appendix
/// "Multiplication Paillier vs Group"; reference: taurusgroup/multi-party-sig <c>pkg/zk/mulstar</c>),
/// made non-interactive with Fiat-Shamir: for ciphertexts C, D under a Paillier key N₀ and a point X
/// on secp256k1, the prover knows x ∈ ±2^ℓ and ρ ∈ Z*_N₀ with D = C^x · ρ^N₀ (mod N₀²) and X = x·G;
/// soundness guarantees x ∈ ±2^(ℓ+ε). It is computed against the verifier's ring-Pedersen
/// parameters (N̂, s, t). The signing-time identification uses it for Ĥ_i = K_i^{x_i}·ρ^N (an
/// encryption of k_i·x_i) with X = X_i.
/// </summary>
/// <remarks>
/// Prover: α ← ±2^(ℓ+ε), r ← Z*_N₀, γ ← ±2^(ℓ+ε)·N̂, m ← ±2^ℓ·N̂; A = C^α r^N₀, B_x = α·G,
/// E = s^α t^γ, S = s^x t^m; e ← ±q; z1 = α + e·x, z2 = γ + e·m, w = r·ρ^e (mod N₀).
/// Verifier: z1 ∈ ±2^(ℓ+ε); C^z1 w^N₀ = A·D^e (mod N₀²); z1·G = B_x + e·X; s^z1 t^z2 = E·S^e (mod N̂).
/// The transcript starts with "conclave/cggmp21/pi-mul-star/v1" and the caller's context bytes
/// (binding session and prover), then ℓ, ε, (N̂, s, t), the statement (N₀, C, D, X) and the first
/// message (A, B_x, E, S).
/// </remarks>
public sealed class PaillierMultiplicationVsGroupProof : EncodedProof, IDisposable
{
    /// <summary>The transcript's protocol name.</summary>
    internal const string ProtocolName = "conclave/cggmp21/pi-mul-star/v1";

    private const byte Kind = 9;

    private readonly GmpInteger[] _values; // A, E, S, z1, z2, w

    /// <summary>Takes ownership of the values (tests build tampered proofs through this).</summary>
    internal PaillierMultiplicationVsGroupProof(GmpInteger a, Element bx, GmpInteger e, GmpInteger s, GmpInteger z1, GmpInteger z2, GmpInteger w)
    {
        ArgumentNullException.ThrowIfNull(bx);
        _values = [a, e, s, z1, z2, w];
        Bx = bx;
    }

    /// <summary>A = C^α r^N₀ mod N₀².</summary>
    public GmpInteger A => _values[0];

    /// <summary>B_x = α·G.</summary>
    public Element Bx { get; }

    /// <summary>E = s^α t^γ mod N̂.</summary>
    public GmpInteger E => _values[1];

    /// <summary>S = s^x t^m mod N̂.</summary>
    public GmpInteger S => _values[2];

    /// <summary>z1 = α + e·x (signed).</summary>
    public GmpInteger Z1 => _values[3];

    /// <summary>z2 = γ + e·m (signed).</summary>
    public GmpInteger Z2 => _values[4];

    /// <summary>w = r·ρ^e mod N₀.</summary>
    public GmpInteger W => _values[5];

    /// <summary>
    /// Proves that <paramref name="d"/> = <paramref name="c"/>^x · ρ^N₀ under <paramref name="key"/>
    /// and <paramref name="point"/> = x·G, for x ∈ ±2^ℓ, against the verifier's
    /// <paramref name="verifierParameters"/>. With the key's own <paramref name="keySecret"/>, the
    /// Paillier exponentiations run by CRT. Throws if the witness does not match the statement or x
    /// is out of range.
    /// </summary>
    public static PaillierMultiplicationVsGroupProof Prove(
        ReadOnlySpan<byte> context,
        PaillierPublicKey key,
        GmpInteger c,
        GmpInteger d,
        Element point,
        GmpInteger x,
        GmpInteger rho,
        RingPedersenParameters verifierParameters,
        IRandomSource? random = null,
        PaillierSecretKey? keySecret = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(rho);
        if (keySecret is not null && keySecret.PublicKey.N.CompareTo(key.N) != 0)
        {
            throw new ArgumentException("The secret key is not the key of the statement.", nameof(keySecret));
        }

        using (var bound = PresigningProofSupport.PowerOfTwo(Cggmp21Parameters.Ell))
        {
            if (!ProofHelpers.IsInSymmetricRange(x, bound))
            {
                throw new ArgumentOutOfRangeException(nameof(x), "x must be in ±2^ℓ.");
            }
        }

        if (!key.IsValidCiphertext(c) || !key.IsValidCiphertext(d))
        {
            throw new ArgumentException("C and D must be valid ciphertexts under N₀.", nameof(d));
        }

        if (!PresigningProofSupport.IsValidPoint(point) || !PresigningProofSupport.MultiplyBase(x).Equals(point))
        {
            throw new ArgumentException("X must equal x·G and not be the identity.", nameof(point));
        }

        key.CheckRandomness(rho);
        using (var cx = Pow(keySecret, c, x, key.NSquared))
        using (var rn = Pow(keySecret, rho, key.N, key.NSquared))
        using (var expected = GmpInteger.MultiplyMod(cx, rn, key.NSquared))
        {
            if (expected.CompareTo(d) != 0)
            {
                throw new ArgumentException("D must equal C^x · ρ^N₀.", nameof(d));
            }
        }

        return ProveCore(context, key, c, d, point, x, rho, verifierParameters, random, keySecret);
    }

    /// <summary>
    /// The prover's algorithm for any witness, without the checks of <see cref="Prove"/> (tests run
    /// it with an out-of-range x, or a D that is not C^x·ρ^N₀, to show that the verifier rejects).
    /// </summary>
    internal static PaillierMultiplicationVsGroupProof ProveCore(
        ReadOnlySpan<byte> context,
        PaillierPublicKey key,
        GmpInteger c,
        GmpInteger d,
        Element point,
        GmpInteger x,
        GmpInteger rho,
        RingPedersenParameters verifierParameters,
        IRandomSource? random,
        PaillierSecretKey? keySecret = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(verifierParameters);
        ProofHelpers.ThrowIfEmpty(context);
        if (!verifierParameters.IsWellFormed())
        {
            throw new ArgumentException("The verifier's ring-Pedersen parameters are malformed.", nameof(verifierParameters));
        }

        random ??= SystemRandomSource.Instance;
        var nHat = verifierParameters.N;
        using var ellNHat = GmpInteger.ShiftLeft(nHat, Cggmp21Parameters.Ell);
        using var ellEpsNHat = GmpInteger.ShiftLeft(nHat, Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon);

        // Step 1: α ← ±2^(ℓ+ε) (α ≢ 0 mod q so B_x is not the identity), r ← Z*_N₀,
        // γ ← ±2^(ℓ+ε)·N̂, m ← ±2^ℓ·N̂.
        var alpha = GmpInteger.RandomSigned(Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon, random);
        var bx = PresigningProofSupport.MultiplyBase(alpha);
        while (bx.IsIdentity)
        {
            alpha.Dispose();
            alpha = GmpInteger.RandomSigned(Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon, random);
            bx = PresigningProofSupport.MultiplyBase(alpha);
        }

        using (alpha)
        {
            using var r = key.RandomUnit(random);
            using var gamma = GmpInteger.RandomSigned(ellEpsNHat, random);
            using var m = GmpInteger.RandomSigned(ellNHat, random);

            // A = C^α r^N₀, E = s^α t^γ, S = s^x t^m (α, x, γ, m secret: constant-time exponentiation).
            GmpInteger bigA;
            using (var ca = Pow(keySecret, c, alpha, key.NSquared))
            using (var rn = Pow(keySecret, r, key.N, key.NSquared))
            {
                bigA = GmpInteger.MultiplyMod(ca, rn, key.NSquared);
            }

            var bigE = ProofHelpers.MultiExpSecret(verifierParameters.S, alpha, verifierParameters.T, gamma, nHat);
            var bigS = ProofHelpers.MultiExpSecret(verifierParameters.S, x, verifierParameters.T, m, nHat);

            // Step 2 (Fiat-Shamir): e ← ±q.
            using var e = DeriveChallenge(context, verifierParameters, key.N, c, d, point, bigA, bx, bigE, bigS);

            // Step 3: z1 = α + e·x, z2 = γ + e·m, w = r·ρ^e (mod N₀).
            var z1 = PresigningProofSupport.AddProduct(alpha, e, x);
            var z2 = PresigningProofSupport.AddProduct(gamma, e, m);
            using var rhoE = keySecret is not null ? keySecret.PowModN(rho, e) : GmpInteger.PowModSecret(rho, e, key.N);
            var w = GmpInteger.MultiplyMod(r, rhoE, key.N);
            return new PaillierMultiplicationVsGroupProof(bigA, bx, bigE, bigS, z1, z2, w);
        }
    }

    /// <summary>
    /// Whether this proves that <paramref name="d"/> = <paramref name="c"/>^x·ρ^N₀ under
    /// <paramref name="key"/> for the discrete logarithm x of <paramref name="point"/>, x ∈ ±2^(ℓ+ε),
    /// against the verifier's own <paramref name="verifierParameters"/>, under
    /// <paramref name="context"/>. Never throws for an invalid proof; only for a null argument or an
    /// empty context.
    /// </summary>
    public bool Verify(ReadOnlySpan<byte> context, PaillierPublicKey key, GmpInteger c, GmpInteger d, Element point, RingPedersenParameters verifierParameters, PaillierSecretKey? ownKey = null) =>
        Check(context, key, c, d, point, verifierParameters, ownKey) == ProofFailure.None;

    /// <summary>The first check the proof fails, or <see cref="ProofFailure.None"/>.</summary>
    internal ProofFailure Check(ReadOnlySpan<byte> context, PaillierPublicKey key, GmpInteger c, GmpInteger d, Element point, RingPedersenParameters verifierParameters, PaillierSecretKey? ownKey = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(verifierParameters);
        ProofHelpers.ThrowIfEmpty(context);
        if (!verifierParameters.IsWellFormed())
        {
            return ProofFailure.ParametersMalformed;
        }

        // The implicit constraint 2^(ℓ+ε) < N₀/2.
        if (key.N.BitLength < Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon + 2)
        {
            return ProofFailure.ModulusTooSmall;
        }

        // C, D, A ∈ Z*_{N₀²}; E, S ∈ Z*_N̂; X, B_x non-identity points (before any exponentiation).
        if (!key.IsValidCiphertext(c) || !key.IsValidCiphertext(d) || !key.IsValidCiphertext(A))
        {
            return ProofFailure.CiphertextInvalid;
        }

        var nHat = verifierParameters.N;
        if (!ProofHelpers.IsUnit(E, nHat) || !ProofHelpers.IsUnit(S, nHat))
        {
            return ProofFailure.CommitmentNotUnit;
        }

        if (!PresigningProofSupport.IsValidPoint(point) || !PresigningProofSupport.IsValidPoint(Bx))
        {
            return ProofFailure.PointInvalid;
        }

        // Range check: z1 ∈ ±2^(ℓ+ε).
        using (var bound = PresigningProofSupport.PowerOfTwo(Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon))
        {
            if (!ProofHelpers.IsInSymmetricRange(Z1, bound))
            {
                return ProofFailure.Z1OutOfRange;
            }
        }

        // Resource bound, not in the paper: an honest |z2| ≤ 2^(ℓ+ε+1)·N̂.
        using (var z2Bound = GmpInteger.ShiftLeft(nHat, Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon + 1))
        {
            if (!ProofHelpers.IsInSymmetricRange(Z2, z2Bound))
            {
                return ProofFailure.ResponseOutOfRange;
            }
        }

        if (!PresigningProofSupport.IsUnitModN(key, W))
        {
            return ProofFailure.ResponseNotUnit;
        }

        using var e = DeriveChallenge(context, verifierParameters, key.N, c, d, point, A, Bx, E, S);

        // C^z1 · w^N₀ = A · D^e (mod N₀²).
        using (var cz = PresigningProofSupport.PowCiphertextPublic(key, c, Z1))
        using (var wn = GmpInteger.PowModPublic(W, key.N, key.NSquared))
        using (var lhs = GmpInteger.MultiplyMod(cz, wn, key.NSquared))
        using (var de = PresigningProofSupport.PowCiphertextPublic(key, d, e))
        using (var rhs = GmpInteger.MultiplyMod(A, de, key.NSquared))
        {
            if (lhs.CompareTo(rhs) != 0)
            {
                return ProofFailure.PaillierEquationMismatch;
            }
        }

        // z1·G = B_x + e·X.
        var curve = PresigningProofSupport.Curve;
        if (!PresigningProofSupport.MultiplyBase(Z1).Equals(curve.Add(Bx, PresigningProofSupport.Multiply(point, e))))
        {
            return ProofFailure.GroupEquationMismatch;
        }

        // s^z1 t^z2 = E · S^e (mod N̂).
        using (var lhs = ProofHelpers.MultiExpPublic(verifierParameters.S, Z1, verifierParameters.T, Z2, nHat, ownKey))
        using (var se = ProofHelpers.PowPublic(S, e, nHat, ownKey))
        using (var rhs = GmpInteger.MultiplyMod(E, se, nHat))
        {
            if (lhs.CompareTo(rhs) != 0)
            {
                return ProofFailure.RingPedersenEquationMismatch;
            }
        }

        return ProofFailure.None;
    }

    /// <summary>e ∈ ±q from the transcript over (protocol, context, ℓ, ε, N̂, s, t, N₀, C, D, X, A, B_x, E, S).</summary>
    internal static GmpInteger DeriveChallenge(
        ReadOnlySpan<byte> context,
        RingPedersenParameters verifierParameters,
        GmpInteger n0,
        GmpInteger c,
        GmpInteger d,
        Element point,
        GmpInteger a,
        Element bx,
        GmpInteger e,
        GmpInteger s)
    {
        using var transcript = new Transcript(ProtocolName);
        transcript.Append("context", context);
        transcript.Append("ell", (ulong)Cggmp21Parameters.Ell);
        transcript.Append("epsilon", (ulong)Cggmp21Parameters.Epsilon);
        transcript.Append("N-hat", verifierParameters.N);
        transcript.Append("s", verifierParameters.S);
        transcript.Append("t", verifierParameters.T);
        transcript.Append("N0", n0);
        transcript.Append("C", c);
        transcript.Append("D", d);
        transcript.Append("X", point);
        transcript.Append("A", a);
        transcript.Append("Bx", bx);
        transcript.Append("E", e);
        transcript.Append("S", s);
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
    /// Parses the canonical encoding: the right version and kind, A, E, S, w non-negative, z1 and z2
    /// signed, B_x a canonical non-identity secp256k1 point, no trailing byte. Structure only;
    /// <see cref="Verify"/> checks the rest.
    /// </summary>
    public static bool TryDeserialize(ReadOnlySpan<byte> source, [NotNullWhen(true)] out PaillierMultiplicationVsGroupProof? proof)
    {
        proof = null;
        var reader = new ProofReader(source);
        if (!reader.TryReadHeader(Kind))
        {
            return false;
        }

        var values = new GmpInteger?[6];
        Element? bx = null;
        var ok = reader.TryReadInteger(allowNegative: false, out values[0])
            && reader.TryReadElement(PresigningProofSupport.Curve, out bx)
            && reader.TryReadInteger(allowNegative: false, out values[1])
            && reader.TryReadInteger(allowNegative: false, out values[2])
            && reader.TryReadInteger(allowNegative: true, out values[3])
            && reader.TryReadInteger(allowNegative: true, out values[4])
            && reader.TryReadInteger(allowNegative: false, out values[5]);
        if (!ok || bx is null || !reader.IsAtEnd)
        {
            ProofHelpers.DisposeAll(values);
            return false;
        }

        proof = new PaillierMultiplicationVsGroupProof(values[0]!, bx, values[1]!, values[2]!, values[3]!, values[4]!, values[5]!);
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
        writer.WriteInteger(E);
        writer.WriteInteger(S);
        writer.WriteInteger(Z1);
        writer.WriteInteger(Z2);
        writer.WriteInteger(W);
    }

    /// <summary>b^e mod n for a secret e: by CRT with the key's secret, else constant-time exponentiation (a negative e inverts the unit b).</summary>
    private static GmpInteger Pow(PaillierSecretKey? secret, GmpInteger b, GmpInteger e, GmpInteger n) =>
        secret?.TryPowMod(b, e, n) ?? GmpInteger.PowModSecret(b, e, n);
}

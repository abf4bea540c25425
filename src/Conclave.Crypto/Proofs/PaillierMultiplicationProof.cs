using System.Diagnostics.CodeAnalysis;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Random;
using Conclave.Crypto.Transcripts;

namespace Conclave.Crypto.Proofs;

/// <summary>
/// Π^mul, Paillier multiplication (CGGMP21, ePrint 2021/060, Section C.6, Fig. 29), made
/// non-interactive with Fiat-Shamir: under the prover's own key N, for ciphertexts X, Y, C the
/// prover knows x, ρ_x, ρ with X = Enc(x; ρ_x) and C = Y^x · ρ^N (mod N²), so C encrypts the product
/// of the plaintexts of X and Y. The paper's presigning identification uses it for
/// H_i = Enc(k_i·γ_i) from K_i and G_i.
/// </summary>
/// <remarks>
/// Prover: α ← Z*_N, r, s ← Z*_N; A = Y^α r^N, B = Enc(α; s); e ← ±q; z = α + e·x (an integer),
/// u = r·ρ^e, v = s·ρ_x^e (mod N). Verifier: Y^z u^N = A·C^e and Enc(z; v) = B·X^e (mod N²).
/// The challenge is derived after A and B, over "conclave/cggmp21/pi-mul/v1", the caller's context
/// (binding session and prover), N, X, Y, C, A, B.
/// </remarks>
public sealed class PaillierMultiplicationProof : IntegerListProof
{
    /// <summary>The transcript's protocol name.</summary>
    internal const string ProtocolName = "conclave/cggmp21/pi-mul/v1";

    private const byte Kind = 8;


    /// <summary>Takes ownership of the values (tests build tampered proofs through this).</summary>
    internal PaillierMultiplicationProof(GmpInteger a, GmpInteger b, GmpInteger z, GmpInteger u, GmpInteger v)
        : base(Kind, [a, b, z, u, v])
    {
    }

    /// <summary>A = Y^α r^N mod N².</summary>
    public GmpInteger A => Values[0];

    /// <summary>B = Enc(α; s).</summary>
    public GmpInteger B => Values[1];

    /// <summary>z = α + e·x (signed).</summary>
    public GmpInteger Z => Values[2];

    /// <summary>u = r·ρ^e mod N.</summary>
    public GmpInteger U => Values[3];

    /// <summary>v = s·ρ_x^e mod N.</summary>
    public GmpInteger V => Values[4];

    /// <summary>
    /// Proves that <paramref name="c"/> = <paramref name="y"/>^x · ρ^N where
    /// <paramref name="x"/> = Enc(x; ρ_x), all under the prover's own <paramref name="prover"/> key.
    /// Throws if the witness does not match the statement.
    /// </summary>
    public static PaillierMultiplicationProof Prove(
        ReadOnlySpan<byte> context,
        PaillierSecretKey prover,
        GmpInteger x,
        GmpInteger y,
        GmpInteger c,
        GmpInteger xPlain,
        GmpInteger rhoX,
        GmpInteger rho,
        IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(prover);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(xPlain);
        ArgumentNullException.ThrowIfNull(rho);
        var pk = prover.PublicKey;
        if (!pk.IsValidCiphertext(x) || !pk.IsValidCiphertext(y) || !pk.IsValidCiphertext(c))
        {
            throw new ArgumentException("X, Y and C must be valid ciphertexts under N.", nameof(c));
        }

        pk.CheckRandomness(rho);
        using (var expectedX = prover.EncryptCrt(xPlain, rhoX))
        using (var yx = prover.PowModNSquared(y, xPlain))
        using (var rn = prover.PowModNSquared(rho, pk.N))
        using (var expectedC = GmpInteger.MultiplyMod(yx, rn, pk.NSquared))
        {
            if (expectedX.CompareTo(x) != 0 || expectedC.CompareTo(c) != 0)
            {
                throw new ArgumentException("X must equal Enc(x; ρ_x) and C must equal Y^x · ρ^N.", nameof(c));
            }
        }

        return ProveCore(context, prover, x, y, c, xPlain, rhoX, rho, random);
    }

    /// <summary>The prover's algorithm for any witness, without the checks of <see cref="Prove"/>.</summary>
    internal static PaillierMultiplicationProof ProveCore(
        ReadOnlySpan<byte> context,
        PaillierSecretKey prover,
        GmpInteger x,
        GmpInteger y,
        GmpInteger c,
        GmpInteger xPlain,
        GmpInteger rhoX,
        GmpInteger rho,
        IRandomSource? random)
    {
        ArgumentNullException.ThrowIfNull(prover);
        ProofHelpers.ThrowIfEmpty(context);
        random ??= SystemRandomSource.Instance;
        var pk = prover.PublicKey;

        // Step 1: α ← Z*_N, r, s ← Z*_N; A = Y^α r^N, B = Enc(α; s). α is secret: exponentiations
        // with it are constant time (by CRT with the prover's own factorization).
        using var alpha = pk.RandomUnit(random);
        using var r = pk.RandomUnit(random);
        using var s = pk.RandomUnit(random);
        GmpInteger bigA;
        using (var ya = prover.PowModNSquared(y, alpha))
        using (var rn = prover.PowModNSquared(r, pk.N))
        {
            bigA = GmpInteger.MultiplyMod(ya, rn, pk.NSquared);
        }

        var bigB = prover.EncryptCrt(alpha, s);

        // Step 2 (Fiat-Shamir): e ← ±q, after the first message.
        using var e = DeriveChallenge(context, pk.N, x, y, c, bigA, bigB);

        // Step 3: z = α + e·x, u = r·ρ^e, v = s·ρ_x^e (mod N).
        var z = PresigningProofSupport.AddProduct(alpha, e, xPlain);
        using var rhoE = prover.PowModN(rho, e);
        var u = GmpInteger.MultiplyMod(r, rhoE, pk.N);
        using var rhoXE = prover.PowModN(rhoX, e);
        var v = GmpInteger.MultiplyMod(s, rhoXE, pk.N);
        return new PaillierMultiplicationProof(bigA, bigB, z, u, v);
    }

    /// <summary>Whether this proves the statement (N, X, Y, C) under <paramref name="context"/>. Never throws for an invalid proof.</summary>
    public bool Verify(ReadOnlySpan<byte> context, PaillierPublicKey key, GmpInteger x, GmpInteger y, GmpInteger c) =>
        Check(context, key, x, y, c) == ProofFailure.None;

    /// <summary>The first check the proof fails, or <see cref="ProofFailure.None"/>.</summary>
    internal ProofFailure Check(ReadOnlySpan<byte> context, PaillierPublicKey key, GmpInteger x, GmpInteger y, GmpInteger c)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(c);
        ProofHelpers.ThrowIfEmpty(context);
        if (key.N.BitLength < Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon + 2)
        {
            return ProofFailure.ModulusTooSmall;
        }

        // X, Y, C, A, B ∈ Z*_{N²}; u, v ∈ Z*_N (before any exponentiation).
        if (!key.IsValidCiphertext(x) || !key.IsValidCiphertext(y) || !key.IsValidCiphertext(c) || !key.IsValidCiphertext(A) || !key.IsValidCiphertext(B))
        {
            return ProofFailure.CiphertextInvalid;
        }

        if (!PresigningProofSupport.IsUnitModN(key, U) || !PresigningProofSupport.IsUnitModN(key, V))
        {
            return ProofFailure.ResponseNotUnit;
        }

        // Resource bound, not in the paper: an honest |z| < N + q·N < 2^(ℓ+1)·N.
        using (var bound = GmpInteger.ShiftLeft(key.N, Cggmp21Parameters.Ell + 1))
        {
            if (!ProofHelpers.IsInSymmetricRange(Z, bound))
            {
                return ProofFailure.ResponseOutOfRange;
            }
        }

        using var e = DeriveChallenge(context, key.N, x, y, c, A, B);

        // Y^z u^N = A · C^e (mod N²).
        using (var yz = PresigningProofSupport.PowCiphertextPublic(key, y, Z))
        using (var un = GmpInteger.PowModPublic(U, key.N, key.NSquared))
        using (var lhs = GmpInteger.MultiplyMod(yz, un, key.NSquared))
        using (var ce = PresigningProofSupport.PowCiphertextPublic(key, c, e))
        using (var rhs = GmpInteger.MultiplyMod(A, ce, key.NSquared))
        {
            if (lhs.CompareTo(rhs) != 0)
            {
                return ProofFailure.ProductEquationMismatch;
            }
        }

        // Enc(z; v) = B · X^e (mod N²).
        using (var lhs = PresigningProofSupport.EncryptPublic(key, Z, V))
        using (var xe = PresigningProofSupport.PowCiphertextPublic(key, x, e))
        using (var rhs = GmpInteger.MultiplyMod(B, xe, key.NSquared))
        {
            if (lhs.CompareTo(rhs) != 0)
            {
                return ProofFailure.PaillierEquationMismatch;
            }
        }

        return ProofFailure.None;
    }

    /// <summary>e ∈ ±q from the transcript over (protocol, context, N, X, Y, C, A, B).</summary>
    internal static GmpInteger DeriveChallenge(ReadOnlySpan<byte> context, GmpInteger n, GmpInteger x, GmpInteger y, GmpInteger c, GmpInteger a, GmpInteger b)
    {
        using var transcript = new Transcript(ProtocolName);
        transcript.Append("context", context);
        transcript.Append("N", n);
        transcript.Append("X", x);
        transcript.Append("Y", y);
        transcript.Append("C", c);
        transcript.Append("A", a);
        transcript.Append("B", b);
        return ProofHelpers.CurveOrderChallenge(transcript);
    }

    /// <summary>Parses the canonical encoding: version and kind, A, B, u, v non-negative, z signed, no trailing byte.</summary>
    public static bool TryDeserialize(ReadOnlySpan<byte> source, [NotNullWhen(true)] out PaillierMultiplicationProof? proof)
    {
        var values = TryReadValues(source, Kind, 5, i => i == 2);
        proof = values is null ? null : new PaillierMultiplicationProof(values[0], values[1], values[2], values[3], values[4]);
        return proof is not null;
    }

}

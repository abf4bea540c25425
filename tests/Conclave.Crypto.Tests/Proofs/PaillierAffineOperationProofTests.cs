using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Proofs;
using Conclave.Crypto.Random;
using static Conclave.Crypto.Tests.Proofs.PresigningProofTestKeys;
using static Conclave.Crypto.Tests.Proofs.ProofTestHelpers;

namespace Conclave.Crypto.Tests.Proofs;

/// <summary>An affine-operation statement (C, D, Y, X) with its witness.</summary>
public sealed class AffineStatement : IDisposable
{
    /// <summary>
    /// D = C^x · Enc_N₀(y; ρ) under the verifier's key N₀, Y = Enc_N₁(y; ρ_y) under the prover's
    /// key N₁, X = (x mod q)·G, for any x and y.
    /// </summary>
    public AffineStatement(PaillierPublicKey verifierKey, PaillierPublicKey proverKey, GmpInteger c, GmpInteger x, GmpInteger y)
    {
        C = c.Clone();
        using var rho = verifierKey.RandomUnit(SystemRandomSource.Instance);
        using var rhoY = proverKey.RandomUnit(SystemRandomSource.Instance);
        using var cx = verifierKey.Multiply(C, x);
        using var encY = verifierKey.Encrypt(y, rho);
        D = verifierKey.Add(cx, encY);
        Y = proverKey.Encrypt(y, rhoY);
        X = GroupElementVsPaillierEncryptionProofFixture.Multiply(Secp256k1Group.Instance.Generator, x);
        Witness = new PaillierAffineOperationWitness(x, y, rho, rhoY);
    }

    public GmpInteger C { get; }

    public GmpInteger D { get; }

    public GmpInteger Y { get; }

    public Element X { get; }

    public PaillierAffineOperationWitness Witness { get; }

    public void Dispose()
    {
        Witness.Dispose();
        Y.Dispose();
        D.Dispose();
        C.Dispose();
    }
}

/// <summary>The keys, an honest statement with x ∈ ±2^ℓ, y ∈ ±2^ℓ', and one honest Π^aff-g proof.</summary>
public sealed class PaillierAffineOperationProofFixture : IDisposable
{
    public PaillierAffineOperationProofFixture()
    {
        Keys = new PresigningProofTestKeys();
        using var k = RandomSigned(Cggmp21Parameters.Ell);
        var (c, rhoC) = VerifierKey.Encrypt(k);
        rhoC.Dispose();
        using (c)
        {
            X = RandomSigned(Cggmp21Parameters.Ell);
            YPlain = RandomSigned(Cggmp21Parameters.EllPrime);
            Statement = new AffineStatement(VerifierKey, ProverKey, c, X, YPlain);
        }

        Proof = PaillierAffineOperationProof.Prove(Context, VerifierKey, ProverKey, Statement.C, Statement.D, Statement.Y, Statement.X, Statement.Witness, Keys.Aux);
    }

    public PresigningProofTestKeys Keys { get; }

    /// <summary>N₀: the verifier's key (C, D).</summary>
    public PaillierPublicKey VerifierKey => Keys.VerifierKey.PublicKey;

    /// <summary>N₁: the prover's key (Y).</summary>
    public PaillierPublicKey ProverKey => Keys.ProverKey.PublicKey;

    public GmpInteger X { get; }

    public GmpInteger YPlain { get; }

    public AffineStatement Statement { get; }

    public PaillierAffineOperationProof Proof { get; }

    public void Dispose()
    {
        Proof.Dispose();
        Statement.Dispose();
        YPlain.Dispose();
        X.Dispose();
        Keys.Dispose();
    }
}

/// <summary>Π^aff-g (CGGMP21 Fig. 15, Lockness spec): completeness, binding, every verifier check, out-of-range witnesses, and the encoding.</summary>
public sealed class PaillierAffineOperationProofTests(PaillierAffineOperationProofFixture fixture) : IClassFixture<PaillierAffineOperationProofFixture>
{
    private static readonly string[] FieldNames = ["A", "Bx", "By", "E", "S", "F", "T", "z1", "z2", "z3", "z4", "w", "wy"];

    public static TheoryData<string> Fields => [.. FieldNames];

    private static Secp256k1Group Curve => Secp256k1Group.Instance;

    private RingPedersenParameters Aux => fixture.Keys.Aux;

    private PaillierPublicKey N0 => fixture.VerifierKey;

    private PaillierPublicKey N1 => fixture.ProverKey;

    private AffineStatement St => fixture.Statement;

    [Fact]
    public void Honest_proof_for_2048_bit_keys_verifies_and_D_decrypts_to_c_x_plus_y()
    {
        Assert.Equal(2048, N0.Bits);
        Assert.Equal(2048, N1.Bits);
        Assert.Equal(ProofFailure.None, CheckStatement(fixture.Proof));
        Assert.True(fixture.Proof.Verify(Context, N0, N1, St.C, St.D, St.Y, St.X, Aux));

        // The statement is what the protocol means: Dec_N₀(D) = c·x + y, Dec_N₁(Y) = y.
        using var c = fixture.Keys.VerifierKey.Decrypt(St.C);
        using var cx = GmpInteger.Multiply(c, fixture.X);
        using var expected = GmpInteger.Add(cx, fixture.YPlain);
        using var d = fixture.Keys.VerifierKey.Decrypt(St.D);
        Assert.Equal(0, expected.CompareTo(d));
        using var y = fixture.Keys.ProverKey.Decrypt(St.Y);
        Assert.Equal(0, fixture.YPlain.CompareTo(y));
    }

    [Fact]
    public void Proof_does_not_verify_under_another_context_or_statement()
    {
        Assert.False(fixture.Proof.Verify(OtherContext, N0, N1, St.C, St.D, St.Y, St.X, Aux));
        Assert.False(fixture.Proof.Verify(Context, N1, N0, St.C, St.D, St.Y, St.X, Aux));
        Assert.False(fixture.Proof.Verify(Context, N0, N1, St.D, St.C, St.Y, St.X, Aux));
        Assert.False(fixture.Proof.Verify(Context, N0, N1, St.C, St.D, St.Y, Curve.Add(St.X, Curve.Generator), Aux));
        using var d2 = GmpInteger.MultiplyMod(St.D, St.C, N0.NSquared);
        Assert.False(fixture.Proof.Verify(Context, N0, N1, St.C, d2, St.Y, St.X, Aux));
        using var y2 = GmpInteger.MultiplyMod(St.Y, St.Y, N1.NSquared);
        Assert.False(fixture.Proof.Verify(Context, N0, N1, St.C, St.D, y2, St.X, Aux));

        using var swapped = new RingPedersenParameters(Aux.N, Aux.T, Aux.S);
        Assert.False(fixture.Proof.Verify(Context, N0, N1, St.C, St.D, St.Y, St.X, swapped));
        using var sameST = new RingPedersenParameters(Aux.N, Aux.T, Aux.T);
        Assert.Equal(ProofFailure.ParametersMalformed, fixture.Proof.Check(Context, N0, N1, St.C, St.D, St.Y, St.X, sameST));
    }

    [Fact]
    public void Misuse_throws_and_Prove_refuses_a_witness_that_does_not_match_or_is_out_of_range()
    {
        Assert.Throws<ArgumentException>(() => fixture.Proof.Verify([], N0, N1, St.C, St.D, St.Y, St.X, Aux));
        Assert.Throws<ArgumentNullException>(() => fixture.Proof.Verify(Context, N0, null!, St.C, St.D, St.Y, St.X, Aux));
        using var sameST = new RingPedersenParameters(Aux.N, Aux.T, Aux.T);
        Assert.Throws<ArgumentException>(() => PaillierAffineOperationProof.Prove(Context, N0, N1, St.C, St.D, St.Y, St.X, St.Witness, sameST));

        // D made for another y: the witness does not match.
        Assert.Throws<ArgumentException>(() => PaillierAffineOperationProof.Prove(Context, N0, N1, St.C, St.Y, St.Y, St.X, St.Witness, Aux));
        using var big = PowerOfTwo(Cggmp21Parameters.EllPrime + 1);
        using var w = new PaillierAffineOperationWitness(fixture.X, big, St.Witness.Rho, St.Witness.RhoY);
        Assert.Throws<ArgumentOutOfRangeException>(() => PaillierAffineOperationProof.Prove(Context, N0, N1, St.C, St.D, St.Y, St.X, w, Aux));
        Assert.Equal("<redacted>", St.Witness.ToString());
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void Changing_any_field_is_rejected(string field)
    {
        var index = Array.IndexOf(FieldNames, field);
        using var proof = index == 1
            ? WithBx(Curve.Add(fixture.Proof.Bx, Curve.Generator))
            : With(ValueIndex(index), Tamper(field));
        var expected = field switch
        {
            "z3" => ProofFailure.RingPedersenEquationMismatch,
            "z4" => ProofFailure.SecondRingPedersenEquationMismatch,
            "wy" => ProofFailure.SecondPaillierEquationMismatch,
            _ => ProofFailure.PaillierEquationMismatch,
        };
        Assert.Equal(expected, CheckStatement(proof));
        Assert.False(proof.Verify(Context, N0, N1, St.C, St.D, St.Y, St.X, Aux));
    }

    [Fact]
    public void A_point_that_is_not_x_times_G_fails_the_group_equation()
    {
        // D and Y are right for x, but X = (x + 1)·G.
        using var xPlusOne = Plus(fixture.X, 1);
        var wrongX = GroupElementVsPaillierEncryptionProofFixture.Multiply(Curve.Generator, xPlusOne);
        using var proof = PaillierAffineOperationProof.ProveCore(Context, N0, N1, St.C, St.D, St.Y, wrongX, St.Witness, Aux, null);
        Assert.Equal(ProofFailure.GroupEquationMismatch, proof.Check(Context, N0, N1, St.C, St.D, St.Y, wrongX, Aux));
    }

    [Fact]
    public void An_out_of_range_x_or_y_fails_the_range_check_even_with_the_honest_algorithm()
    {
        using var smallX = RandomSigned(Cggmp21Parameters.Ell);
        using var smallY = RandomSigned(Cggmp21Parameters.EllPrime);
        using var bigX = PowerOfTwo(Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon + 10);
        using var bigY = PowerOfTwo(Cggmp21Parameters.EllPrime + Cggmp21Parameters.Epsilon + 10);

        using (var st = new AffineStatement(N0, N1, St.C, bigX, smallY))
        using (var proof = PaillierAffineOperationProof.ProveCore(Context, N0, N1, st.C, st.D, st.Y, st.X, st.Witness, Aux, null))
        {
            Assert.Equal(ProofFailure.Z1OutOfRange, proof.Check(Context, N0, N1, st.C, st.D, st.Y, st.X, Aux));
            Assert.False(proof.Verify(Context, N0, N1, st.C, st.D, st.Y, st.X, Aux));
        }

        using (var st = new AffineStatement(N0, N1, St.C, smallX, bigY))
        using (var proof = PaillierAffineOperationProof.ProveCore(Context, N0, N1, st.C, st.D, st.Y, st.X, st.Witness, Aux, null))
        {
            Assert.Equal(ProofFailure.Z2OutOfRange, proof.Check(Context, N0, N1, st.C, st.D, st.Y, st.X, Aux));
            Assert.False(proof.Verify(Context, N0, N1, st.C, st.D, st.Y, st.X, Aux));
        }
    }

    [Fact]
    public void Ciphertexts_outside_Z_star_N_squared_are_rejected()
    {
        foreach (var bad in InvalidCiphertexts(fixture.Keys.VerifierKey))
        {
            using (bad)
            {
                Assert.Equal(ProofFailure.CiphertextInvalid, fixture.Proof.Check(Context, N0, N1, bad, St.D, St.Y, St.X, Aux));
                Assert.Equal(ProofFailure.CiphertextInvalid, fixture.Proof.Check(Context, N0, N1, St.C, bad, St.Y, St.X, Aux));
                if (!bad.IsNegative)
                {
                    using var proof = With(0, bad.Clone());
                    Assert.Equal(ProofFailure.CiphertextInvalid, CheckStatement(proof));
                }
            }
        }

        foreach (var bad in InvalidCiphertexts(fixture.Keys.ProverKey))
        {
            using (bad)
            {
                Assert.Equal(ProofFailure.CiphertextInvalid, fixture.Proof.Check(Context, N0, N1, St.C, St.D, bad, St.X, Aux));
                if (!bad.IsNegative)
                {
                    using var proof = With(1, bad.Clone());
                    Assert.Equal(ProofFailure.CiphertextInvalid, CheckStatement(proof));
                }
            }
        }
    }

    [Fact]
    public void Commitments_outside_Z_star_N_hat_are_rejected()
    {
        for (var i = 2; i <= 5; i++)
        {
            using var zero = With(i, new GmpInteger());
            Assert.Equal(ProofFailure.CommitmentNotUnit, CheckStatement(zero));
            using var factor = With(i, fixture.Keys.VerifierKey.P.Clone());
            Assert.Equal(ProofFailure.CommitmentNotUnit, CheckStatement(factor));
            using var shifted = With(i, GmpInteger.Add(fixture.Proof.T, Aux.N));
            Assert.Equal(ProofFailure.CommitmentNotUnit, CheckStatement(shifted));
        }
    }

    [Fact]
    public void Identity_or_foreign_points_are_rejected()
    {
        Assert.Equal(ProofFailure.PointInvalid, fixture.Proof.Check(Context, N0, N1, St.C, St.D, St.Y, Curve.Identity, Aux));
        Assert.Equal(ProofFailure.PointInvalid, fixture.Proof.Check(Context, N0, N1, St.C, St.D, St.Y, Ed25519Group.Instance.Generator, Aux));
        using var identityBx = WithBx(Curve.Identity);
        Assert.Equal(ProofFailure.PointInvalid, CheckStatement(identityBx));
    }

    [Fact]
    public void Out_of_range_responses_are_rejected()
    {
        using var b1 = PowerOfTwo(Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon);
        using var b2 = PowerOfTwo(Cggmp21Parameters.EllPrime + Cggmp21Parameters.Epsilon);
        using (var p = With(6, Plus(b1, 1)))
        {
            Assert.Equal(ProofFailure.Z1OutOfRange, CheckStatement(p));
        }

        using (var p = With(6, b1.Clone()))
        {
            Assert.Equal(ProofFailure.PaillierEquationMismatch, CheckStatement(p));
        }

        using (var p = With(7, Plus(b2, 1)))
        {
            Assert.Equal(ProofFailure.Z2OutOfRange, CheckStatement(p));
        }

        using (var outside = Plus(b2, 1))
        using (var p = With(7, GmpInteger.Negate(outside)))
        {
            Assert.Equal(ProofFailure.Z2OutOfRange, CheckStatement(p));
        }

        using (var p = With(7, b2.Clone()))
        {
            Assert.Equal(ProofFailure.PaillierEquationMismatch, CheckStatement(p));
        }

        foreach (var i in new[] { 8, 9 })
        {
            using var p = With(i, GmpInteger.ShiftLeft(Aux.N, Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon + 2));
            Assert.Equal(ProofFailure.ResponseOutOfRange, CheckStatement(p));
        }

        using (var p = With(10, N0.N.Clone()))
        {
            Assert.Equal(ProofFailure.ResponseNotUnit, CheckStatement(p));
        }

        using (var p = With(11, fixture.Keys.ProverKey.P.Clone()))
        {
            Assert.Equal(ProofFailure.ResponseNotUnit, CheckStatement(p));
        }
    }

    [Fact]
    public void Serialization_round_trips_to_the_same_bytes_and_a_verifying_proof()
    {
        var bytes = fixture.Proof.Serialize();
        Assert.Equal(fixture.Proof.GetSerializedLength(), bytes.Length);
        Assert.Equal(5, bytes[1]);
        Assert.True(PaillierAffineOperationProof.TryDeserialize(bytes, out var parsed));
        using (parsed)
        {
            Assert.Equal(bytes, parsed.Serialize());
            Assert.Equal(fixture.Proof.Bx, parsed.Bx);
            Assert.True(parsed.Verify(Context, N0, N1, St.C, St.D, St.Y, St.X, Aux));
        }

        var buffer = new byte[bytes.Length];
        Assert.Equal(bytes.Length, fixture.Proof.Serialize(buffer));
        Assert.Equal(bytes, buffer);
        Assert.False(fixture.Proof.TrySerialize(buffer.AsSpan(1), out _));
    }

    [Fact]
    public void TryDeserialize_rejects_truncation_trailing_bytes_wrong_kind_or_version_and_bad_points()
    {
        var bytes = fixture.Proof.Serialize();
        foreach (var length in new[] { 0, 1, 2, 6, bytes.Length / 2, bytes.Length - 1 })
        {
            Assert.False(PaillierAffineOperationProof.TryDeserialize(bytes.AsSpan(0, length), out _));
        }

        Assert.False(PaillierAffineOperationProof.TryDeserialize([.. bytes, 0], out _));
        Assert.False(PaillierAffineOperationProof.TryDeserialize(WithByte(bytes, 0, 0), out _));
        Assert.False(PaillierAffineOperationProof.TryDeserialize(WithByte(bytes, 1, 6), out _));
        Assert.False(GroupElementVsPaillierEncryptionProof.TryDeserialize(bytes, out _));
        Assert.False(PaillierAffineOperationProof.TryDeserialize(WithByte(bytes, 2, 1), out _));
        var bxOffset = 2 + 5 + ((fixture.Proof.A.BitLength + 7) / 8);
        Assert.True(bytes[bxOffset] is 2 or 3);
        Assert.False(PaillierAffineOperationProof.TryDeserialize(WithByte(bytes, bxOffset, 5), out _));
    }

    private static int ValueIndex(int fieldIndex) => fieldIndex == 0 ? 0 : fieldIndex - 1;

    private ProofFailure CheckStatement(PaillierAffineOperationProof proof) =>
        proof.Check(Context, N0, N1, St.C, St.D, St.Y, St.X, Aux);

    private static GmpInteger[] Values(PaillierAffineOperationProof p) => [p.A, p.By, p.E, p.S, p.F, p.T, p.Z1, p.Z2, p.Z3, p.Z4, p.W, p.Wy];

    private GmpInteger Tamper(string field)
    {
        var p = fixture.Proof;
        using var two = GmpInteger.FromUInt64(2);
        using var onePlusN0 = Plus(N0.N, 1);
        using var onePlusN1 = Plus(N1.N, 1);
        return field switch
        {
            "A" => GmpInteger.MultiplyMod(p.A, onePlusN0, N0.NSquared),
            "By" => GmpInteger.MultiplyMod(p.By, onePlusN1, N1.NSquared),
            "E" => GmpInteger.MultiplyMod(p.E, Aux.T, Aux.N),
            "S" => GmpInteger.MultiplyMod(p.S, Aux.T, Aux.N),
            "F" => GmpInteger.MultiplyMod(p.F, Aux.T, Aux.N),
            "T" => GmpInteger.MultiplyMod(p.T, Aux.T, Aux.N),
            "w" => GmpInteger.MultiplyMod(p.W, two, N0.N),
            "wy" => GmpInteger.MultiplyMod(p.Wy, two, N1.N),
            "z1" => Plus(p.Z1, 1),
            "z2" => Plus(p.Z2, 1),
            "z3" => Plus(p.Z3, 1),
            _ => Plus(p.Z4, 1),
        };
    }

    /// <summary>A copy with value <paramref name="index"/> (A, B_y, E, S, F, T, z1, z2, z3, z4, w, w_y) replaced; takes ownership of <paramref name="replacement"/>.</summary>
    private PaillierAffineOperationProof With(int index, GmpInteger replacement)
    {
        var v = Values(fixture.Proof).Select(x => x.Clone()).ToArray();
        v[index].Dispose();
        v[index] = replacement;
        return new PaillierAffineOperationProof(v[0], fixture.Proof.Bx, v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]);
    }

    private PaillierAffineOperationProof WithBx(Element bx)
    {
        var v = Values(fixture.Proof).Select(x => x.Clone()).ToArray();
        return new PaillierAffineOperationProof(v[0], bx, v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]);
    }
}

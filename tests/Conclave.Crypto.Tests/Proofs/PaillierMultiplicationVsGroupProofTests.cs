using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Proofs;
using Conclave.Crypto.Random;
using static Conclave.Crypto.Tests.Proofs.PresigningProofTestKeys;
using static Conclave.Crypto.Tests.Proofs.ProofTestHelpers;

namespace Conclave.Crypto.Tests.Proofs;

/// <summary>The keys, a statement D = C^x·ρ^N₀, X = x·G with C = Enc_N₀(y), and one honest Π^mul* proof.</summary>
public sealed class PaillierMultiplicationVsGroupProofFixture : IDisposable
{
    public PaillierMultiplicationVsGroupProofFixture()
    {
        Keys = new PresigningProofTestKeys();
        var random = SystemRandomSource.Instance;
        X = RandomSigned(Cggmp21Parameters.Ell);
        Point = PresigningPoint(X);
        using var y = GmpInteger.RandomBits(256, random);
        (C, var rhoC) = Keys.N0.Encrypt(y);
        rhoC.Dispose();
        Rho = Keys.N0.RandomUnit(random);
        D = MultiplyCiphertext(Keys.ProverKey, C, X, Rho);
        Proof = PaillierMultiplicationVsGroupProof.Prove(Context, Keys.N0, C, D, Point, X, Rho, Keys.Aux, keySecret: Keys.ProverKey);
    }

    public PresigningProofTestKeys Keys { get; }

    public GmpInteger X { get; }

    public Element Point { get; }

    public GmpInteger C { get; }

    public GmpInteger D { get; }

    public GmpInteger Rho { get; }

    public PaillierMultiplicationVsGroupProof Proof { get; }

    /// <summary>(x mod q)·G.</summary>
    public static Element PresigningPoint(GmpInteger x)
    {
        using var q = GmpInteger.FromBigInteger(Cggmp21Parameters.CurveOrder);
        using var reduced = GmpInteger.Mod(x, q);
        return Secp256k1Group.Instance.MultiplyBase(reduced.ToBytes(32));
    }

    /// <summary>C^x · ρ^N mod N² (by CRT with the key's factorization).</summary>
    public static GmpInteger MultiplyCiphertext(PaillierSecretKey key, GmpInteger c, GmpInteger x, GmpInteger rho)
    {
        using var cx = key.PowModNSquared(c, x);
        using var rn = key.PowModNSquared(rho, key.PublicKey.N);
        return GmpInteger.MultiplyMod(cx, rn, key.PublicKey.NSquared);
    }

    public void Dispose()
    {
        Proof.Dispose();
        foreach (var v in new[] { X, C, D, Rho })
        {
            v.Dispose();
        }

        Keys.Dispose();
    }
}

/// <summary>Π^mul* (CGGMP21, "Multiplication Paillier vs Group"): completeness, binding, every verifier check, out-of-range witnesses, and the encoding.</summary>
public sealed class PaillierMultiplicationVsGroupProofTests(PaillierMultiplicationVsGroupProofFixture fixture) : IClassFixture<PaillierMultiplicationVsGroupProofFixture>
{
    private static readonly string[] FieldNames = ["A", "Bx", "E", "S", "z1", "z2", "w"];

    public static TheoryData<string> Fields => [.. FieldNames];

    private static Secp256k1Group Curve => Secp256k1Group.Instance;

    private PresigningProofTestKeys Keys => fixture.Keys;

    private RingPedersenParameters Aux => Keys.Aux;

    private PaillierPublicKey N0 => Keys.N0;

    private ProofFailure CheckStatement(PaillierMultiplicationVsGroupProof proof) =>
        proof.Check(Context, N0, fixture.C, fixture.D, fixture.Point, Aux);

    [Fact]
    public void An_honest_proof_verifies_with_and_without_the_trapdoors()
    {
        Assert.Equal(ProofFailure.None, CheckStatement(fixture.Proof));
        Assert.True(fixture.Proof.Verify(Context, N0, fixture.C, fixture.D, fixture.Point, Aux, Keys.VerifierKey));

        // Proved without the prover's factorization: the same statement verifies.
        using var plain = PaillierMultiplicationVsGroupProof.Prove(Context, N0, fixture.C, fixture.D, fixture.Point, fixture.X, fixture.Rho, Aux);
        Assert.Equal(ProofFailure.None, CheckStatement(plain));

        // D decrypts to x·y: C's plaintext times x.
        using var y = Keys.ProverKey.Decrypt(fixture.C);
        using var product = GmpInteger.Multiply(y, fixture.X);
        using var productModN = GmpInteger.Mod(product, N0.N);
        using var decrypted = Keys.ProverKey.Decrypt(fixture.D);
        using var decryptedModN = GmpInteger.Mod(decrypted, N0.N);
        Assert.Equal(0, productModN.CompareTo(decryptedModN));
    }

    [Fact]
    public void A_proof_does_not_verify_under_another_session_prover_or_statement()
    {
        Assert.False(fixture.Proof.Verify(OtherContext, N0, fixture.C, fixture.D, fixture.Point, Aux));
        Assert.False(fixture.Proof.Verify(Context, N0, fixture.D, fixture.C, fixture.Point, Aux));
        Assert.False(fixture.Proof.Verify(Context, N0, fixture.C, fixture.D, Curve.Add(fixture.Point, Curve.Generator), Aux));
        Assert.False(fixture.Proof.Verify(Context, Keys.VerifierKey.PublicKey, fixture.C, fixture.D, fixture.Point, Aux));
        using var swapped = new RingPedersenParameters(Aux.N, Aux.T, Aux.S);
        Assert.False(fixture.Proof.Verify(Context, N0, fixture.C, fixture.D, fixture.Point, swapped));
        using var sameST = new RingPedersenParameters(Aux.N, Aux.T, Aux.T);
        Assert.Equal(ProofFailure.ParametersMalformed, fixture.Proof.Check(Context, N0, fixture.C, fixture.D, fixture.Point, sameST));
    }

    [Fact]
    public void Prove_refuses_a_witness_that_does_not_match_and_misuse_throws()
    {
        Assert.Throws<ArgumentException>(() => fixture.Proof.Verify([], N0, fixture.C, fixture.D, fixture.Point, Aux));
        Assert.Throws<ArgumentNullException>(() => fixture.Proof.Verify(Context, N0, fixture.C, fixture.D, null!, Aux));
        using var xPlusOne = Plus(fixture.X, 1);
        Assert.Throws<ArgumentException>(() => PaillierMultiplicationVsGroupProof.Prove(Context, N0, fixture.C, fixture.D, fixture.Point, xPlusOne, fixture.Rho, Aux));
        Assert.Throws<ArgumentException>(() => PaillierMultiplicationVsGroupProof.Prove(Context, N0, fixture.C, fixture.D, Curve.Add(fixture.Point, Curve.Generator), fixture.X, fixture.Rho, Aux));
        using var otherRho = N0.RandomUnit(SystemRandomSource.Instance);
        Assert.Throws<ArgumentException>(() => PaillierMultiplicationVsGroupProof.Prove(Context, N0, fixture.C, fixture.D, fixture.Point, fixture.X, otherRho, Aux, keySecret: Keys.ProverKey));
        Assert.Throws<ArgumentException>(() => PaillierMultiplicationVsGroupProof.Prove(Context, N0, fixture.C, fixture.D, fixture.Point, fixture.X, fixture.Rho, Aux, keySecret: Keys.VerifierKey));
        using var big = PowerOfTwo(Cggmp21Parameters.Ell + 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => PaillierMultiplicationVsGroupProof.Prove(Context, N0, fixture.C, fixture.D, fixture.Point, big, fixture.Rho, Aux));
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void Changing_any_field_is_rejected(string field)
    {
        using var onePlusN = Plus(N0.N, 1);
        using var two = GmpInteger.FromUInt64(2);
        var p = fixture.Proof;
        using var proof = field switch
        {
            "A" => WithInteger(0, GmpInteger.MultiplyMod(p.A, onePlusN, N0.NSquared)),
            "Bx" => WithBx(Curve.Add(p.Bx, Curve.Generator)),
            "E" => WithInteger(1, GmpInteger.MultiplyMod(p.E, Aux.T, Aux.N)),
            "S" => WithInteger(2, GmpInteger.MultiplyMod(p.S, Aux.T, Aux.N)),
            "z1" => WithInteger(3, Plus(p.Z1, 1)),
            "z2" => WithInteger(4, Plus(p.Z2, 1)),
            _ => WithInteger(5, GmpInteger.MultiplyMod(p.W, two, N0.N)),
        };

        Assert.NotEqual(ProofFailure.None, CheckStatement(proof));
        Assert.False(proof.Verify(Context, N0, fixture.C, fixture.D, fixture.Point, Aux));
    }

    [Fact]
    public void A_D_that_is_not_C_to_the_x_fails_the_Paillier_equation()
    {
        // D = C^(x+1)·ρ^N while X = x·G: the honest algorithm's proof is refused.
        using var xPlusOne = Plus(fixture.X, 1);
        using var wrongD = PaillierMultiplicationVsGroupProofFixture.MultiplyCiphertext(Keys.ProverKey, fixture.C, xPlusOne, fixture.Rho);
        using var proof = PaillierMultiplicationVsGroupProof.ProveCore(Context, N0, fixture.C, wrongD, fixture.Point, fixture.X, fixture.Rho, Aux, null);
        Assert.Equal(ProofFailure.PaillierEquationMismatch, proof.Check(Context, N0, fixture.C, wrongD, fixture.Point, Aux));

        // X = (x+1)·G with D = C^x·ρ^N: the group equation fails.
        var wrongPoint = PaillierMultiplicationVsGroupProofFixture.PresigningPoint(xPlusOne);
        using var proof2 = PaillierMultiplicationVsGroupProof.ProveCore(Context, N0, fixture.C, fixture.D, wrongPoint, fixture.X, fixture.Rho, Aux, null);
        Assert.Equal(ProofFailure.GroupEquationMismatch, proof2.Check(Context, N0, fixture.C, fixture.D, wrongPoint, Aux));
    }

    [Fact]
    public void An_out_of_range_x_fails_the_range_check_even_with_the_honest_algorithm()
    {
        using var x = PowerOfTwo(Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon + 10);
        var point = PaillierMultiplicationVsGroupProofFixture.PresigningPoint(x);
        using var d = PaillierMultiplicationVsGroupProofFixture.MultiplyCiphertext(Keys.ProverKey, fixture.C, x, fixture.Rho);
        using var proof = PaillierMultiplicationVsGroupProof.ProveCore(Context, N0, fixture.C, d, point, x, fixture.Rho, Aux, null);
        Assert.Equal(ProofFailure.Z1OutOfRange, proof.Check(Context, N0, fixture.C, d, point, Aux));
    }

    [Fact]
    public void Invalid_ciphertexts_commitments_points_and_responses_are_rejected()
    {
        foreach (var bad in InvalidCiphertexts(Keys.ProverKey))
        {
            using (bad)
            {
                Assert.Equal(ProofFailure.CiphertextInvalid, fixture.Proof.Check(Context, N0, bad, fixture.D, fixture.Point, Aux));
                Assert.Equal(ProofFailure.CiphertextInvalid, fixture.Proof.Check(Context, N0, fixture.C, bad, fixture.Point, Aux));
                if (!bad.IsNegative)
                {
                    using var proof = WithInteger(0, bad.Clone());
                    Assert.Equal(ProofFailure.CiphertextInvalid, CheckStatement(proof));
                }
            }
        }

        foreach (var index in new[] { 1, 2 })
        {
            using var zero = WithInteger(index, new GmpInteger());
            Assert.Equal(ProofFailure.CommitmentNotUnit, CheckStatement(zero));
            using var factor = WithInteger(index, Keys.VerifierKey.Q.Clone());
            Assert.Equal(ProofFailure.CommitmentNotUnit, CheckStatement(factor));
        }

        Assert.Equal(ProofFailure.PointInvalid, fixture.Proof.Check(Context, N0, fixture.C, fixture.D, Curve.Identity, Aux));
        Assert.Equal(ProofFailure.PointInvalid, fixture.Proof.Check(Context, N0, fixture.C, fixture.D, Ed25519Group.Instance.Generator, Aux));
        using var identityBx = WithBx(Curve.Identity);
        Assert.Equal(ProofFailure.PointInvalid, CheckStatement(identityBx));

        using var bound = PowerOfTwo(Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon);
        using var outside = Plus(bound, 1);
        using var z1 = WithInteger(3, outside.Clone());
        Assert.Equal(ProofFailure.Z1OutOfRange, CheckStatement(z1));
        using var z1Negative = WithInteger(3, GmpInteger.Negate(outside));
        Assert.Equal(ProofFailure.Z1OutOfRange, CheckStatement(z1Negative));
        using var z2 = WithInteger(4, GmpInteger.ShiftLeft(Aux.N, Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon + 2));
        Assert.Equal(ProofFailure.ResponseOutOfRange, CheckStatement(z2));
        using var w = WithInteger(5, N0.N.Clone());
        Assert.Equal(ProofFailure.ResponseNotUnit, CheckStatement(w));
        using var wFactor = WithInteger(5, Keys.ProverKey.Q.Clone());
        Assert.Equal(ProofFailure.ResponseNotUnit, CheckStatement(wFactor));
    }

    [Fact]
    public void The_encoding_round_trips_and_malformed_encodings_are_refused()
    {
        var bytes = fixture.Proof.Serialize();
        Assert.Equal(fixture.Proof.GetSerializedLength(), bytes.Length);
        Assert.Equal(9, bytes[1]);
        Assert.True(PaillierMultiplicationVsGroupProof.TryDeserialize(bytes, out var parsed));
        using (parsed)
        {
            Assert.Equal(bytes, parsed.Serialize());
            Assert.True(parsed.Verify(Context, N0, fixture.C, fixture.D, fixture.Point, Aux));
        }

        foreach (var length in new[] { 0, 1, 2, 6, bytes.Length / 2, bytes.Length - 1 })
        {
            Assert.False(PaillierMultiplicationVsGroupProof.TryDeserialize(bytes.AsSpan(0, length), out _));
        }

        Assert.False(PaillierMultiplicationVsGroupProof.TryDeserialize([.. bytes, 0], out _));
        Assert.False(PaillierMultiplicationVsGroupProof.TryDeserialize(WithByte(bytes, 1, 6), out _));
        Assert.False(GroupElementVsPaillierEncryptionProof.TryDeserialize(bytes, out _));
        var bxOffset = 2 + 5 + ((fixture.Proof.A.BitLength + 7) / 8);
        Assert.True(bytes[bxOffset] is 2 or 3);
        Assert.False(PaillierMultiplicationVsGroupProof.TryDeserialize(WithByte(bytes, bxOffset, 4), out _));
    }

    /// <summary>A copy of the proof with integer field <paramref name="index"/> (A, E, S, z1, z2, w) replaced; takes ownership of <paramref name="replacement"/>.</summary>
    private PaillierMultiplicationVsGroupProof WithInteger(int index, GmpInteger replacement)
    {
        var p = fixture.Proof;
        var v = new[] { p.A, p.E, p.S, p.Z1, p.Z2, p.W }.Select(x => x.Clone()).ToArray();
        v[index].Dispose();
        v[index] = replacement;
        return new PaillierMultiplicationVsGroupProof(v[0], p.Bx, v[1], v[2], v[3], v[4], v[5]);
    }

    private PaillierMultiplicationVsGroupProof WithBx(Element bx)
    {
        var p = fixture.Proof;
        return new PaillierMultiplicationVsGroupProof(p.A.Clone(), bx, p.E.Clone(), p.S.Clone(), p.Z1.Clone(), p.Z2.Clone(), p.W.Clone());
    }
}

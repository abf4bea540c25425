using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Proofs;
using Conclave.Crypto.Random;
using static Conclave.Crypto.Tests.Proofs.PresigningProofTestKeys;
using static Conclave.Crypto.Tests.Proofs.ProofTestHelpers;

namespace Conclave.Crypto.Tests.Proofs;

/// <summary>The keys, a statement C = Enc_N₀(x; ρ), X = x·B for a random base B, and one honest Π^log* proof.</summary>
public sealed class GroupElementVsPaillierEncryptionProofFixture : IDisposable
{
    public GroupElementVsPaillierEncryptionProofFixture()
    {
        Keys = new PresigningProofTestKeys();
        var scalar = Curve.NewScalar();
        Curve.RandomScalar(SystemRandomSource.Instance, scalar);
        BasePoint = Curve.MultiplyBase(scalar);
        X = RandomSigned(Cggmp21Parameters.Ell);
        Point = Multiply(BasePoint, X);
        (Ciphertext, Rho) = Keys.N0.Encrypt(X);
        Proof = GroupElementVsPaillierEncryptionProof.Prove(Context, Keys.N0, Ciphertext, Point, BasePoint, X, Rho, Keys.Aux);
    }

    public static Secp256k1Group Curve => Secp256k1Group.Instance;

    public PresigningProofTestKeys Keys { get; }

    public Element BasePoint { get; }

    public GmpInteger X { get; }

    public Element Point { get; }

    public GmpInteger Ciphertext { get; }

    public GmpInteger Rho { get; }

    public GroupElementVsPaillierEncryptionProof Proof { get; }

    /// <summary>(x mod q)·P.</summary>
    public static Element Multiply(Element point, GmpInteger x)
    {
        using var q = GmpInteger.FromBigInteger(Cggmp21Parameters.CurveOrder);
        using var reduced = GmpInteger.Mod(x, q);
        return Curve.Multiply(point, reduced.ToBytes(32));
    }

    public void Dispose()
    {
        Proof.Dispose();
        Rho.Dispose();
        Ciphertext.Dispose();
        X.Dispose();
        Keys.Dispose();
    }
}

/// <summary>Π^log* (CGGMP21 Fig. 25, Lockness spec): completeness, binding, every verifier check, out-of-range witnesses, and the encoding.</summary>
public sealed class GroupElementVsPaillierEncryptionProofTests(GroupElementVsPaillierEncryptionProofFixture fixture) : IClassFixture<GroupElementVsPaillierEncryptionProofFixture>
{
    private static readonly string[] FieldNames = ["S", "A", "Y", "D", "z1", "z2", "z3"];

    public static TheoryData<string> Fields => [.. FieldNames];

    private static Secp256k1Group Curve => Secp256k1Group.Instance;

    private PresigningProofTestKeys Keys => fixture.Keys;

    private RingPedersenParameters Aux => Keys.Aux;

    private PaillierPublicKey N0 => Keys.N0;

    private ProofFailure CheckStatement(GroupElementVsPaillierEncryptionProof proof) =>
        proof.Check(Context, N0, fixture.Ciphertext, fixture.Point, fixture.BasePoint, Aux);

    [Fact]
    public void Honest_proof_for_a_2048_bit_key_verifies()
    {
        Assert.Equal(2048, N0.Bits);
        Assert.Equal(ProofFailure.None, CheckStatement(fixture.Proof));
        Assert.True(fixture.Proof.Verify(Context, N0, fixture.Ciphertext, fixture.Point, fixture.BasePoint, Aux));
    }

    [Fact]
    public void Honest_proof_with_the_generator_as_base_verifies()
    {
        using var x = RandomSigned(Cggmp21Parameters.Ell);
        var point = GroupElementVsPaillierEncryptionProofFixture.Multiply(Curve.Generator, x);
        var (c, rho) = N0.Encrypt(x);
        using (c)
        using (rho)
        using (var proof = GroupElementVsPaillierEncryptionProof.Prove(Context, N0, c, point, Curve.Generator, x, rho, Aux))
        {
            Assert.True(proof.Verify(Context, N0, c, point, Curve.Generator, Aux));
            Assert.False(proof.Verify(Context, N0, c, point, fixture.BasePoint, Aux));
        }
    }

    [Fact]
    public void Proof_does_not_verify_under_another_context_or_statement()
    {
        Assert.False(fixture.Proof.Verify(OtherContext, N0, fixture.Ciphertext, fixture.Point, fixture.BasePoint, Aux));
        var otherPoint = Curve.Add(fixture.Point, Curve.Generator);
        Assert.False(fixture.Proof.Verify(Context, N0, fixture.Ciphertext, otherPoint, fixture.BasePoint, Aux));
        Assert.False(fixture.Proof.Verify(Context, N0, fixture.Ciphertext, fixture.Point, Curve.Generator, Aux));
        Assert.False(fixture.Proof.Verify(Context, Keys.VerifierKey.PublicKey, fixture.Ciphertext, fixture.Point, fixture.BasePoint, Aux));
        var (other, rho) = N0.Encrypt(fixture.X);
        using (other)
        using (rho)
        {
            Assert.False(fixture.Proof.Verify(Context, N0, other, fixture.Point, fixture.BasePoint, Aux));
        }

        using var swapped = new RingPedersenParameters(Aux.N, Aux.T, Aux.S);
        Assert.False(fixture.Proof.Verify(Context, N0, fixture.Ciphertext, fixture.Point, fixture.BasePoint, swapped));
        using var sameST = new RingPedersenParameters(Aux.N, Aux.T, Aux.T);
        Assert.Equal(ProofFailure.ParametersMalformed, fixture.Proof.Check(Context, N0, fixture.Ciphertext, fixture.Point, fixture.BasePoint, sameST));
    }

    [Fact]
    public void Misuse_throws_and_Prove_refuses_a_witness_that_does_not_match()
    {
        Assert.Throws<ArgumentException>(() => fixture.Proof.Verify([], N0, fixture.Ciphertext, fixture.Point, fixture.BasePoint, Aux));
        Assert.Throws<ArgumentNullException>(() => fixture.Proof.Verify(Context, N0, fixture.Ciphertext, null!, fixture.BasePoint, Aux));
        using var xPlusOne = Plus(fixture.X, 1);
        Assert.Throws<ArgumentException>(() => GroupElementVsPaillierEncryptionProof.Prove(Context, N0, fixture.Ciphertext, fixture.Point, fixture.BasePoint, xPlusOne, fixture.Rho, Aux));
        var wrongPoint = Curve.Add(fixture.Point, Curve.Generator);
        Assert.Throws<ArgumentException>(() => GroupElementVsPaillierEncryptionProof.Prove(Context, N0, fixture.Ciphertext, wrongPoint, fixture.BasePoint, fixture.X, fixture.Rho, Aux));
        using var big = PowerOfTwo(Cggmp21Parameters.Ell + 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => GroupElementVsPaillierEncryptionProof.Prove(Context, N0, fixture.Ciphertext, fixture.Point, fixture.BasePoint, big, fixture.Rho, Aux));
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void Changing_any_field_is_rejected(string field)
    {
        using var onePlusN = Plus(N0.N, 1);
        using var two = GmpInteger.FromUInt64(2);
        using var proof = field switch
        {
            "S" => WithInteger(0, GmpInteger.MultiplyMod(fixture.Proof.S, Aux.T, Aux.N)),
            "A" => WithInteger(1, GmpInteger.MultiplyMod(fixture.Proof.A, onePlusN, N0.NSquared)),
            "Y" => WithY(Curve.Add(fixture.Proof.Y, Curve.Generator)),
            "D" => WithInteger(2, GmpInteger.MultiplyMod(fixture.Proof.D, Aux.T, Aux.N)),
            "z1" => WithInteger(3, Plus(fixture.Proof.Z1, 1)),
            "z2" => WithInteger(4, GmpInteger.MultiplyMod(fixture.Proof.Z2, two, N0.N)),
            _ => WithInteger(5, Plus(fixture.Proof.Z3, 1)),
        };

        var expected = field == "z3" ? ProofFailure.RingPedersenEquationMismatch : ProofFailure.PaillierEquationMismatch;
        Assert.Equal(expected, CheckStatement(proof));
        Assert.False(proof.Verify(Context, N0, fixture.Ciphertext, fixture.Point, fixture.BasePoint, Aux));
    }

    [Fact]
    public void A_point_that_is_not_x_times_B_fails_the_group_equation()
    {
        // C encrypts x but X = (x + 1)·B: the Paillier and ring-Pedersen equations hold, the group one does not.
        using var xPlusOne = Plus(fixture.X, 1);
        var wrongPoint = GroupElementVsPaillierEncryptionProofFixture.Multiply(fixture.BasePoint, xPlusOne);
        using var proof = GroupElementVsPaillierEncryptionProof.ProveCore(Context, N0, fixture.Ciphertext, wrongPoint, fixture.BasePoint, fixture.X, fixture.Rho, Aux, null);
        Assert.Equal(ProofFailure.GroupEquationMismatch, proof.Check(Context, N0, fixture.Ciphertext, wrongPoint, fixture.BasePoint, Aux));
    }

    [Fact]
    public void An_out_of_range_x_fails_the_range_check_even_with_the_honest_algorithm()
    {
        using var x = PowerOfTwo(Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon + 10);
        var point = GroupElementVsPaillierEncryptionProofFixture.Multiply(fixture.BasePoint, x);
        var (c, rho) = N0.Encrypt(x);
        using (c)
        using (rho)
        using (var proof = GroupElementVsPaillierEncryptionProof.ProveCore(Context, N0, c, point, fixture.BasePoint, x, rho, Aux, null))
        {
            Assert.Equal(ProofFailure.Z1OutOfRange, proof.Check(Context, N0, c, point, fixture.BasePoint, Aux));
            Assert.False(proof.Verify(Context, N0, c, point, fixture.BasePoint, Aux));
        }
    }

    [Fact]
    public void A_C_or_A_outside_Z_star_N0_squared_is_rejected()
    {
        foreach (var bad in InvalidCiphertexts(Keys.ProverKey))
        {
            using (bad)
            {
                Assert.Equal(ProofFailure.CiphertextInvalid, fixture.Proof.Check(Context, N0, bad, fixture.Point, fixture.BasePoint, Aux));
                if (!bad.IsNegative)
                {
                    using var proof = WithInteger(1, bad.Clone());
                    Assert.Equal(ProofFailure.CiphertextInvalid, CheckStatement(proof));
                }
            }
        }
    }

    [Fact]
    public void An_S_or_D_outside_Z_star_N_hat_is_rejected()
    {
        foreach (var index in new[] { 0, 2 })
        {
            using var zero = WithInteger(index, new GmpInteger());
            Assert.Equal(ProofFailure.CommitmentNotUnit, CheckStatement(zero));
            using var factor = WithInteger(index, Keys.VerifierKey.Q.Clone());
            Assert.Equal(ProofFailure.CommitmentNotUnit, CheckStatement(factor));
            using var shifted = WithInteger(index, GmpInteger.Add(fixture.Proof.D, Aux.N));
            Assert.Equal(ProofFailure.CommitmentNotUnit, CheckStatement(shifted));
        }
    }

    [Fact]
    public void Identity_or_foreign_points_are_rejected()
    {
        Assert.Equal(ProofFailure.PointInvalid, fixture.Proof.Check(Context, N0, fixture.Ciphertext, Curve.Identity, fixture.BasePoint, Aux));
        Assert.Equal(ProofFailure.PointInvalid, fixture.Proof.Check(Context, N0, fixture.Ciphertext, fixture.Point, Curve.Identity, Aux));
        Assert.Equal(ProofFailure.PointInvalid, fixture.Proof.Check(Context, N0, fixture.Ciphertext, fixture.Point, Ed25519Group.Instance.Generator, Aux));
        using var identityY = WithY(Curve.Identity);
        Assert.Equal(ProofFailure.PointInvalid, CheckStatement(identityY));
    }

    [Fact]
    public void Out_of_range_responses_are_rejected()
    {
        using var bound = PowerOfTwo(Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon);
        using var outside = Plus(bound, 1);
        using var z1 = WithInteger(3, outside.Clone());
        Assert.Equal(ProofFailure.Z1OutOfRange, CheckStatement(z1));
        using var z1Negative = WithInteger(3, GmpInteger.Negate(outside));
        Assert.Equal(ProofFailure.Z1OutOfRange, CheckStatement(z1Negative));
        using var z1AtBound = WithInteger(3, bound.Clone());
        Assert.Equal(ProofFailure.PaillierEquationMismatch, CheckStatement(z1AtBound));

        using var z2 = WithInteger(4, N0.N.Clone());
        Assert.Equal(ProofFailure.ResponseNotUnit, CheckStatement(z2));
        using var z2Factor = WithInteger(4, Keys.ProverKey.Q.Clone());
        Assert.Equal(ProofFailure.ResponseNotUnit, CheckStatement(z2Factor));
        using var z3 = WithInteger(5, GmpInteger.ShiftLeft(Aux.N, Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon + 2));
        Assert.Equal(ProofFailure.ResponseOutOfRange, CheckStatement(z3));
    }

    [Fact]
    public void Serialization_round_trips_to_the_same_bytes_and_a_verifying_proof()
    {
        var bytes = fixture.Proof.Serialize();
        Assert.Equal(fixture.Proof.GetSerializedLength(), bytes.Length);
        Assert.Equal(6, bytes[1]);
        Assert.True(GroupElementVsPaillierEncryptionProof.TryDeserialize(bytes, out var parsed));
        using (parsed)
        {
            Assert.Equal(bytes, parsed.Serialize());
            Assert.Equal(fixture.Proof.Y, parsed.Y);
            Assert.True(parsed.Verify(Context, N0, fixture.Ciphertext, fixture.Point, fixture.BasePoint, Aux));
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
            Assert.False(GroupElementVsPaillierEncryptionProof.TryDeserialize(bytes.AsSpan(0, length), out _));
        }

        Assert.False(GroupElementVsPaillierEncryptionProof.TryDeserialize([.. bytes, 0], out _));
        Assert.False(GroupElementVsPaillierEncryptionProof.TryDeserialize(WithByte(bytes, 0, 2), out _));
        Assert.False(GroupElementVsPaillierEncryptionProof.TryDeserialize(WithByte(bytes, 1, 4), out _));
        Assert.False(PaillierEncryptionInRangeProof.TryDeserialize(bytes, out _));

        // Y's compressed-point prefix must be 02 or 03.
        var yOffset = 2 + ProofSize(fixture.Proof.S) + ProofSize(fixture.Proof.A);
        Assert.True(bytes[yOffset] is 2 or 3);
        Assert.False(GroupElementVsPaillierEncryptionProof.TryDeserialize(WithByte(bytes, yOffset, 4), out _));
        Assert.False(GroupElementVsPaillierEncryptionProof.TryDeserialize(WithByte(bytes, yOffset, 0), out _));
    }

    private static int ProofSize(GmpInteger value) => 5 + ((value.BitLength + 7) / 8);

    /// <summary>A copy of the proof with integer field <paramref name="index"/> (S, A, D, z1, z2, z3) replaced; takes ownership of <paramref name="replacement"/>.</summary>
    private GroupElementVsPaillierEncryptionProof WithInteger(int index, GmpInteger replacement)
    {
        var p = fixture.Proof;
        var v = new[] { p.S, p.A, p.D, p.Z1, p.Z2, p.Z3 }.Select(x => x.Clone()).ToArray();
        v[index].Dispose();
        v[index] = replacement;
        return new GroupElementVsPaillierEncryptionProof(v[0], v[1], p.Y, v[2], v[3], v[4], v[5]);
    }

    private GroupElementVsPaillierEncryptionProof WithY(Element y)
    {
        var p = fixture.Proof;
        return new GroupElementVsPaillierEncryptionProof(p.S.Clone(), p.A.Clone(), y, p.D.Clone(), p.Z1.Clone(), p.Z2.Clone(), p.Z3.Clone());
    }
}

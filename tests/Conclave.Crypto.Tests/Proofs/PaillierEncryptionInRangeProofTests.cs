using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Proofs;
using static Conclave.Crypto.Tests.Proofs.PresigningProofTestKeys;
using static Conclave.Crypto.Tests.Proofs.ProofTestHelpers;

namespace Conclave.Crypto.Tests.Proofs;

/// <summary>The keys, a statement K = Enc_N₀(k; ρ) with k ∈ ±2^ℓ, and one honest Π^enc proof.</summary>
public sealed class PaillierEncryptionInRangeProofFixture : IDisposable
{
    public PaillierEncryptionInRangeProofFixture()
    {
        Keys = new PresigningProofTestKeys();
        K = RandomSigned(Cggmp21Parameters.Ell);
        (Ciphertext, Rho) = Keys.N0.Encrypt(K);
        Proof = PaillierEncryptionInRangeProof.Prove(Context, Keys.N0, Ciphertext, K, Rho, Keys.Aux);
    }

    public PresigningProofTestKeys Keys { get; }

    public GmpInteger K { get; }

    public GmpInteger Ciphertext { get; }

    public GmpInteger Rho { get; }

    public PaillierEncryptionInRangeProof Proof { get; }

    public void Dispose()
    {
        Proof.Dispose();
        Rho.Dispose();
        Ciphertext.Dispose();
        K.Dispose();
        Keys.Dispose();
    }
}

/// <summary>Π^enc (CGGMP21 Fig. 14, Lockness spec): completeness, binding, every verifier check, out-of-range witnesses, and the encoding.</summary>
public sealed class PaillierEncryptionInRangeProofTests(PaillierEncryptionInRangeProofFixture fixture) : IClassFixture<PaillierEncryptionInRangeProofFixture>
{
    private static readonly string[] FieldNames = ["S", "A", "C", "z1", "z2", "z3"];

    public static TheoryData<string> Fields => [.. FieldNames];

    private PresigningProofTestKeys Keys => fixture.Keys;

    private RingPedersenParameters Aux => Keys.Aux;

    private PaillierPublicKey N0 => Keys.N0;

    [Fact]
    public void Honest_proof_for_a_2048_bit_key_verifies()
    {
        Assert.Equal(2048, N0.Bits);
        Assert.Equal(ProofFailure.None, fixture.Proof.Check(Context, N0, fixture.Ciphertext, Aux));
        Assert.True(fixture.Proof.Verify(Context, N0, fixture.Ciphertext, Aux));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Honest_proofs_at_the_edges_of_the_range_verify(bool negative)
    {
        // k = ±2^ℓ, the extreme values the prover may use.
        using var bound = PowerOfTwo(Cggmp21Parameters.Ell);
        using var k = negative ? GmpInteger.Negate(bound) : bound.Clone();
        var (c, rho) = N0.Encrypt(k);
        using (c)
        using (rho)
        using (var proof = PaillierEncryptionInRangeProof.Prove(Context, N0, c, k, rho, Aux))
        {
            Assert.True(proof.Verify(Context, N0, c, Aux));
        }
    }

    [Fact]
    public void Proof_does_not_verify_under_another_context_or_statement()
    {
        Assert.False(fixture.Proof.Verify(OtherContext, N0, fixture.Ciphertext, Aux));

        // Another ciphertext of the same k, and the same ciphertext under another key.
        var (other, rho) = N0.Encrypt(fixture.K);
        using (other)
        using (rho)
        {
            Assert.Equal(ProofFailure.PaillierEquationMismatch, fixture.Proof.Check(Context, N0, other, Aux));
        }

        Assert.False(fixture.Proof.Verify(Context, Keys.VerifierKey.PublicKey, fixture.Ciphertext, Aux));
    }

    [Fact]
    public void Proof_does_not_verify_against_other_verifier_parameters()
    {
        using var swapped = new RingPedersenParameters(Aux.N, Aux.T, Aux.S);
        Assert.False(fixture.Proof.Verify(Context, N0, fixture.Ciphertext, swapped));
        using var s2 = GmpInteger.MultiplyMod(Aux.S, Aux.T, Aux.N);
        using var otherS = new RingPedersenParameters(Aux.N, s2, Aux.T);
        Assert.False(fixture.Proof.Verify(Context, N0, fixture.Ciphertext, otherS));
    }

    [Fact]
    public void Malformed_parameters_a_small_modulus_and_misuse_are_handled()
    {
        using var sameST = new RingPedersenParameters(Aux.N, Aux.T, Aux.T);
        Assert.Equal(ProofFailure.ParametersMalformed, fixture.Proof.Check(Context, N0, fixture.Ciphertext, sameST));
        Assert.Throws<ArgumentException>(() => PaillierEncryptionInRangeProof.Prove(Context, N0, fixture.Ciphertext, fixture.K, fixture.Rho, sameST));

        // N₀ = 3·p (1026 bits) is fine for 2^(ℓ+ε) < N₀/2 (770 bits); a 767-bit N₀ is not.
        using var p = TestOnlySafePrimes.Get(4);
        using var small = GmpInteger.ShiftRight(p, 1024 - 767);
        using var smallOdd = small.IsOdd ? small.Clone() : Plus(small, 1);
        using var smallKey = new PaillierPublicKey(smallOdd);
        Assert.Equal(ProofFailure.ModulusTooSmall, fixture.Proof.Check(Context, smallKey, fixture.Ciphertext, Aux));

        Assert.Throws<ArgumentException>(() => fixture.Proof.Verify([], N0, fixture.Ciphertext, Aux));
        Assert.Throws<ArgumentNullException>(() => fixture.Proof.Verify(Context, null!, fixture.Ciphertext, Aux));
        Assert.Throws<ArgumentNullException>(() => fixture.Proof.Verify(Context, N0, null!, Aux));
        Assert.Throws<ArgumentException>(() => PaillierEncryptionInRangeProof.Prove([], N0, fixture.Ciphertext, fixture.K, fixture.Rho, Aux));
    }

    [Fact]
    public void Prove_refuses_a_witness_that_does_not_match_or_is_out_of_range()
    {
        using var kPlusOne = Plus(fixture.K, 1);
        Assert.Throws<ArgumentException>(() => PaillierEncryptionInRangeProof.Prove(Context, N0, fixture.Ciphertext, kPlusOne, fixture.Rho, Aux));
        using var big = PowerOfTwo(Cggmp21Parameters.Ell);
        using var tooBig = Plus(big, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => PaillierEncryptionInRangeProof.Prove(Context, N0, fixture.Ciphertext, tooBig, fixture.Rho, Aux));
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void Changing_any_field_is_rejected(string field)
    {
        var index = Array.IndexOf(FieldNames, field);
        var values = Values(fixture.Proof);
        using var onePlusN = Plus(N0.N, 1);
        using var two = GmpInteger.FromUInt64(2);
        using var changed = field switch
        {
            "S" or "C" => GmpInteger.MultiplyMod(values[index], Aux.T, Aux.N),
            "A" => GmpInteger.MultiplyMod(values[index], onePlusN, N0.NSquared),
            "z2" => GmpInteger.MultiplyMod(values[index], two, N0.N),
            _ => Plus(values[index], 1),
        };
        using var proof = With(index, changed);

        // S, A, C feed the challenge; z1 and z2 appear in the Paillier equation; z3 only in the ring-Pedersen one.
        var expected = field == "z3" ? ProofFailure.RingPedersenEquationMismatch : ProofFailure.PaillierEquationMismatch;
        Assert.Equal(expected, proof.Check(Context, N0, fixture.Ciphertext, Aux));
        Assert.False(proof.Verify(Context, N0, fixture.Ciphertext, Aux));
    }

    [Fact]
    public void An_out_of_range_plaintext_fails_the_range_check_even_with_the_honest_algorithm()
    {
        // k = 2^(ℓ+ε+10): K is a perfectly valid ciphertext, but z1 = α + e·k leaves ±2^(ℓ+ε).
        using var k = PowerOfTwo(Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon + 10);
        var (c, rho) = N0.Encrypt(k);
        using (c)
        using (rho)
        using (var proof = PaillierEncryptionInRangeProof.ProveCore(Context, N0, c, k, rho, Aux, null))
        {
            Assert.Equal(ProofFailure.Z1OutOfRange, proof.Check(Context, N0, c, Aux));
            Assert.False(proof.Verify(Context, N0, c, Aux));
        }

        // The same with k ≡ -2^(ℓ+ε+10) + N₀ (a "negative" plaintext wrapped around N₀).
        using var wrapped = GmpInteger.Subtract(N0.N, k);
        var (c2, rho2) = N0.Encrypt(wrapped);
        using (c2)
        using (rho2)
        using (var proof = PaillierEncryptionInRangeProof.ProveCore(Context, N0, c2, wrapped, rho2, Aux, null))
        {
            Assert.Equal(ProofFailure.Z1OutOfRange, proof.Check(Context, N0, c2, Aux));
        }
    }

    [Fact]
    public void A_K_or_A_outside_Z_star_N0_squared_is_rejected()
    {
        foreach (var bad in InvalidCiphertexts(Keys.ProverKey))
        {
            using (bad)
            {
                Assert.Equal(ProofFailure.CiphertextInvalid, fixture.Proof.Check(Context, N0, bad, Aux));
                Assert.False(fixture.Proof.Verify(Context, N0, bad, Aux));
                if (!bad.IsNegative)
                {
                    using var proof = With(1, bad);
                    Assert.Equal(ProofFailure.CiphertextInvalid, proof.Check(Context, N0, fixture.Ciphertext, Aux));
                }
            }
        }
    }

    [Fact]
    public void An_S_or_C_outside_Z_star_N_hat_is_rejected()
    {
        using var zero = new GmpInteger();
        using var shifted = GmpInteger.Add(fixture.Proof.S, Aux.N);
        using var factor = Keys.VerifierKey.P.Clone();
        foreach (var index in new[] { 0, 2 })
        {
            foreach (var bad in new[] { zero, shifted, factor })
            {
                using var proof = With(index, bad);
                Assert.Equal(ProofFailure.CommitmentNotUnit, proof.Check(Context, N0, fixture.Ciphertext, Aux));
            }
        }
    }

    [Fact]
    public void A_z1_just_outside_the_range_is_rejected_by_the_range_check()
    {
        using var bound = PowerOfTwo(Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon);
        using var outside = Plus(bound, 1);
        using var negative = GmpInteger.Negate(outside);
        using var proof = With(3, outside);
        Assert.Equal(ProofFailure.Z1OutOfRange, proof.Check(Context, N0, fixture.Ciphertext, Aux));
        using var negativeProof = With(3, negative);
        Assert.Equal(ProofFailure.Z1OutOfRange, negativeProof.Check(Context, N0, fixture.Ciphertext, Aux));
        using var atBound = With(3, bound);
        Assert.Equal(ProofFailure.PaillierEquationMismatch, atBound.Check(Context, N0, fixture.Ciphertext, Aux));
    }

    [Fact]
    public void A_z2_outside_Z_star_N0_or_an_oversized_z3_is_rejected()
    {
        using var zero = new GmpInteger();
        using var factor = Keys.ProverKey.P.Clone();
        foreach (var bad in new[] { zero, N0.N, factor })
        {
            using var proof = With(4, bad);
            Assert.Equal(ProofFailure.ResponseNotUnit, proof.Check(Context, N0, fixture.Ciphertext, Aux));
        }

        using var huge = GmpInteger.ShiftLeft(Aux.N, Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon + 2);
        using var hugeProof = With(5, huge);
        Assert.Equal(ProofFailure.ResponseOutOfRange, hugeProof.Check(Context, N0, fixture.Ciphertext, Aux));
    }

    [Fact]
    public void Serialization_round_trips_to_the_same_bytes_and_a_verifying_proof()
    {
        var bytes = fixture.Proof.Serialize();
        Assert.Equal(fixture.Proof.GetSerializedLength(), bytes.Length);
        Assert.Equal(1, bytes[0]);
        Assert.Equal(4, bytes[1]);
        Assert.True(PaillierEncryptionInRangeProof.TryDeserialize(bytes, out var parsed));
        using (parsed)
        {
            Assert.Equal(bytes, parsed.Serialize());
            Assert.True(parsed.Verify(Context, N0, fixture.Ciphertext, Aux));
            for (var i = 0; i < FieldNames.Length; i++)
            {
                Assert.Equal(0, Values(fixture.Proof)[i].CompareTo(Values(parsed)[i]));
            }
        }

        var buffer = new byte[bytes.Length];
        Assert.Equal(bytes.Length, fixture.Proof.Serialize(buffer));
        Assert.Equal(bytes, buffer);
        Assert.False(fixture.Proof.TrySerialize(buffer.AsSpan(1), out _));
    }

    [Fact]
    public void TryDeserialize_rejects_truncation_trailing_bytes_wrong_kind_or_version_and_negative_residues()
    {
        var bytes = fixture.Proof.Serialize();
        foreach (var length in new[] { 0, 1, 2, 6, bytes.Length / 2, bytes.Length - 1 })
        {
            Assert.False(PaillierEncryptionInRangeProof.TryDeserialize(bytes.AsSpan(0, length), out _));
        }

        Assert.False(PaillierEncryptionInRangeProof.TryDeserialize([.. bytes, 0], out _));
        Assert.False(PaillierEncryptionInRangeProof.TryDeserialize(WithByte(bytes, 0, 2), out _));
        Assert.False(PaillierEncryptionInRangeProof.TryDeserialize(WithByte(bytes, 1, 3), out _));
        Assert.False(PaillierEncryptionInRangeProof.TryDeserialize(WithByte(bytes, 2, 1), out _));
        Assert.False(PaillierEncryptionInRangeProof.TryDeserialize(WithLeadingZeroAt(bytes, 2), out _));
        Assert.False(NoSmallFactorProof.TryDeserialize(bytes, out _));
        Assert.False(PaillierAffineOperationProof.TryDeserialize(bytes, out _));
        Assert.False(GroupElementVsPaillierEncryptionProof.TryDeserialize(bytes, out _));
    }

    private static GmpInteger[] Values(PaillierEncryptionInRangeProof proof) => [proof.S, proof.A, proof.C, proof.Z1, proof.Z2, proof.Z3];

    private PaillierEncryptionInRangeProof With(int index, GmpInteger replacement)
    {
        var v = Values(fixture.Proof).Select(x => x.Clone()).ToArray();
        v[index].Dispose();
        v[index] = replacement.Clone();
        return new PaillierEncryptionInRangeProof(v[0], v[1], v[2], v[3], v[4], v[5]);
    }
}

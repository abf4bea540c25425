using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Proofs;
using static Conclave.Crypto.Tests.Proofs.ProofTestHelpers;

namespace Conclave.Crypto.Tests.Proofs;

/// <summary>A prover's 2048-bit key, the verifier's ring-Pedersen parameters, and one honest Π^fac proof.</summary>
public sealed class NoSmallFactorProofFixture : IDisposable
{
    public NoSmallFactorProofFixture()
    {
        Key = TestOnlySafePrimes.CreateKey(6, 7);
        VerifierKey = TestOnlySafePrimes.CreateKey(8, 9);
        VerifierSecret = RingPedersenSecret.Generate(VerifierKey);
        Proof = NoSmallFactorProof.Prove(Context, Key, VerifierParameters);
    }

    public PaillierSecretKey Key { get; }

    public PaillierSecretKey VerifierKey { get; }

    public RingPedersenSecret VerifierSecret { get; }

    public RingPedersenParameters VerifierParameters => VerifierSecret.Parameters;

    public NoSmallFactorProof Proof { get; }

    public GmpInteger N0 => Key.PublicKey.N;

    public void Dispose()
    {
        Proof.Dispose();
        VerifierSecret.Dispose();
        VerifierKey.Dispose();
        Key.Dispose();
    }
}

/// <summary>Π^fac (CGGMP21 Fig. 28): completeness, binding, every verifier check, small factors, and the encoding.</summary>
public sealed class NoSmallFactorProofTests(NoSmallFactorProofFixture fixture) : IClassFixture<NoSmallFactorProofFixture>
{
    private static readonly string[] FieldNames = ["P", "Q", "A", "B", "T", "sigma", "z1", "z2", "w1", "w2", "v"];

    public static TheoryData<string> Fields => [.. FieldNames];

    private RingPedersenParameters Aux => fixture.VerifierParameters;

    [Fact]
    public void Honest_proof_for_a_2048_bit_modulus_verifies()
    {
        Assert.Equal(2048, fixture.N0.BitLength);
        Assert.True(fixture.Proof.Verify(Context, fixture.N0, Aux));
    }

    [Fact]
    public void Proof_does_not_verify_under_another_context()
    {
        Assert.False(fixture.Proof.Verify(OtherContext, fixture.N0, Aux));
    }

    [Fact]
    public void Proof_does_not_verify_for_another_N0()
    {
        using var other = TestOnlySafePrimes.CreateKey(10, 11);
        Assert.False(fixture.Proof.Verify(Context, other.PublicKey.N, Aux));
    }

    [Fact]
    public void Proof_does_not_verify_against_other_verifier_parameters()
    {
        using var otherKey = TestOnlySafePrimes.CreateKey(12, 13);
        using var otherSecret = RingPedersenSecret.Generate(otherKey);
        Assert.False(fixture.Proof.Verify(Context, fixture.N0, otherSecret.Parameters));

        // Same N̂ with s and t swapped, or with another s.
        using var swapped = new RingPedersenParameters(Aux.N, Aux.T, Aux.S);
        Assert.False(fixture.Proof.Verify(Context, fixture.N0, swapped));
        using var s2 = GmpInteger.MultiplyMod(Aux.S, Aux.T, Aux.N);
        using var otherS = new RingPedersenParameters(Aux.N, s2, Aux.T);
        Assert.False(fixture.Proof.Verify(Context, fixture.N0, otherS));
    }

    [Fact]
    public void Malformed_verifier_parameters_are_rejected_without_throwing()
    {
        using var sameST = new RingPedersenParameters(Aux.N, Aux.T, Aux.T);
        Assert.Equal(ProofFailure.ParametersMalformed, fixture.Proof.Check(Context, fixture.N0, sameST, Cggmp21Parameters.MinimumModulusBits));
        Assert.Throws<ArgumentException>(() => NoSmallFactorProof.Prove(Context, fixture.Key, sameST));
    }

    [Fact]
    public void An_empty_context_or_null_arguments_are_misuse_and_throw()
    {
        Assert.Throws<ArgumentException>(() => fixture.Proof.Verify([], fixture.N0, Aux));
        Assert.Throws<ArgumentNullException>(() => fixture.Proof.Verify(Context, null!, Aux));
        Assert.Throws<ArgumentNullException>(() => fixture.Proof.Verify(Context, fixture.N0, null!));
        Assert.Throws<ArgumentException>(() => NoSmallFactorProof.Prove([], fixture.Key, Aux));
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void Changing_any_field_is_rejected(string field)
    {
        var values = Values(fixture.Proof);
        var index = Array.IndexOf(FieldNames, field);
        using var changed = index < 5 ? GmpInteger.MultiplyMod(values[index], Aux.T, Aux.N) : Plus(values[index], 1);
        using var proof = With(index, changed);

        // P, Q, A, B, T and σ feed the challenge, so e changes and the first equation breaks;
        // z1 and w1 appear in the first equation, z2 and w2 in the second, v only in the third.
        var expected = field switch
        {
            "z2" or "w2" => ProofFailure.SecondEquationMismatch,
            "v" => ProofFailure.ThirdEquationMismatch,
            _ => ProofFailure.FirstEquationMismatch,
        };
        Assert.Equal(expected, proof.Check(Context, fixture.N0, Aux, Cggmp21Parameters.MinimumModulusBits));
        Assert.False(proof.Verify(Context, fixture.N0, Aux));
    }

    [Fact]
    public void A_P_Q_A_B_or_T_outside_Z_star_N_hat_is_rejected()
    {
        using var zero = new GmpInteger();
        for (var i = 0; i < 5; i++)
        {
            using var proof = With(i, zero);
            Assert.Equal(ProofFailure.CommitmentNotUnit, proof.Check(Context, fixture.N0, Aux, Cggmp21Parameters.MinimumModulusBits));
        }

        using var shifted = GmpInteger.Add(fixture.Proof.T, Aux.N);
        using var shiftedProof = With(4, shifted);
        Assert.Equal(ProofFailure.CommitmentNotUnit, shiftedProof.Check(Context, fixture.N0, Aux, Cggmp21Parameters.MinimumModulusBits));

        using var factor = fixture.VerifierKey.P.Clone();
        using var factorProof = With(0, factor);
        Assert.Equal(ProofFailure.CommitmentNotUnit, factorProof.Check(Context, fixture.N0, Aux, Cggmp21Parameters.MinimumModulusBits));
    }

    [Theory]
    [InlineData(6, "z1")]
    [InlineData(7, "z2")]
    public void A_z_just_outside_the_range_is_rejected_by_the_range_check(int index, string name)
    {
        // 2^(ℓ+ε)·⌈√N₀⌉ + 1, with either sign.
        using var root = GmpInteger.SquareRootCeiling(fixture.N0);
        using var bound = GmpInteger.ShiftLeft(root, Cggmp21Parameters.Ell + Cggmp21Parameters.Epsilon);
        using var outside = Plus(bound, 1);
        using var negative = GmpInteger.Negate(outside);
        var expected = name == "z1" ? ProofFailure.Z1OutOfRange : ProofFailure.Z2OutOfRange;
        using var proof = With(index, outside);
        Assert.Equal(expected, proof.Check(Context, fixture.N0, Aux, Cggmp21Parameters.MinimumModulusBits));
        using var negativeProof = With(index, negative);
        Assert.Equal(expected, negativeProof.Check(Context, fixture.N0, Aux, Cggmp21Parameters.MinimumModulusBits));

        // The bound itself is inside the range: the check gets past it (and fails on the equations).
        using var atBound = With(index, bound);
        Assert.NotEqual(expected, atBound.Check(Context, fixture.N0, Aux, Cggmp21Parameters.MinimumModulusBits));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    public void Oversized_sigma_w_or_v_is_rejected_before_any_exponentiation(int index)
    {
        using var huge = GmpInteger.ShiftLeft(fixture.Proof.V, 2000);
        using var proof = With(index, huge);
        Assert.Equal(ProofFailure.ResponseOutOfRange, proof.Check(Context, fixture.N0, Aux, Cggmp21Parameters.MinimumModulusBits));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(128)]
    [InlineData(256)]
    public void A_modulus_with_a_small_factor_fails_even_with_the_honest_algorithm(int smallBits)
    {
        // N₀ = p·q with p of at most ℓ bits and q ≈ N₀/p: z2 = β + e·q is far beyond 2^(ℓ+ε)·√N₀.
        using var small = smallBits == 2 ? GmpInteger.FromUInt64(3) : RandomPrime(smallBits, 3);
        using var big = RandomPrime(2048 - small.BitLength + 1, 3);
        using var n0 = GmpInteger.Multiply(small, big);
        Assert.True(n0.BitLength >= Cggmp21Parameters.MinimumModulusBits);
        using var proof = NoSmallFactorProof.ProveCore(Context, n0, small, big, Aux, null);
        Assert.Equal(ProofFailure.Z2OutOfRange, proof.Check(Context, n0, Aux, Cggmp21Parameters.MinimumModulusBits));
        Assert.False(proof.Verify(Context, n0, Aux));
    }

    [Fact]
    public void A_modulus_below_the_minimum_size_is_rejected()
    {
        // 3·p: 1026 bits, where 2^(ℓ+ε)·√N₀ no longer implies large factors (Fig. 28's implicit constraint).
        using var p = TestOnlySafePrimes.Get(14);
        using var three = GmpInteger.FromUInt64(3);
        using var key = new PaillierSecretKey(three, p);
        using var proof = NoSmallFactorProof.Prove(Context, key, Aux);
        Assert.Equal(ProofFailure.ModulusTooSmall, proof.Check(Context, key.PublicKey.N, Aux, Cggmp21Parameters.MinimumModulusBits));
        Assert.False(proof.Verify(Context, key.PublicKey.N, Aux));
    }

    [Fact]
    public void ProveCore_refuses_a_factorization_that_does_not_match()
    {
        Assert.Throws<ArgumentException>(() => NoSmallFactorProof.ProveCore(Context, fixture.N0, fixture.Key.P, fixture.Key.P, Aux, null));
    }

    [Fact]
    public void Serialization_round_trips_to_the_same_bytes_and_a_verifying_proof()
    {
        var bytes = fixture.Proof.Serialize();
        Assert.Equal(fixture.Proof.GetSerializedLength(), bytes.Length);
        Assert.True(NoSmallFactorProof.TryDeserialize(bytes, out var parsed));
        using (parsed)
        {
            Assert.Equal(bytes, parsed.Serialize());
            Assert.True(parsed.Verify(Context, fixture.N0, Aux));
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
    public void Negative_responses_survive_serialization()
    {
        // z1 has a random sign; force a negative one.
        using var negative = fixture.Proof.Z1.IsNegative ? fixture.Proof.Z1.Clone() : GmpInteger.Negate(fixture.Proof.Z1);
        using var proof = With(6, negative);
        Assert.True(NoSmallFactorProof.TryDeserialize(proof.Serialize(), out var parsed));
        using (parsed)
        {
            Assert.True(parsed.Z1.IsNegative);
            Assert.Equal(0, parsed.Z1.CompareTo(negative));
        }
    }

    [Fact]
    public void TryDeserialize_rejects_truncation_trailing_bytes_versions_and_non_canonical_numbers()
    {
        var bytes = fixture.Proof.Serialize();
        foreach (var length in new[] { 0, 1, 2, 6, bytes.Length / 2, bytes.Length - 1 })
        {
            Assert.False(NoSmallFactorProof.TryDeserialize(bytes.AsSpan(0, length), out _));
        }

        const int pOffset = 2;
        Assert.False(NoSmallFactorProof.TryDeserialize([.. bytes, 0], out _));
        Assert.False(NoSmallFactorProof.TryDeserialize(WithByte(bytes, 0, 9), out _));
        Assert.False(NoSmallFactorProof.TryDeserialize(WithByte(bytes, 1, 1), out _));

        // P cannot be negative; no number may have a leading zero byte.
        Assert.False(NoSmallFactorProof.TryDeserialize(WithByte(bytes, pOffset, 1), out _));
        Assert.False(NoSmallFactorProof.TryDeserialize(WithLeadingZeroAt(bytes, pOffset), out _));

        // Negative zero is not canonical: a proof whose σ is zero, re-encoded with sign 1.
        using var zero = new GmpInteger();
        using var zeroSigma = With(5, zero);
        var zeroBytes = zeroSigma.Serialize();
        var sigmaOffset = 2 + Enumerable.Range(0, 5).Sum(i => 5 + ((Values(zeroSigma)[i].BitLength + 7) / 8));
        Assert.True(NoSmallFactorProof.TryDeserialize(zeroBytes, out var okZero));
        okZero.Dispose();
        Assert.False(NoSmallFactorProof.TryDeserialize(WithByte(zeroBytes, sigmaOffset, 1), out _));
        Assert.False(PaillierBlumModulusProof.TryDeserialize(bytes, out _));
    }

    private static GmpInteger[] Values(NoSmallFactorProof proof) =>
        [proof.P, proof.Q, proof.A, proof.B, proof.T, proof.Sigma, proof.Z1, proof.Z2, proof.W1, proof.W2, proof.V];

    private NoSmallFactorProof With(int index, GmpInteger replacement)
    {
        var v = Values(fixture.Proof).Select(x => x.Clone()).ToArray();
        v[index].Dispose();
        v[index] = replacement.Clone();
        return new NoSmallFactorProof(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]);
    }
}

using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Proofs;
using Conclave.Crypto.Random;
using static Conclave.Crypto.Tests.Proofs.ProofTestHelpers;

namespace Conclave.Crypto.Tests.Proofs;

/// <summary>Ring-Pedersen parameters on a 2048-bit modulus and one honest Π^prm proof for them.</summary>
public sealed class RingPedersenParametersProofFixture : IDisposable
{
    public RingPedersenParametersProofFixture()
    {
        Key = TestOnlySafePrimes.CreateKey(4, 5);
        Secret = RingPedersenSecret.Generate(Key);
        Proof = RingPedersenParametersProof.Prove(Context, Secret);
    }

    public PaillierSecretKey Key { get; }

    public RingPedersenSecret Secret { get; }

    public RingPedersenParameters Parameters => Secret.Parameters;

    public RingPedersenParametersProof Proof { get; }

    public void Dispose()
    {
        Proof.Dispose();
        Secret.Dispose();
        Key.Dispose();
    }
}

/// <summary>Π^prm (CGGMP21 Fig. 17): completeness, binding, every verifier check, and the encoding.</summary>
public sealed class RingPedersenParametersProofTests(RingPedersenParametersProofFixture fixture) : IClassFixture<RingPedersenParametersProofFixture>
{
    private const int Last = Cggmp21Parameters.M - 1;

    private GmpInteger N => fixture.Parameters.N;

    [Fact]
    public void Honest_proof_on_a_2048_bit_modulus_verifies()
    {
        Assert.Equal(2048, N.BitLength);
        Assert.Equal(Cggmp21Parameters.M, fixture.Proof.Commitments.Count);
        Assert.Equal(Cggmp21Parameters.M, fixture.Proof.Responses.Count);
        Assert.True(fixture.Proof.Verify(Context, fixture.Parameters));
    }

    [Fact]
    public void Proof_does_not_verify_under_another_context()
    {
        Assert.False(fixture.Proof.Verify(OtherContext, fixture.Parameters));
    }

    [Fact]
    public void Proof_does_not_verify_for_other_parameters()
    {
        // Swapped s and t, a different s, a different t, and parameters on another modulus.
        using var swapped = new RingPedersenParameters(N, fixture.Parameters.T, fixture.Parameters.S);
        Assert.False(fixture.Proof.Verify(Context, swapped));

        using var s2 = GmpInteger.MultiplyMod(fixture.Parameters.S, fixture.Parameters.T, N);
        using var otherS = new RingPedersenParameters(N, s2, fixture.Parameters.T);
        Assert.False(fixture.Proof.Verify(Context, otherS));

        using var t2 = GmpInteger.MultiplyMod(fixture.Parameters.T, fixture.Parameters.T, N);
        using var otherT = new RingPedersenParameters(N, fixture.Parameters.S, t2);
        Assert.False(fixture.Proof.Verify(Context, otherT));

        using var otherKey = TestOnlySafePrimes.CreateKey(6, 7);
        using var otherSecret = RingPedersenSecret.Generate(otherKey);
        Assert.False(fixture.Proof.Verify(Context, otherSecret.Parameters));
    }

    [Fact]
    public void Malformed_parameters_are_rejected_without_throwing()
    {
        using var sameST = new RingPedersenParameters(N, fixture.Parameters.T, fixture.Parameters.T);
        Assert.Equal(ProofFailure.ParametersMalformed, fixture.Proof.Check(Context, sameST));

        using var evenN = Plus(N, 1);
        using var even = new RingPedersenParameters(evenN, fixture.Parameters.S, fixture.Parameters.T);
        Assert.False(fixture.Proof.Verify(Context, even));

        using var p = fixture.Key.P.Clone();
        using var sharesFactor = new RingPedersenParameters(N, p, fixture.Parameters.T);
        Assert.False(fixture.Proof.Verify(Context, sharesFactor));
    }

    [Fact]
    public void An_empty_context_or_null_parameters_is_misuse_and_throws()
    {
        Assert.Throws<ArgumentException>(() => fixture.Proof.Verify([], fixture.Parameters));
        Assert.Throws<ArgumentNullException>(() => fixture.Proof.Verify(Context, null!));
        Assert.Throws<ArgumentException>(() => RingPedersenParametersProof.Prove([], fixture.Secret));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(Last)]
    public void Changing_one_A_i_is_rejected(int index)
    {
        using var a = GmpInteger.MultiplyMod(fixture.Proof.Commitments[index], fixture.Parameters.T, N);
        using var proof = With(aIndex: index, a: a);
        Assert.Equal(ProofFailure.EquationMismatch, proof.Check(Context, fixture.Parameters));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(Last)]
    public void Changing_one_z_i_is_rejected(int index)
    {
        using var z = Plus(fixture.Proof.Responses[index], 1);
        using var proof = With(zIndex: index, z: z);
        Assert.Equal(ProofFailure.EquationMismatch, proof.Check(Context, fixture.Parameters));
    }

    [Fact]
    public void A_z_i_shifted_by_phi_satisfies_the_equation_but_fails_the_range_check()
    {
        // t^(z+φ) = t^z, so only z_i ∈ [0, N) rejects the non-canonical exponent.
        var phi = fixture.Secret.Phi;
        using var limit = GmpInteger.Subtract(N, phi);
        var index = Enumerable.Range(0, Cggmp21Parameters.M).First(i => fixture.Proof.Responses[i].CompareTo(limit) >= 0);
        using var z = GmpInteger.Add(fixture.Proof.Responses[index], phi);
        using var before = GmpInteger.PowModPublic(fixture.Parameters.T, fixture.Proof.Responses[index], N);
        using var after = GmpInteger.PowModPublic(fixture.Parameters.T, z, N);
        Assert.Equal(0, before.CompareTo(after));

        using var proof = With(zIndex: index, z: z);
        Assert.Equal(ProofFailure.ResponseOutOfRange, proof.Check(Context, fixture.Parameters));
    }

    [Fact]
    public void A_negative_z_i_is_rejected()
    {
        using var z = GmpInteger.Negate(fixture.Proof.Responses[5]);
        using var proof = With(zIndex: 5, z: z);
        Assert.Equal(ProofFailure.ResponseOutOfRange, proof.Check(Context, fixture.Parameters));
    }

    [Fact]
    public void An_A_i_outside_Z_star_N_is_rejected()
    {
        using var zero = new GmpInteger();
        using var zeroProof = With(aIndex: 7, a: zero);
        Assert.Equal(ProofFailure.CommitmentNotUnit, zeroProof.Check(Context, fixture.Parameters));

        using var p = fixture.Key.P.Clone();
        using var factorProof = With(aIndex: 7, a: p);
        Assert.Equal(ProofFailure.CommitmentNotUnit, factorProof.Check(Context, fixture.Parameters));
    }

    [Fact]
    public void A_prover_with_s_outside_the_group_generated_by_t_fails()
    {
        // t is a square, so ⟨t⟩ holds only squares; an s with Jacobi symbol -1 is not in it, and no λ
        // exists. The prover runs the honest algorithm with a made-up λ.
        GmpInteger s;
        do
        {
            s = GmpInteger.RandomBelow(N, SystemRandomSource.Instance);
        }
        while (GmpInteger.Jacobi(s, N) != -1);

        using (s)
        using (var parameters = new RingPedersenParameters(N, s, fixture.Parameters.T))
        using (var fakeLambda = GmpInteger.RandomBelow(fixture.Secret.Phi, SystemRandomSource.Instance))
        using (var proof = RingPedersenParametersProof.ProveCore(Context, N, s, fixture.Parameters.T, fakeLambda, fixture.Secret.Phi, null))
        {
            Assert.True(parameters.IsWellFormed());
            Assert.Equal(ProofFailure.EquationMismatch, proof.Check(Context, parameters));
            Assert.False(proof.Verify(Context, parameters));
        }
    }

    [Fact]
    public void A_proof_with_fewer_repetitions_is_rejected()
    {
        var m = Cggmp21Parameters.M - 1;
        using var proof = new RingPedersenParametersProof(
            [.. fixture.Proof.Commitments.Take(m).Select(v => v.Clone())],
            [.. fixture.Proof.Responses.Take(m).Select(v => v.Clone())]);
        Assert.Equal(ProofFailure.WrongRepetitionCount, proof.Check(Context, fixture.Parameters));
    }

    [Fact]
    public void Serialization_round_trips_to_the_same_bytes_and_a_verifying_proof()
    {
        var bytes = fixture.Proof.Serialize();
        Assert.Equal(fixture.Proof.GetSerializedLength(), bytes.Length);
        Assert.True(RingPedersenParametersProof.TryDeserialize(bytes, out var parsed));
        using (parsed)
        {
            Assert.Equal(bytes, parsed.Serialize());
            Assert.True(parsed.Verify(Context, fixture.Parameters));
        }

        var buffer = new byte[bytes.Length];
        Assert.True(fixture.Proof.TrySerialize(buffer, out var written));
        Assert.Equal(bytes.Length, written);
        Assert.Equal(bytes, buffer);
        Assert.False(fixture.Proof.TrySerialize(buffer.AsSpan(1), out _));
    }

    [Fact]
    public void TryDeserialize_rejects_truncation_trailing_bytes_counts_versions_and_non_canonical_numbers()
    {
        var bytes = fixture.Proof.Serialize();
        foreach (var length in new[] { 0, 1, 2, 5, 6, bytes.Length / 2, bytes.Length - 1 })
        {
            Assert.False(RingPedersenParametersProof.TryDeserialize(bytes.AsSpan(0, length), out _));
        }

        const int firstA = 6;
        Assert.False(RingPedersenParametersProof.TryDeserialize([.. bytes, 0], out _));
        Assert.False(RingPedersenParametersProof.TryDeserialize(WithUInt32(bytes, 2, Cggmp21Parameters.M - 1), out _));
        Assert.False(RingPedersenParametersProof.TryDeserialize(WithUInt32(bytes, 2, Cggmp21Parameters.M + 1), out _));
        Assert.False(RingPedersenParametersProof.TryDeserialize(WithByte(bytes, 0, 0), out _));
        Assert.False(RingPedersenParametersProof.TryDeserialize(WithByte(bytes, 1, 1), out _));
        Assert.False(RingPedersenParametersProof.TryDeserialize(WithByte(bytes, firstA, 1), out _));
        Assert.False(RingPedersenParametersProof.TryDeserialize(WithLeadingZeroAt(bytes, firstA), out _));
        Assert.False(PaillierBlumModulusProof.TryDeserialize(bytes, out _));
    }

    private RingPedersenParametersProof With(int aIndex = -1, GmpInteger? a = null, int zIndex = -1, GmpInteger? z = null)
    {
        var commitments = CloneAll(fixture.Proof.Commitments);
        var responses = CloneAll(fixture.Proof.Responses);
        if (a is not null)
        {
            commitments[aIndex].Dispose();
            commitments[aIndex] = a.Clone();
        }

        if (z is not null)
        {
            responses[zIndex].Dispose();
            responses[zIndex] = z.Clone();
        }

        return new RingPedersenParametersProof(commitments, responses);
    }
}

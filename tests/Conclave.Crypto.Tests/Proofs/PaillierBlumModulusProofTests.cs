using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Proofs;
using static Conclave.Crypto.Tests.Proofs.ProofTestHelpers;

namespace Conclave.Crypto.Tests.Proofs;

/// <summary>One honest Π^mod proof on a 2048-bit modulus, made once for the whole class.</summary>
public sealed class PaillierBlumModulusProofFixture : IDisposable
{
    public PaillierBlumModulusProofFixture()
    {
        Key = TestOnlySafePrimes.CreateKey(0, 1);
        Proof = PaillierBlumModulusProof.Prove(Context, Key);
    }

    public PaillierSecretKey Key { get; }

    public PaillierBlumModulusProof Proof { get; }

    public GmpInteger N => Key.PublicKey.N;

    public void Dispose()
    {
        Proof.Dispose();
        Key.Dispose();
    }
}

/// <summary>Π^mod (CGGMP21 Fig. 16): completeness, binding, every verifier check, and the encoding.</summary>
public sealed class PaillierBlumModulusProofTests(PaillierBlumModulusProofFixture fixture) : IClassFixture<PaillierBlumModulusProofFixture>
{
    private const int Last = Cggmp21Parameters.M - 1;

    [Fact]
    public void Honest_proof_on_a_2048_bit_modulus_verifies()
    {
        Assert.Equal(2048, fixture.N.BitLength);
        Assert.True(fixture.Proof.Verify(Context, fixture.N));
    }

    [Fact]
    public void Honest_proof_has_m_repetitions_and_a_w_with_Jacobi_symbol_minus_one()
    {
        Assert.Equal(Cggmp21Parameters.M, fixture.Proof.X.Count);
        Assert.Equal(Cggmp21Parameters.M, fixture.Proof.Z.Count);
        Assert.Equal(-1, GmpInteger.Jacobi(fixture.Proof.W, fixture.N));

        // Both values of a_i and b_i occur: the prover really adapts to each challenge.
        Assert.Contains(true, fixture.Proof.A);
        Assert.Contains(false, fixture.Proof.A);
        Assert.Contains(true, fixture.Proof.B);
        Assert.Contains(false, fixture.Proof.B);
    }

    [Fact]
    public void Honest_fourth_roots_are_principal()
    {
        // Fig. 16 footnote: x_i is itself a quadratic residue, i.e. a square modulo p and modulo q.
        for (var i = 0; i < 8; i++)
        {
            using var xp = GmpInteger.Mod(fixture.Proof.X[i], fixture.Key.P);
            using var xq = GmpInteger.Mod(fixture.Proof.X[i], fixture.Key.Q);
            Assert.Equal(1, GmpInteger.Jacobi(xp, fixture.Key.P));
            Assert.Equal(1, GmpInteger.Jacobi(xq, fixture.Key.Q));
        }
    }

    [Fact]
    public void Proof_does_not_verify_under_another_context()
    {
        Assert.False(fixture.Proof.Verify(OtherContext, fixture.N));
        Assert.False(fixture.Proof.Verify("conclave-test/session=other/prover=1/parties=1,2,3"u8, fixture.N));
    }

    [Fact]
    public void Proof_does_not_verify_for_another_modulus()
    {
        using var other = TestOnlySafePrimes.CreateKey(2, 3);
        Assert.False(fixture.Proof.Verify(Context, other.PublicKey.N));
    }

    [Fact]
    public void An_empty_context_or_a_null_modulus_is_misuse_and_throws()
    {
        Assert.Throws<ArgumentException>(() => fixture.Proof.Verify([], fixture.N));
        Assert.Throws<ArgumentNullException>(() => fixture.Proof.Verify(Context, null!));
        Assert.Throws<ArgumentException>(() => PaillierBlumModulusProof.Prove([], fixture.Key));
        Assert.Throws<ArgumentOutOfRangeException>(() => fixture.Proof.Verify(Context, fixture.N, -1));
    }

    [Fact]
    public void A_w_with_Jacobi_symbol_plus_one_is_rejected()
    {
        using var w2 = GmpInteger.MultiplyMod(fixture.Proof.W, fixture.Proof.W, fixture.N);
        using var proof = With(w: w2);
        Assert.Equal(1, GmpInteger.Jacobi(w2, fixture.N));
        Assert.Equal(ProofFailure.JacobiNotMinusOne, proof.Check(Context, fixture.N, Cggmp21Parameters.MinimumModulusBits));
    }

    [Fact]
    public void A_w_sharing_a_factor_with_N_is_rejected()
    {
        using var three = GmpInteger.FromUInt64(3);
        using var pTimesThree = GmpInteger.Multiply(fixture.Key.P, three);
        using var proof = With(w: pTimesThree);
        Assert.Equal(ProofFailure.CommitmentNotUnit, proof.Check(Context, fixture.N, Cggmp21Parameters.MinimumModulusBits));
    }

    [Fact]
    public void A_w_outside_zero_to_N_is_rejected_even_when_congruent()
    {
        using var shifted = GmpInteger.Add(fixture.Proof.W, fixture.N);
        using var proof = With(w: shifted);
        Assert.Equal(ProofFailure.CommitmentNotUnit, proof.Check(Context, fixture.N, Cggmp21Parameters.MinimumModulusBits));
        using var zero = new GmpInteger();
        using var zeroProof = With(w: zero);
        Assert.False(zeroProof.Verify(Context, fixture.N));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(Last)]
    public void Changing_one_x_i_is_rejected(int index)
    {
        using var x = Plus(fixture.Proof.X[index], 1);
        using var proof = With(xIndex: index, x: x);
        Assert.Equal(ProofFailure.FourthRootMismatch, proof.Check(Context, fixture.N, Cggmp21Parameters.MinimumModulusBits));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(Last)]
    public void Changing_one_z_i_is_rejected(int index)
    {
        using var z = Plus(fixture.Proof.Z[index], 1);
        using var proof = With(zIndex: index, z: z);
        Assert.Equal(ProofFailure.NthRootMismatch, proof.Check(Context, fixture.N, Cggmp21Parameters.MinimumModulusBits));
    }

    [Fact]
    public void An_x_i_or_z_i_shifted_by_N_is_rejected_by_the_range_check()
    {
        using var x = GmpInteger.Add(fixture.Proof.X[3], fixture.N);
        using var xProof = With(xIndex: 3, x: x);
        Assert.Equal(ProofFailure.ResponseOutOfRange, xProof.Check(Context, fixture.N, Cggmp21Parameters.MinimumModulusBits));

        using var z = GmpInteger.Add(fixture.Proof.Z[3], fixture.N);
        using var zProof = With(zIndex: 3, z: z);
        Assert.Equal(ProofFailure.ResponseOutOfRange, zProof.Check(Context, fixture.N, Cggmp21Parameters.MinimumModulusBits));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(Last)]
    public void Flipping_one_a_i_is_rejected(int index)
    {
        using var proof = With(flipA: index);
        Assert.Equal(ProofFailure.FourthRootMismatch, proof.Check(Context, fixture.N, Cggmp21Parameters.MinimumModulusBits));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(Last)]
    public void Flipping_one_b_i_is_rejected(int index)
    {
        using var proof = With(flipB: index);
        Assert.Equal(ProofFailure.FourthRootMismatch, proof.Check(Context, fixture.N, Cggmp21Parameters.MinimumModulusBits));
    }

    [Fact]
    public void A_proof_with_fewer_repetitions_is_rejected()
    {
        var m = Cggmp21Parameters.M - 1;
        using var proof = new PaillierBlumModulusProof(
            fixture.Proof.W.Clone(),
            [.. fixture.Proof.X.Take(m).Select(v => v.Clone())],
            [.. fixture.Proof.A.Take(m)],
            [.. fixture.Proof.B.Take(m)],
            [.. fixture.Proof.Z.Take(m).Select(v => v.Clone())]);
        Assert.Equal(ProofFailure.WrongRepetitionCount, proof.Check(Context, fixture.N, Cggmp21Parameters.MinimumModulusBits));
    }

    [Fact]
    public void An_even_modulus_is_rejected()
    {
        using var even = Plus(fixture.N, 1);
        Assert.Equal(ProofFailure.ModulusEven, fixture.Proof.Check(Context, even, Cggmp21Parameters.MinimumModulusBits));
        Assert.False(fixture.Proof.Verify(Context, even));
    }

    [Fact]
    public void A_perfect_square_modulus_is_rejected()
    {
        using var p = TestOnlySafePrimes.Get(2);
        using var square = GmpInteger.Multiply(p, p);
        Assert.Equal(ProofFailure.ModulusPerfectSquare, fixture.Proof.Check(Context, square, Cggmp21Parameters.MinimumModulusBits));
    }

    [Fact]
    public void A_modulus_below_the_minimum_size_is_rejected()
    {
        Assert.Equal(ProofFailure.ModulusTooSmall, fixture.Proof.Check(Context, fixture.N, 2049));
        using var one = GmpInteger.FromUInt64(1);
        Assert.False(fixture.Proof.Verify(Context, one, 0));
    }

    [Fact]
    public void A_prime_modulus_is_rejected_only_by_the_primality_check()
    {
        // A prover who knows N is prime can answer every challenge (square roots modulo a prime are
        // easy), so the equations hold and "N is not prime" (Fig. 16 step 4(a)) is what stops it.
        using var prime = TestOnlySafePrimes.Get(4);
        using var proof = DishonestModulusProver.Prove(Context, prime, [prime]);
        Assert.True(DishonestModulusProver.EquationsHold(proof, Context, prime));
        Assert.Equal(ProofFailure.ModulusPrime, proof.Check(Context, prime, 1000));
        Assert.False(proof.Verify(Context, prime, 1000));
    }

    [Fact]
    public void A_modulus_with_a_small_third_factor_is_rejected()
    {
        // N = 3·p·q (2050 bits, gcd(N, φ(N)) = 1, every factor ≡ 3 mod 4): the BitForge shape. With three
        // factors only half of the y_i can be made a square modulo all of them, so the prover fails.
        using var p = TestOnlySafePrimes.Get(5);
        using var q = TestOnlySafePrimes.Get(6);
        using var three = GmpInteger.FromUInt64(3);
        using var pq = GmpInteger.Multiply(p, q);
        using var n = GmpInteger.Multiply(three, pq);
        using var proof = DishonestModulusProver.Prove(Context, n, [three, p, q]);
        Assert.Equal(ProofFailure.FourthRootMismatch, proof.Check(Context, n, Cggmp21Parameters.MinimumModulusBits));
        Assert.False(DishonestModulusProver.EquationsHold(proof, Context, n));
    }

    [Fact]
    public void A_product_of_three_large_primes_is_rejected()
    {
        using var p = TestOnlySafePrimes.Get(7);
        using var q = TestOnlySafePrimes.Get(8);
        using var r = TestOnlySafePrimes.Get(9);
        using var pq = GmpInteger.Multiply(p, q);
        using var n = GmpInteger.Multiply(pq, r);
        using var proof = DishonestModulusProver.Prove(Context, n, [p, q, r]);
        Assert.Equal(ProofFailure.FourthRootMismatch, proof.Check(Context, n, Cggmp21Parameters.MinimumModulusBits));
    }

    [Fact]
    public void A_modulus_with_a_factor_congruent_to_one_mod_four_is_rejected()
    {
        using var p = TestOnlySafePrimes.Get(10);
        using var q = RandomPrime(1024, 1);
        using var n = GmpInteger.Multiply(p, q);
        using var proof = DishonestModulusProver.Prove(Context, n, [p, q]);
        Assert.Equal(ProofFailure.FourthRootMismatch, proof.Check(Context, n, Cggmp21Parameters.MinimumModulusBits));
    }

    [Fact]
    public void Pi_mod_alone_accepts_a_Blum_modulus_with_a_tiny_factor_which_is_why_Pi_fac_exists()
    {
        // N = 3·p with p a safe prime: 3 and p are ≡ 3 (mod 4) and gcd(N, φ(N)) = 1 (p ≡ 2 mod 3), so N
        // IS a Paillier-Blum modulus and an honest Π^mod proof for it verifies. Only the size floor
        // (and, in the protocol, Π^fac) rejects it.
        using var p = TestOnlySafePrimes.Get(11);
        using var three = GmpInteger.FromUInt64(3);
        using var key = new PaillierSecretKey(three, p);
        using var proof = PaillierBlumModulusProof.Prove(Context, key);
        Assert.True(proof.Verify(Context, key.PublicKey.N, minimumModulusBits: 1000));
        Assert.False(proof.Verify(Context, key.PublicKey.N));
    }

    [Fact]
    public void Serialization_round_trips_to_the_same_bytes_and_a_verifying_proof()
    {
        var bytes = fixture.Proof.Serialize();
        Assert.Equal(fixture.Proof.GetSerializedLength(), bytes.Length);
        Assert.True(PaillierBlumModulusProof.TryDeserialize(bytes, out var parsed));
        using (parsed)
        {
            Assert.Equal(bytes, parsed.Serialize());
            Assert.True(parsed.Verify(Context, fixture.N));
        }
    }

    [Fact]
    public void TrySerialize_reports_a_short_destination_and_Serialize_into_a_span_writes_the_same_bytes()
    {
        var bytes = fixture.Proof.Serialize();
        Assert.False(fixture.Proof.TrySerialize(new byte[bytes.Length - 1], out var written));
        Assert.Equal(0, written);
        var buffer = new byte[bytes.Length + 10];
        Assert.Equal(bytes.Length, fixture.Proof.Serialize(buffer));
        Assert.Equal(bytes, buffer[..bytes.Length]);
        Assert.Throws<ArgumentException>(() => fixture.Proof.Serialize(new byte[10]));
    }

    [Fact]
    public void TryDeserialize_rejects_truncated_input_and_trailing_bytes()
    {
        var bytes = fixture.Proof.Serialize();
        foreach (var length in new[] { 0, 1, 2, 5, 6, 10, bytes.Length / 2, bytes.Length - 1 })
        {
            Assert.False(PaillierBlumModulusProof.TryDeserialize(bytes.AsSpan(0, length), out _));
        }

        Assert.False(PaillierBlumModulusProof.TryDeserialize([.. bytes, 0], out _));
    }

    [Fact]
    public void TryDeserialize_rejects_a_wrong_repetition_count()
    {
        var bytes = fixture.Proof.Serialize();
        Assert.False(PaillierBlumModulusProof.TryDeserialize(WithUInt32(bytes, 2, Cggmp21Parameters.M - 1), out _));
        Assert.False(PaillierBlumModulusProof.TryDeserialize(WithUInt32(bytes, 2, Cggmp21Parameters.M + 1), out _));
    }

    [Fact]
    public void TryDeserialize_rejects_another_version_or_proof_kind()
    {
        var bytes = fixture.Proof.Serialize();
        Assert.False(PaillierBlumModulusProof.TryDeserialize(WithByte(bytes, 0, 2), out _));
        Assert.False(PaillierBlumModulusProof.TryDeserialize(WithByte(bytes, 1, 2), out _));
        Assert.False(RingPedersenParametersProof.TryDeserialize(bytes, out _));
    }

    [Fact]
    public void TryDeserialize_rejects_non_canonical_numbers_and_flags()
    {
        var bytes = fixture.Proof.Serialize();
        const int wOffset = 6;

        // w negative, w with a leading zero byte, an unknown sign byte.
        Assert.False(PaillierBlumModulusProof.TryDeserialize(WithByte(bytes, wOffset, 1), out _));
        Assert.False(PaillierBlumModulusProof.TryDeserialize(WithLeadingZeroAt(bytes, wOffset), out _));
        Assert.False(PaillierBlumModulusProof.TryDeserialize(WithByte(bytes, wOffset, 2), out _));

        // The flags byte of the last repetition may only use bits 0 (a) and 1 (b).
        Assert.False(PaillierBlumModulusProof.TryDeserialize(WithByte(bytes, bytes.Length - 1, 4), out _));
        Assert.True(PaillierBlumModulusProof.TryDeserialize(WithByte(bytes, bytes.Length - 1, 3), out var flipped));
        flipped.Dispose();
    }

    private PaillierBlumModulusProof With(
        GmpInteger? w = null,
        int xIndex = -1,
        GmpInteger? x = null,
        int zIndex = -1,
        GmpInteger? z = null,
        int flipA = -1,
        int flipB = -1)
    {
        var source = fixture.Proof;
        var xs = CloneAll(source.X);
        var zs = CloneAll(source.Z);
        if (x is not null)
        {
            xs[xIndex].Dispose();
            xs[xIndex] = x.Clone();
        }

        if (z is not null)
        {
            zs[zIndex].Dispose();
            zs[zIndex] = z.Clone();
        }

        bool[] a = [.. source.A];
        bool[] b = [.. source.B];
        if (flipA >= 0)
        {
            a[flipA] = !a[flipA];
        }

        if (flipB >= 0)
        {
            b[flipB] = !b[flipB];
        }

        return new PaillierBlumModulusProof((w ?? source.W).Clone(), xs, a, b, zs);
    }
}

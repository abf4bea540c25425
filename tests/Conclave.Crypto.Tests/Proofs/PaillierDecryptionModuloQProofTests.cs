using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Proofs;
using Conclave.Crypto.Random;
using static Conclave.Crypto.Tests.Proofs.ProofTestHelpers;

namespace Conclave.Crypto.Tests.Proofs;

/// <summary>Π^dec (CGGMP21 Fig. 30): completeness for small and large plaintexts, x bound mod q, every field bound, the encoding, misuse.</summary>
public sealed class PaillierDecryptionModuloQProofTests : IClassFixture<PresigningProofTestKeys>
{
    private static readonly string[] FieldNames = ["S", "T", "A", "gamma", "z1", "z2", "w"];
    private static readonly GmpInteger Q = Cggmp21Parameters.CreateCurveOrder(); // shared by the class, never disposed
    private static readonly GmpInteger Two = GmpInteger.FromUInt64(2);
    private readonly PresigningProofTestKeys _keys;

    public PaillierDecryptionModuloQProofTests(PresigningProofTestKeys keys)
    {
        _keys = keys;
    }

    public static TheoryData<string> Fields => [.. FieldNames];

    private PaillierSecretKey Prover => _keys.ProverKey;

    private PaillierPublicKey N0 => _keys.N0;

    private RingPedersenParameters Aux => _keys.Aux;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Honest_proofs_verify_for_small_and_for_large_negative_plaintexts(bool large)
    {
        using var statement = new Statement(Prover, large);
        using var proof = PaillierDecryptionModuloQProof.Prove(Context, Prover, statement.C, statement.X, statement.Y, statement.Rho, Aux);
        Assert.Equal(ProofFailure.None, proof.Check(Context, N0, statement.C, statement.X, Aux));
        Assert.True(proof.Verify(Context, N0, statement.C, statement.X, Aux, _keys.VerifierKey));
        Assert.False(proof.Verify(OtherContext, N0, statement.C, statement.X, Aux));
        using var otherX = GmpInteger.Mod(Plus(statement.X, 1), Q);
        Assert.False(proof.Verify(Context, N0, statement.C, otherX, Aux));
    }

    [Fact]
    public void A_prover_whose_plaintext_is_not_x_mod_q_fails_the_modular_check()
    {
        using var statement = new Statement(Prover, large: true);
        using var wrongX = GmpInteger.Mod(Plus(statement.X, 5), Q);
        Assert.Throws<ArgumentException>(() => PaillierDecryptionModuloQProof.Prove(Context, Prover, statement.C, wrongX, statement.Y, statement.Rho, Aux));
        using var proof = PaillierDecryptionModuloQProof.ProveCore(Context, Prover, statement.C, wrongX, statement.Y, statement.Rho, Aux, null);
        Assert.Equal(ProofFailure.ModularEquationMismatch, proof.Check(Context, N0, statement.C, wrongX, Aux));

        // Nor does y + N₀ (the same ciphertext, another integer) pass for y + N₀ mod q.
        using var shifted = GmpInteger.Add(statement.Y, N0.N);
        using var shiftedX = GmpInteger.Mod(shifted, Q);
        Assert.NotEqual(0, shiftedX.CompareTo(statement.X));
        Assert.False(proof.Verify(Context, N0, statement.C, shiftedX, Aux));
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void Changing_any_field_is_rejected(string field)
    {
        using var statement = new Statement(Prover, large: false);
        using var honest = PaillierDecryptionModuloQProof.Prove(Context, Prover, statement.C, statement.X, statement.Y, statement.Rho, Aux);
        var values = new[] { honest.S, honest.T, honest.A, honest.Gamma, honest.Z1, honest.Z2, honest.W }.Select(v => v.Clone()).ToArray();
        var index = Array.IndexOf(FieldNames, field);
        var changed = field switch
        {
            "gamma" => GmpInteger.Mod(Plus(values[index], 1), Q),
            "A" => GmpInteger.MultiplyMod(values[index], Plus(N0.N, 1), N0.NSquared),
            "S" or "T" => GmpInteger.MultiplyMod(values[index], Aux.T, Aux.N),
            "w" => GmpInteger.MultiplyMod(values[index], Two, N0.N),
            _ => Plus(values[index], 1),
        };
        values[index].Dispose();
        values[index] = changed;
        using var proof = new PaillierDecryptionModuloQProof(values[0], values[1], values[2], values[3], values[4], values[5], values[6]);
        Assert.NotEqual(ProofFailure.None, proof.Check(Context, N0, statement.C, statement.X, Aux));
        Assert.False(proof.Verify(Context, N0, statement.C, statement.X, Aux, _keys.VerifierKey));
    }

    [Fact]
    public void The_encoding_round_trips_and_is_strict()
    {
        using var statement = new Statement(Prover, large: false);
        using var proof = PaillierDecryptionModuloQProof.Prove(Context, Prover, statement.C, statement.X, statement.Y, statement.Rho, Aux);
        var bytes = proof.Serialize();
        Assert.True(PaillierDecryptionModuloQProof.TryDeserialize(bytes, out var back));
        using (back)
        {
            Assert.Equal(bytes, back.Serialize());
            Assert.True(back.Verify(Context, N0, statement.C, statement.X, Aux));
        }

        Assert.False(PaillierDecryptionModuloQProof.TryDeserialize([.. bytes, 0], out _));
        Assert.False(PaillierDecryptionModuloQProof.TryDeserialize(bytes.AsSpan(0, bytes.Length - 1), out _));
        var otherKind = (byte[])bytes.Clone();
        otherKind[1] ^= 1;
        Assert.False(PaillierDecryptionModuloQProof.TryDeserialize(otherKind, out _));
    }

    [Fact]
    public void Misuse_and_invalid_ciphertexts_are_refused()
    {
        using var statement = new Statement(Prover, large: false);
        using var half = GmpInteger.ShiftRight(N0.N, 1);
        using var tooBig = Plus(half, 1);
        using var tooBigX = GmpInteger.Mod(tooBig, Q);
        Assert.Throws<ArgumentOutOfRangeException>(() => PaillierDecryptionModuloQProof.Prove(Context, Prover, statement.C, tooBigX, tooBig, statement.Rho, Aux));
        using var otherY = Plus(statement.Y, 1);
        using var otherYx = GmpInteger.Mod(otherY, Q);
        Assert.Throws<ArgumentException>(() => PaillierDecryptionModuloQProof.Prove(Context, Prover, statement.C, otherYx, otherY, statement.Rho, Aux));

        using var proof = PaillierDecryptionModuloQProof.Prove(Context, Prover, statement.C, statement.X, statement.Y, statement.Rho, Aux);
        foreach (var bad in PresigningProofTestKeys.InvalidCiphertexts(Prover))
        {
            using (bad)
            {
                Assert.Equal(ProofFailure.CiphertextInvalid, proof.Check(Context, N0, bad, statement.X, Aux));
            }
        }

        Assert.Throws<ArgumentException>(() => proof.Verify([], N0, statement.C, statement.X, Aux));
    }


    /// <summary>C = Enc_N₀(y; ρ) and x = y mod q, for a y of 300 bits or a negative y near −N₀/4.</summary>
    private sealed class Statement : IDisposable
    {
        public Statement(PaillierSecretKey key, bool large)
        {
            var random = SystemRandomSource.Instance;
            if (large)
            {
                using var quarter = GmpInteger.ShiftRight(key.PublicKey.N, 2);
                using var r = GmpInteger.RandomBits(64, random);
                using var positive = GmpInteger.Subtract(quarter, r);
                Y = GmpInteger.Negate(positive);
            }
            else
            {
                Y = GmpInteger.RandomBits(300, random);
            }

            using var q = Cggmp21Parameters.CreateCurveOrder();
            X = GmpInteger.Mod(Y, q);
            Rho = key.PublicKey.RandomUnit(random);
            C = key.EncryptCrt(Y, Rho);
        }

        public GmpInteger Y { get; }

        public GmpInteger X { get; }

        public GmpInteger Rho { get; }

        public GmpInteger C { get; }

        public void Dispose()
        {
            Y.Dispose();
            X.Dispose();
            Rho.Dispose();
            C.Dispose();
        }
    }
}

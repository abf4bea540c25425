using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Proofs;
using Conclave.Crypto.Random;
using static Conclave.Crypto.Tests.Proofs.ProofTestHelpers;

namespace Conclave.Crypto.Tests.Proofs;

/// <summary>Π^mul (CGGMP21 Fig. 29): completeness, C bound to the product, every field bound, the encoding, misuse.</summary>
public sealed class PaillierMultiplicationProofTests : IClassFixture<PresigningProofTestKeys>
{
    private static readonly string[] FieldNames = ["A", "B", "z", "u", "v"];
    private static readonly GmpInteger Two = GmpInteger.FromUInt64(2);
    private readonly PresigningProofTestKeys _keys;

    public PaillierMultiplicationProofTests(PresigningProofTestKeys keys)
    {
        _keys = keys;
    }

    public static TheoryData<string> Fields => [.. FieldNames];

    private PaillierSecretKey Prover => _keys.ProverKey;

    private PaillierPublicKey N => _keys.N0;

    [Fact]
    public void An_honest_proof_verifies_and_C_decrypts_to_the_product()
    {
        using var st = new Statement(Prover);
        using var proof = PaillierMultiplicationProof.Prove(Context, Prover, st.X, st.Y, st.C, st.XPlain, st.RhoX, st.Rho);
        Assert.Equal(ProofFailure.None, proof.Check(Context, N, st.X, st.Y, st.C));
        Assert.False(proof.Verify(OtherContext, N, st.X, st.Y, st.C));
        Assert.False(proof.Verify(Context, N, st.Y, st.X, st.C));
        using var product = GmpInteger.Multiply(st.XPlain, st.YPlain);
        using var decrypted = Prover.Decrypt(st.C);
        Assert.Equal(0, product.CompareTo(decrypted));
    }

    [Fact]
    public void A_C_that_is_not_the_product_fails()
    {
        using var st = new Statement(Prover);
        using var other = Plus(st.XPlain, 1);
        using var wrongC = Prover.PowModNSquared(st.Y, other);
        Assert.Throws<ArgumentException>(() => PaillierMultiplicationProof.Prove(Context, Prover, st.X, st.Y, wrongC, st.XPlain, st.RhoX, st.Rho));
        using var proof = PaillierMultiplicationProof.ProveCore(Context, Prover, st.X, st.Y, wrongC, st.XPlain, st.RhoX, st.Rho, null);
        Assert.Equal(ProofFailure.ProductEquationMismatch, proof.Check(Context, N, st.X, st.Y, wrongC));
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void Changing_any_field_is_rejected(string field)
    {
        using var st = new Statement(Prover);
        using var honest = PaillierMultiplicationProof.Prove(Context, Prover, st.X, st.Y, st.C, st.XPlain, st.RhoX, st.Rho);
        var values = new[] { honest.A, honest.B, honest.Z, honest.U, honest.V }.Select(v => v.Clone()).ToArray();
        var index = Array.IndexOf(FieldNames, field);
        var changed = field switch
        {
            "A" or "B" => GmpInteger.MultiplyMod(values[index], Plus(N.N, 1), N.NSquared),
            "u" or "v" => GmpInteger.MultiplyMod(values[index], Two, N.N),
            _ => Plus(values[index], 1),
        };
        values[index].Dispose();
        values[index] = changed;
        using var proof = new PaillierMultiplicationProof(values[0], values[1], values[2], values[3], values[4]);
        Assert.NotEqual(ProofFailure.None, proof.Check(Context, N, st.X, st.Y, st.C));
    }

    [Fact]
    public void The_encoding_round_trips_and_invalid_ciphertexts_are_refused()
    {
        using var st = new Statement(Prover);
        using var proof = PaillierMultiplicationProof.Prove(Context, Prover, st.X, st.Y, st.C, st.XPlain, st.RhoX, st.Rho);
        var bytes = proof.Serialize();
        Assert.True(PaillierMultiplicationProof.TryDeserialize(bytes, out var back));
        using (back)
        {
            Assert.Equal(bytes, back.Serialize());
            Assert.True(back.Verify(Context, N, st.X, st.Y, st.C));
        }

        Assert.False(PaillierMultiplicationProof.TryDeserialize([.. bytes, 0], out _));
        foreach (var bad in PresigningProofTestKeys.InvalidCiphertexts(Prover))
        {
            using (bad)
            {
                Assert.Equal(ProofFailure.CiphertextInvalid, proof.Check(Context, N, st.X, st.Y, bad));
                Assert.Equal(ProofFailure.CiphertextInvalid, proof.Check(Context, N, bad, st.Y, st.C));
            }
        }
    }

    /// <summary>X = Enc(x; ρ_x), Y = Enc(y), C = Y^x ρ^N for 256-bit x and y (like k_i and γ_i).</summary>
    private sealed class Statement : IDisposable
    {
        public Statement(PaillierSecretKey key)
        {
            var random = SystemRandomSource.Instance;
            var pk = key.PublicKey;
            XPlain = GmpInteger.RandomBits(256, random);
            YPlain = GmpInteger.RandomBits(256, random);
            RhoX = pk.RandomUnit(random);
            Rho = pk.RandomUnit(random);
            using var rhoY = pk.RandomUnit(random);
            X = key.EncryptCrt(XPlain, RhoX);
            Y = key.EncryptCrt(YPlain, rhoY);
            using var yx = key.PowModNSquared(Y, XPlain);
            using var rn = key.PowModNSquared(Rho, pk.N);
            C = GmpInteger.MultiplyMod(yx, rn, pk.NSquared);
        }

        public GmpInteger XPlain { get; }

        public GmpInteger YPlain { get; }

        public GmpInteger RhoX { get; }

        public GmpInteger Rho { get; }

        public GmpInteger X { get; }

        public GmpInteger Y { get; }

        public GmpInteger C { get; }

        public void Dispose()
        {
            foreach (var v in new[] { XPlain, YPlain, RhoX, Rho, X, Y, C })
            {
                v.Dispose();
            }
        }
    }
}

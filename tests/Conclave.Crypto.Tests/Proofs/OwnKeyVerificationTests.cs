using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Proofs;
using Conclave.Crypto.Random;
using static Conclave.Crypto.Tests.Proofs.ProofTestHelpers;

namespace Conclave.Crypto.Tests.Proofs;

/// <summary>
/// Verifiers may pass their own Paillier key (whose modulus is N̂, and N₀ in Π^aff-g) so the checks
/// run by CRT. The answer must be the same as without it: honest proofs verify, and every proof
/// altered at any of a spread of byte positions is rejected either way. The CRT exponentiation
/// itself must equal GMP's plain one for any exponent sign.
/// </summary>
public sealed class OwnKeyVerificationTests(
    PaillierEncryptionInRangeProofFixture enc,
    GroupElementVsPaillierEncryptionProofFixture logStar,
    PaillierAffineOperationProofFixture affine,
    NoSmallFactorProofFixture fac)
    : IClassFixture<PaillierEncryptionInRangeProofFixture>, IClassFixture<GroupElementVsPaillierEncryptionProofFixture>, IClassFixture<PaillierAffineOperationProofFixture>, IClassFixture<NoSmallFactorProofFixture>
{
    private const int Stride = 97;

    [Fact]
    public void Crt_exponentiation_equals_the_plain_one_mod_N_and_N_squared()
    {
        var key = enc.Keys.VerifierKey;
        var pk = key.PublicKey;
        var random = SystemRandomSource.Instance;
        for (var i = 0; i < 8; i++)
        {
            using var b = pk.RandomUnit(random);
            using var e = GmpInteger.RandomSigned(i < 4 ? 3000 : 40, random);
            foreach (var modulus in new[] { pk.N, pk.NSquared })
            {
                using var plain = GmpInteger.PowModPublic(b, e, modulus);
                using var crt = key.TryPowMod(b, e, modulus);
                Assert.NotNull(crt);
                Assert.Equal(0, plain.CompareTo(crt));
            }
        }

        using var other = enc.Keys.ProverKey.PublicKey.N.Clone();
        using var three = GmpInteger.FromUInt64(3);
        Assert.Null(key.TryPowMod(three, three, other));
        using var zero = new GmpInteger();
        using var one = key.TryPowMod(three, zero, pk.N);
        Assert.Equal(0, one!.CompareTo(1));
    }

    [Fact]
    public void Encryption_proofs_verify_the_same_with_the_verifiers_own_key()
    {
        var k = enc.Keys;
        Assert.True(enc.Proof.Verify(Context, k.N0, enc.Ciphertext, k.Aux, k.VerifierKey));
        Assert.True(enc.Proof.Verify(Context, k.N0, enc.Ciphertext, k.Aux, k.ProverKey)); // not N̂'s key: plain path
        ForEachAlteration(enc.Proof.Serialize(), bytes => PaillierEncryptionInRangeProof.TryDeserialize(bytes, out var p) ? p : null, p =>
            (p.Verify(Context, k.N0, enc.Ciphertext, k.Aux), p.Verify(Context, k.N0, enc.Ciphertext, k.Aux, k.VerifierKey)));
    }

    [Fact]
    public void Log_star_proofs_verify_the_same_with_the_verifiers_own_key()
    {
        var k = logStar.Keys;
        Assert.True(logStar.Proof.Verify(Context, k.N0, logStar.Ciphertext, logStar.Point, logStar.BasePoint, k.Aux, k.VerifierKey));
        ForEachAlteration(logStar.Proof.Serialize(), bytes => GroupElementVsPaillierEncryptionProof.TryDeserialize(bytes, out var p) ? p : null, p =>
            (p.Verify(Context, k.N0, logStar.Ciphertext, logStar.Point, logStar.BasePoint, k.Aux), p.Verify(Context, k.N0, logStar.Ciphertext, logStar.Point, logStar.BasePoint, k.Aux, k.VerifierKey)));
    }

    [Fact]
    public void Affine_operation_proofs_verify_the_same_with_the_verifiers_own_key()
    {
        var k = affine.Keys;
        var st = affine.Statement;
        Assert.True(affine.Proof.Verify(Context, affine.VerifierKey, affine.ProverKey, st.C, st.D, st.Y, st.X, k.Aux, k.VerifierKey));
        ForEachAlteration(affine.Proof.Serialize(), bytes => PaillierAffineOperationProof.TryDeserialize(bytes, out var p) ? p : null, p =>
            (p.Verify(Context, affine.VerifierKey, affine.ProverKey, st.C, st.D, st.Y, st.X, k.Aux), p.Verify(Context, affine.VerifierKey, affine.ProverKey, st.C, st.D, st.Y, st.X, k.Aux, k.VerifierKey)));
    }

    [Fact]
    public void ProveAffine_builds_D_and_Y_from_the_witness_and_its_proof_verifies()
    {
        var k = affine.Keys;
        using var x = GmpInteger.RandomSigned(Cggmp21Parameters.Ell, SystemRandomSource.Instance);
        using var y = GmpInteger.RandomSigned(Cggmp21Parameters.EllPrime, SystemRandomSource.Instance);
        var point = GroupElementVsPaillierEncryptionProofFixture.Multiply(Groups.Secp256k1Group.Instance.Generator, x);
        using var proof = PaillierAffineOperationProof.ProveAffine(Context, affine.VerifierKey, k.ProverKey, affine.Statement.C, x, y, point, k.Aux, null, out var d, out var encryptedY);
        using (d)
        using (encryptedY)
        {
            Assert.True(proof.Verify(Context, affine.VerifierKey, affine.ProverKey, affine.Statement.C, d, encryptedY, point, k.Aux));
            Assert.True(proof.Verify(Context, affine.VerifierKey, affine.ProverKey, affine.Statement.C, d, encryptedY, point, k.Aux, k.VerifierKey));

            // Dec_N₀(D) = c·x + y and Dec_N₁(Y) = y.
            using var c = k.VerifierKey.Decrypt(affine.Statement.C);
            using var cx = GmpInteger.Multiply(c, x);
            using var expected = GmpInteger.Add(cx, y);
            using var decrypted = k.VerifierKey.Decrypt(d);
            Assert.Equal(0, expected.CompareTo(decrypted));
            using var decryptedY = k.ProverKey.Decrypt(encryptedY);
            Assert.Equal(0, y.CompareTo(decryptedY));
        }

        using var big = GmpInteger.ShiftLeft(x, Cggmp21Parameters.Ell + 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => PaillierAffineOperationProof.ProveAffine(Context, affine.VerifierKey, k.ProverKey, affine.Statement.C, big, y, point, k.Aux, null, out _, out _));
        Assert.Throws<ArgumentException>(() => PaillierAffineOperationProof.ProveAffine(Context, affine.VerifierKey, k.ProverKey, affine.Statement.C, x, y, Groups.Secp256k1Group.Instance.Generator, k.Aux, null, out _, out _));
    }

    [Fact]
    public void Proofs_made_with_the_provers_own_key_verify_and_keep_their_range_checks()
    {
        var k = enc.Keys;
        using var encProof = PaillierEncryptionInRangeProof.ProveOwn(Context, k.ProverKey, enc.Ciphertext, enc.K, enc.Rho, k.Aux, null);
        Assert.True(encProof.Verify(Context, k.N0, enc.Ciphertext, k.Aux));
        using var big = GmpInteger.ShiftLeft(enc.K, Cggmp21Parameters.Ell + 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => PaillierEncryptionInRangeProof.ProveOwn(Context, k.ProverKey, enc.Ciphertext, big, enc.Rho, k.Aux, null));

        var l = logStar.Keys;
        using var logProof = GroupElementVsPaillierEncryptionProof.ProveOwn(Context, l.ProverKey, logStar.Ciphertext, logStar.Point, logStar.BasePoint, logStar.X, logStar.Rho, l.Aux, null);
        Assert.True(logProof.Verify(Context, l.N0, logStar.Ciphertext, logStar.Point, logStar.BasePoint, l.Aux));
        Assert.Throws<ArgumentException>(() => GroupElementVsPaillierEncryptionProof.ProveOwn(Context, l.ProverKey, logStar.Ciphertext, logStar.BasePoint, logStar.BasePoint, logStar.X, logStar.Rho, l.Aux, null));
    }

    [Fact]
    public void No_small_factor_proofs_verify_the_same_with_the_verifiers_own_key()
    {
        Assert.True(fac.Proof.Verify(Context, fac.N0, fac.VerifierParameters, ownKey: fac.VerifierKey));
        ForEachAlteration(fac.Proof.Serialize(), bytes => NoSmallFactorProof.TryDeserialize(bytes, out var p) ? p : null, p =>
            (p.Verify(Context, fac.N0, fac.VerifierParameters), p.Verify(Context, fac.N0, fac.VerifierParameters, ownKey: fac.VerifierKey)));
    }

    private static void ForEachAlteration<T>(byte[] encoding, Func<byte[], T?> parse, Func<T, (bool Plain, bool Crt)> verify)
        where T : class, IDisposable
    {
        var checkedCount = 0;
        for (var position = 5; position < encoding.Length; position += Stride)
        {
            var altered = (byte[])encoding.Clone();
            altered[position] ^= 0x10;
            using var proof = parse(altered);
            if (proof is null)
            {
                continue;
            }

            var (plain, crt) = verify(proof);
            Assert.False(plain, $"altered byte {position} verified");
            Assert.False(crt, $"altered byte {position} verified with the own key");
            checkedCount++;
        }

        Assert.True(checkedCount >= 5, $"only {checkedCount} alterations parsed");
    }
}

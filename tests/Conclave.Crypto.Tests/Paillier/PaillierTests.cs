using System.Globalization;
using System.Numerics;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Random;
using static Conclave.Crypto.Tests.BigNumbers.BigIntegerReference;

namespace Conclave.Crypto.Tests.Paillier;

/// <summary>
/// Paillier encryption with generator 1 + N and CRT decryption into the signed range (-N/2, N/2],
/// i.e. [-(N-1)/2, (N-1)/2] for odd N, checked against textbook BigInteger arithmetic.
/// </summary>
public sealed class PaillierTests(PaillierKeyFixture fixture) : IClassFixture<PaillierKeyFixture>
{
    private BigInteger N => fixture.N;

    private BigInteger HalfN => fixture.N / 2; // (N - 1) / 2, the largest positive plaintext

    [Fact]
    public void Key_has_the_expected_modulus_and_size()
    {
        Assert.Equal(N, fixture.PublicKey.N.ToBigInteger());
        Assert.Equal(fixture.NSquared, fixture.PublicKey.NSquared.ToBigInteger());
        Assert.Equal(2 * PaillierKeyFixture.PrimeBits, fixture.PublicKey.Bits);
        Assert.Equal(fixture.P, fixture.Key.P.ToBigInteger());
        Assert.Equal(fixture.Q, fixture.Key.Q.ToBigInteger());
        Assert.Equal((fixture.P - 1) * (fixture.Q - 1), fixture.Key.Phi.ToBigInteger());
    }

    [Fact]
    public void Decrypt_of_Encrypt_returns_the_message_across_the_signed_range()
    {
        var messages = new List<BigInteger> { 0, 1, -1, 2, -2, HalfN, -HalfN, HalfN - 1, -HalfN + 1 };
        for (var i = 0; i < 10; i++)
        {
            var magnitude = RandomBelow(HalfN + 1);
            messages.Add(magnitude);
            messages.Add(-magnitude);
        }

        foreach (var m in messages)
        {
            using var gm = ToGmp(m);
            var (c, rho) = fixture.PublicKey.Encrypt(gm);
            using (c)
            using (rho)
            {
                Assert.Equal(m, Take(fixture.Key.Decrypt(c)));
            }
        }
    }

    [Fact]
    public void Decrypt_maps_plaintexts_outside_the_signed_range_to_their_signed_representative()
    {
        var cases = new (BigInteger Message, BigInteger Expected)[]
        {
            (HalfN + 1, -HalfN), // (N + 1) / 2 is just past N/2, so it wraps to -(N - 1) / 2
            (N - 1, -1),
            (N, 0),
            (N + 5, 5),
            (-N, 0),
            (-HalfN - 1, HalfN),
            (3 * N + HalfN, HalfN),
            ((N * N) - 7, -7),
        };
        foreach (var (message, expected) in cases)
        {
            using var gm = ToGmp(message);
            var (c, rho) = fixture.PublicKey.Encrypt(gm);
            using (c)
            using (rho)
            {
                Assert.Equal(expected, Take(fixture.Key.Decrypt(c)));
                Assert.Equal(Signed(message, N), expected);
            }
        }
    }

    [Fact]
    public void Encrypt_matches_the_textbook_formula()
    {
        for (var i = 0; i < 10; i++)
        {
            var m = i % 2 == 0 ? RandomBelow(N) : -RandomBelow(N);
            var rho = RandomUnit();
            using var gm = ToGmp(m);
            using var grho = ToGmp(rho);
            var expected = Mod(BigInteger.ModPow(1 + N, Mod(m, N), fixture.NSquared) * BigInteger.ModPow(rho, N, fixture.NSquared), fixture.NSquared);
            Assert.Equal(expected, Take(fixture.PublicKey.Encrypt(gm, grho)));
        }
    }

    [Fact]
    public void Decrypt_matches_the_textbook_lambda_mu_decryption_on_random_ciphertexts()
    {
        var lambda = (fixture.P - 1) * (fixture.Q - 1) / BigInteger.GreatestCommonDivisor(fixture.P - 1, fixture.Q - 1);
        var lambdaInverse = Inverse(lambda, N)!.Value;
        for (var i = 0; i < 10; i++)
        {
            // Any element of Z*_{N²} is a valid ciphertext.
            BigInteger c;
            do
            {
                c = RandomBelow(fixture.NSquared);
            }
            while (c.IsZero || !BigInteger.GreatestCommonDivisor(c, N).IsOne);

            var l = (BigInteger.ModPow(c, lambda, fixture.NSquared) - 1) / N;
            var expected = Signed(l * lambdaInverse, N);
            using var gc = ToGmp(c);
            Assert.Equal(expected, Take(fixture.Key.Decrypt(gc)));
        }
    }

    [Fact]
    public void EncryptCrt_equals_the_public_Encrypt()
    {
        var rhos = new List<BigInteger> { 1, N - 1, 2 };
        for (var i = 0; i < 8; i++)
        {
            rhos.Add(RandomUnit());
        }

        foreach (var rho in rhos)
        {
            foreach (var m in new[] { 0, 1, -1, HalfN, -HalfN, RandomBelow(N), -RandomBelow(N), N + 3 })
            {
                using var gm = ToGmp(m);
                using var grho = ToGmp(rho);
                using var expected = fixture.PublicKey.Encrypt(gm, grho);
                using var crt = fixture.Key.EncryptCrt(gm, grho);
                Assert.Equal(expected.ToBigInteger(), crt.ToBigInteger());
            }
        }
    }

    [Fact]
    public void Encrypt_with_fresh_randomness_returns_a_unit_rho_that_reproduces_the_ciphertext()
    {
        using var m = ToGmp(-12345);
        var (c1, rho1) = fixture.PublicKey.Encrypt(m);
        var (c2, rho2) = fixture.PublicKey.Encrypt(m);
        using (c1)
        using (rho1)
        using (c2)
        using (rho2)
        {
            Assert.NotEqual(c1.ToBigInteger(), c2.ToBigInteger()); // probabilistic encryption
            foreach (var (c, rho) in new[] { (c1, rho1), (c2, rho2) })
            {
                Assert.True(rho.CompareTo(0) > 0 && rho.CompareTo(fixture.PublicKey.N) < 0);
                Assert.True(BigInteger.GreatestCommonDivisor(rho.ToBigInteger(), N).IsOne);
                Assert.True(fixture.PublicKey.IsValidCiphertext(c));
                Assert.Equal(c.ToBigInteger(), Take(fixture.PublicKey.Encrypt(m, rho)));
                Assert.Equal(BigInteger.Parse("-12345", CultureInfo.InvariantCulture), Take(fixture.Key.Decrypt(c)));
            }
        }
    }

    [Fact]
    public void RecoverRandomness_returns_the_rho_of_a_ciphertext_also_after_homomorphic_operations()
    {
        using var m = ToGmp(-4242);
        var (c, rho) = fixture.PublicKey.Encrypt(m);
        using (c)
        using (rho)
        {
            Assert.Equal(rho.ToBigInteger(), Take(fixture.Key.RecoverRandomness(c)));

            // A product of ciphertexts whose randomness nobody tracked: Enc(Dec(C'); ρ') = C'.
            using var other = EncryptFresh(RandomBelow(HalfN));
            using var product = fixture.PublicKey.Add(c, other);
            using var plain = fixture.Key.Decrypt(product);
            using var recovered = fixture.Key.RecoverRandomness(product);
            Assert.Equal(product.ToBigInteger(), Take(fixture.PublicKey.Encrypt(plain, recovered)));
            Assert.NotEqual(rho.ToBigInteger(), recovered.ToBigInteger());
        }

        using var zero = ToGmp(0);
        Assert.Throws<ArgumentException>(() => fixture.Key.RecoverRandomness(zero));
    }

    [Fact]
    public void Homomorphic_Add_decrypts_to_the_signed_sum()
    {
        var pairs = new (BigInteger A, BigInteger B)[]
        {
            (0, 0),
            (5, -7),
            (-HalfN, -1), // wraps past -N/2
            (HalfN, HalfN), // N - 1 ≡ -1
            (HalfN, 1),
            (RandomBelow(HalfN), -RandomBelow(HalfN)),
            (-RandomBelow(HalfN), -RandomBelow(HalfN)),
        };
        foreach (var (a, b) in pairs)
        {
            using var ca = EncryptFresh(a);
            using var cb = EncryptFresh(b);
            using var sum = fixture.PublicKey.Add(ca, cb);
            Assert.True(fixture.PublicKey.IsValidCiphertext(sum));
            Assert.Equal(Signed(a + b, N), Take(fixture.Key.Decrypt(sum)));
        }
    }

    [Fact]
    public void Homomorphic_Multiply_decrypts_to_the_signed_product_including_negative_and_zero_scalars()
    {
        var cases = new (BigInteger M, BigInteger K)[]
        {
            (7, 6),
            (7, -6),
            (-7, -6),
            (123, 0),
            (0, RandomBelow(N)),
            (RandomBelow(HalfN), -1),
            (RandomBelow(HalfN), RandomBelow(N)),
            (-RandomBelow(HalfN), -RandomBits(2048)),
            (HalfN, 2),
        };
        foreach (var (m, k) in cases)
        {
            using var c = EncryptFresh(m);
            using var gk = ToGmp(k);
            using var product = fixture.PublicKey.Multiply(c, gk);
            Assert.True(fixture.PublicKey.IsValidCiphertext(product));
            Assert.Equal(Signed(m * k, N), Take(fixture.Key.Decrypt(product)));
        }
    }

    [Fact]
    public void IsValidCiphertext_accepts_units_below_N_squared()
    {
        foreach (var c in new[] { BigInteger.One, fixture.NSquared - 1, N + 1, N - 1, 2 })
        {
            using var gc = ToGmp(c);
            Assert.True(fixture.PublicKey.IsValidCiphertext(gc));
        }
    }

    [Fact]
    public void IsValidCiphertext_rejects_values_outside_Z_star_N_squared_and_Decrypt_throws_for_them()
    {
        var invalid = new[]
        {
            BigInteger.Zero,
            fixture.NSquared,
            fixture.NSquared + 1,
            fixture.NSquared * 2,
            fixture.P,
            fixture.Q * 12345,
            N,
            fixture.NSquared - N,
            BigInteger.MinusOne,
            -fixture.NSquared + 1,
            -RandomUnit(),
        };
        foreach (var c in invalid)
        {
            using var gc = ToGmp(c);
            Assert.False(fixture.PublicKey.IsValidCiphertext(gc));
            Assert.Throws<ArgumentException>(() => fixture.Key.Decrypt(gc));
        }
    }

    [Fact]
    public void Public_key_constructor_rejects_even_and_tiny_moduli()
    {
        foreach (var n in new BigInteger[] { 0, 1, 2, 4, N + 1 })
        {
            using var gn = ToGmp(n);
            Assert.Throws<ArgumentException>(() => new PaillierPublicKey(gn));
        }

        using var minus = ToGmp(-N);
        Assert.Throws<ArgumentException>(() => new PaillierPublicKey(minus));
    }

    [Fact]
    public void Secret_key_constructor_rejects_equal_primes()
    {
        Assert.Throws<ArgumentException>(() => new PaillierSecretKey(fixture.Key.P, fixture.Key.P));
        using var copy = fixture.Key.Q.Clone();
        Assert.Throws<ArgumentException>(() => new PaillierSecretKey(fixture.Key.Q, copy));
    }

    [Fact]
    public void Secret_key_constructor_rejects_primes_congruent_to_1_mod_4()
    {
        using var ed25519Prime = ToGmp((BigInteger.One << 255) - 19); // prime, ≡ 1 (mod 4)
        Assert.Throws<ArgumentException>(() => new PaillierSecretKey(ed25519Prime, fixture.Key.Q));
        Assert.Throws<ArgumentException>(() => new PaillierSecretKey(fixture.Key.P, ed25519Prime));
        using var thirteen = GmpInteger.FromUInt64(13);
        using var seven = GmpInteger.FromUInt64(7);
        Assert.Throws<ArgumentException>(() => new PaillierSecretKey(thirteen, seven));
    }

    [Fact]
    public void Secret_key_constructor_rejects_composites_congruent_to_3_mod_4()
    {
        var composite = fixture.P * 7 * 11; // 3 · 3 · 3 ≡ 3 (mod 4)
        Assert.Equal(3, (int)(composite % 4));
        using var gc = ToGmp(composite);
        Assert.Throws<ArgumentException>(() => new PaillierSecretKey(gc, fixture.Key.Q));
        Assert.Throws<ArgumentException>(() => new PaillierSecretKey(fixture.Key.P, gc));

        using var fifteen = GmpInteger.FromUInt64(15);
        using var seven = GmpInteger.FromUInt64(7);
        Assert.Throws<ArgumentException>(() => new PaillierSecretKey(fifteen, seven));
    }

    [Fact]
    public void Secret_key_constructor_rejects_primes_whose_phi_shares_a_factor_with_N()
    {
        // p = 3, q = 7: N = 21 and φ(N) = 12 share the factor 3, so φ has no inverse mod N.
        using var three = GmpInteger.FromUInt64(3);
        using var seven = GmpInteger.FromUInt64(7);
        Assert.Throws<ArgumentException>(() => new PaillierSecretKey(three, seven));
    }

    [Fact]
    public void Secret_key_from_small_non_safe_primes_still_round_trips()
    {
        // The constructor asks only for distinct primes ≡ 3 (mod 4) with gcd(N, φ(N)) = 1.
        using var p = GmpInteger.FromUInt64(1_000_003);
        using var q = GmpInteger.FromUInt64(999_983);
        using var key = new PaillierSecretKey(p, q);
        var n = new BigInteger(1_000_003) * 999_983;
        foreach (var m in new BigInteger[] { 0, 1, -1, n / 2, -(n / 2), 123_456_789 })
        {
            using var gm = ToGmp(m);
            var (c, rho) = key.PublicKey.Encrypt(gm);
            using (c)
            using (rho)
            {
                Assert.Equal(m, Take(key.Decrypt(c)));
                Assert.Equal(c.ToBigInteger(), Take(key.EncryptCrt(gm, rho)));
            }
        }
    }

    [Fact]
    public void Generate_builds_a_key_of_twice_the_prime_size_that_round_trips()
    {
        using var key = PaillierSecretKey.Generate(128, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(256, key.PublicKey.Bits);
        Assert.True(SafePrimes.IsSafePrime(key.P));
        Assert.True(SafePrimes.IsSafePrime(key.Q));
        Assert.NotEqual(0, key.P.CompareTo(key.Q));
        using var m = ToGmp(-42);
        var (c, rho) = key.PublicKey.Encrypt(m);
        using (c)
        using (rho)
        {
            Assert.Equal(new BigInteger(-42), Take(key.Decrypt(c)));
        }
    }

    [Fact]
    public void Secret_key_ToString_reveals_neither_prime()
    {
        var text = fixture.Key.ToString();
        Assert.Contains("<redacted>", text, StringComparison.Ordinal);
        foreach (var secret in new[] { fixture.P, fixture.Q, fixture.P - 1, fixture.Q - 1 })
        {
            foreach (var form in Renderings(secret))
            {
                Assert.DoesNotContain(form, text, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public void Secret_key_is_unusable_after_Dispose()
    {
        using var p = GmpInteger.FromUInt64(1_000_003);
        using var q = GmpInteger.FromUInt64(999_983);
        var key = new PaillierSecretKey(p, q);
        using var m = GmpInteger.FromUInt64(5);
        using var rho = GmpInteger.FromUInt64(2);
        using var c = key.PublicKey.Encrypt(m, rho);
        key.Dispose();
        Assert.Throws<ObjectDisposedException>(() => key.Decrypt(c));
        Assert.Throws<ObjectDisposedException>(() => key.EncryptCrt(m, rho));
        Assert.Throws<ObjectDisposedException>(() => key.P.BitLength);

        // The caller's primes were copied, not taken over.
        Assert.Equal(1_000_003, (int)p.ToBigInteger());
    }

    private static IEnumerable<string> Renderings(BigInteger value)
    {
        yield return value.ToString(CultureInfo.InvariantCulture);
        yield return value.ToString("x", CultureInfo.InvariantCulture).TrimStart('0');
        yield return Convert.ToHexString(value.ToByteArray(isUnsigned: true, isBigEndian: true));
        yield return Convert.ToBase64String(value.ToByteArray(isUnsigned: true, isBigEndian: true));

        // Also no long fragment (a 20-digit window) of the decimal form.
        var digits = value.ToString(CultureInfo.InvariantCulture);
        yield return digits[..20];
        yield return digits[^20..];
    }

    private BigInteger RandomUnit()
    {
        while (true)
        {
            var r = RandomBelow(N);
            if (!r.IsZero && BigInteger.GreatestCommonDivisor(r, N).IsOne)
            {
                return r;
            }
        }
    }

    private GmpInteger EncryptFresh(BigInteger m)
    {
        using var gm = ToGmp(m);
        var (c, rho) = fixture.PublicKey.Encrypt(gm, SystemRandomSource.Instance);
        rho.Dispose();
        return c;
    }
}

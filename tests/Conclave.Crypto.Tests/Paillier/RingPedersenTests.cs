using System.Numerics;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;
using static Conclave.Crypto.Tests.BigNumbers.BigIntegerReference;

namespace Conclave.Crypto.Tests.Paillier;

/// <summary>
/// Ring-Pedersen parameters (N, s, t) on a Paillier modulus: s = t^λ, t a quadratic residue,
/// commitments s^x t^y mod N, and the structural checks of <see cref="RingPedersenParameters.IsWellFormed"/>.
/// </summary>
public sealed class RingPedersenTests(PaillierKeyFixture fixture) : IClassFixture<PaillierKeyFixture>
{
    private BigInteger N => fixture.N;

    [Fact]
    public void Generate_yields_well_formed_parameters_on_the_key_modulus()
    {
        using var secret = RingPedersenSecret.Generate(fixture.Key);
        var parameters = secret.Parameters;
        Assert.True(parameters.IsWellFormed());
        Assert.Equal(N, parameters.N.ToBigInteger());

        var s = parameters.S.ToBigInteger();
        var t = parameters.T.ToBigInteger();
        Assert.InRange(s, 2, N - 1);
        Assert.InRange(t, 2, N - 1);
        Assert.NotEqual(s, t);
        Assert.True(BigInteger.GreatestCommonDivisor(s, N).IsOne);
        Assert.True(BigInteger.GreatestCommonDivisor(t, N).IsOne);
    }

    [Fact]
    public void S_is_t_to_the_lambda_and_lambda_is_below_phi()
    {
        using var secret = RingPedersenSecret.Generate(fixture.Key);
        var lambda = secret.Lambda.ToBigInteger();
        var phi = (fixture.P - 1) * (fixture.Q - 1);
        Assert.Equal(phi, secret.Phi.ToBigInteger());
        Assert.InRange(lambda, BigInteger.Zero, phi - 1);
        Assert.Equal(BigInteger.ModPow(secret.Parameters.T.ToBigInteger(), lambda, N), secret.Parameters.S.ToBigInteger());
    }

    [Fact]
    public void T_and_s_are_quadratic_residues_modulo_both_primes()
    {
        for (var i = 0; i < 3; i++)
        {
            using var secret = RingPedersenSecret.Generate(fixture.Key);
            foreach (var x in new[] { secret.Parameters.T.ToBigInteger(), secret.Parameters.S.ToBigInteger() })
            {
                foreach (var prime in new[] { fixture.P, fixture.Q })
                {
                    // Euler's criterion: x^((p-1)/2) ≡ 1 (mod p) exactly for non-zero squares.
                    Assert.Equal(BigInteger.One, BigInteger.ModPow(x, (prime - 1) / 2, prime));
                    using var gx = ToGmp(x);
                    using var gp = ToGmp(prime);
                    Assert.Equal(1, GmpInteger.Jacobi(gx, gp));
                }
            }
        }
    }

    [Fact]
    public void Generate_draws_fresh_parameters_each_time()
    {
        using var a = RingPedersenSecret.Generate(fixture.Key);
        using var b = RingPedersenSecret.Generate(fixture.Key);
        Assert.NotEqual(a.Parameters.T.ToBigInteger(), b.Parameters.T.ToBigInteger());
        Assert.NotEqual(a.Lambda.ToBigInteger(), b.Lambda.ToBigInteger());
    }

    [Fact]
    public void Commit_equals_s_to_the_x_times_t_to_the_y_including_negative_exponents()
    {
        using var secret = RingPedersenSecret.Generate(fixture.Key);
        var parameters = secret.Parameters;
        var s = parameters.S.ToBigInteger();
        var t = parameters.T.ToBigInteger();
        var cases = new List<(BigInteger X, BigInteger Y)>
        {
            (0, 0),
            (1, 0),
            (0, 1),
            (-1, 0),
            (0, -1),
            (-1, -1),
            (RandomBits(256), RandomBits(1500)),
            (-RandomBits(256), RandomBits(1500)),
            (RandomBits(256), -RandomBits(1500)),
            (-RandomBits(700), -RandomBits(1500)),
        };
        foreach (var (x, y) in cases)
        {
            using var gx = ToGmp(x);
            using var gy = ToGmp(y);
            var expected = Mod(ModPow(s, x, N) * ModPow(t, y, N), N);
            Assert.Equal(expected, Take(parameters.Commit(gx, gy)));
        }
    }

    [Fact]
    public void Commit_is_additively_homomorphic_and_hides_x_behind_lambda()
    {
        using var secret = RingPedersenSecret.Generate(fixture.Key);
        var parameters = secret.Parameters;
        var (x1, y1, x2, y2) = (-RandomBits(300), RandomBits(1100), RandomBits(300), -RandomBits(1100));
        var c1 = Commit(parameters, x1, y1);
        var c2 = Commit(parameters, x2, y2);
        Assert.Equal(Commit(parameters, x1 + x2, y1 + y2), Mod(c1 * c2, N));

        // s = t^λ, so Commit(x, y) = Commit(0, y + λx): the trapdoor that makes commitments equivocable.
        var lambda = secret.Lambda.ToBigInteger();
        Assert.Equal(Commit(parameters, x2, y1), Commit(parameters, 0, y1 + (lambda * x2)));
    }

    [Fact]
    public void IsWellFormed_rejects_s_equal_to_t()
    {
        using var secret = RingPedersenSecret.Generate(fixture.Key);
        var p = secret.Parameters;
        using var same = new RingPedersenParameters(p.N, p.T, p.T);
        Assert.False(same.IsWellFormed());
    }

    [Fact]
    public void IsWellFormed_rejects_s_or_t_outside_one_to_N()
    {
        using var secret = RingPedersenSecret.Generate(fixture.Key);
        var p = secret.Parameters;
        foreach (var bad in new[] { BigInteger.Zero, BigInteger.One, N, N + p.S.ToBigInteger(), -p.S.ToBigInteger() })
        {
            using var gb = ToGmp(bad);
            using var badS = new RingPedersenParameters(p.N, gb, p.T);
            using var badT = new RingPedersenParameters(p.N, p.S, gb);
            Assert.False(badS.IsWellFormed());
            Assert.False(badT.IsWellFormed());
        }
    }

    [Fact]
    public void IsWellFormed_rejects_s_or_t_sharing_a_factor_with_N()
    {
        using var secret = RingPedersenSecret.Generate(fixture.Key);
        var p = secret.Parameters;
        foreach (var bad in new[] { fixture.P, fixture.Q * 5, fixture.P * RandomBits(100) % N })
        {
            using var gb = ToGmp(bad);
            using var badS = new RingPedersenParameters(p.N, gb, p.T);
            using var badT = new RingPedersenParameters(p.N, p.S, gb);
            Assert.False(badS.IsWellFormed());
            Assert.False(badT.IsWellFormed());
        }
    }

    [Fact]
    public void IsWellFormed_rejects_an_even_or_tiny_modulus()
    {
        using var secret = RingPedersenSecret.Generate(fixture.Key);
        var p = secret.Parameters;
        foreach (var bad in new[] { N + 1, N * 2, 2, 1, 0 })
        {
            using var gn = ToGmp(bad);
            using var parameters = new RingPedersenParameters(gn, p.S, p.T);
            Assert.False(parameters.IsWellFormed());
        }
    }

    [Fact]
    public void Parameters_copy_their_inputs()
    {
        using var n = ToGmp(N);
        using var s = GmpInteger.FromUInt64(4);
        using var t = GmpInteger.FromUInt64(9);
        var parameters = new RingPedersenParameters(n, s, t);
        parameters.Dispose();
        Assert.Equal(N, n.ToBigInteger());
        Assert.Equal(4, (int)s.ToBigInteger());
        Assert.Throws<ObjectDisposedException>(() => parameters.S.BitLength);
    }

    [Fact]
    public void Secret_is_redacted_and_wiped_on_Dispose()
    {
        var secret = RingPedersenSecret.Generate(fixture.Key);
        Assert.Equal("<redacted>", secret.ToString());
        var lambda = secret.Lambda;
        var phi = secret.Phi;
        secret.Dispose();
        Assert.Throws<ObjectDisposedException>(() => lambda.BitLength);
        Assert.Throws<ObjectDisposedException>(() => phi.BitLength);

        // The key's own φ is a separate copy and still usable.
        Assert.Equal((fixture.P - 1) * (fixture.Q - 1), fixture.Key.Phi.ToBigInteger());
    }

    private static BigInteger Commit(RingPedersenParameters parameters, BigInteger x, BigInteger y)
    {
        using var gx = ToGmp(x);
        using var gy = ToGmp(y);
        return Take(parameters.Commit(gx, gy));
    }
}

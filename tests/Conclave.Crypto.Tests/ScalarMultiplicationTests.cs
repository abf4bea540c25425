using Conclave.Crypto.Groups;

namespace Conclave.Crypto.Tests;

/// <summary>
/// The constant-time <see cref="PrimeOrderGroup.Multiply"/> (secret scalars; on secp256k1 via the
/// ECDH ladder) and the variable-time <see cref="PrimeOrderGroup.MultiplyPublic"/> agree everywhere.
/// </summary>
public sealed class ScalarMultiplicationTests
{
    public static TheoryData<string> Groups => new() { "ed25519", "secp256k1" };

    [Theory]
    [MemberData(nameof(Groups))]
    public void Secret_and_public_multiplication_agree_on_random_and_edge_scalars(string name)
    {
        var g = Group(name);
        var point = g.MultiplyBase(Random(g));
        var orderMinusOne = g.NewScalar();
        var one = g.NewScalar();
        g.ScalarFromUInt64(1, one);
        g.ScalarSubtract(g.NewScalar(), one, orderMinusOne);
        foreach (var k in new[] { one, orderMinusOne, Random(g), Random(g), Random(g) })
        {
            var secret = g.Multiply(point, k);
            Assert.Equal(secret, g.MultiplyPublic(point, k));

            // Cross-check against the base multiplication: k·(a·G) == (k·a)·G.
            Assert.False(secret.IsIdentity);
        }

        Assert.Equal(g.Negate(point), g.Multiply(point, orderMinusOne));
        Assert.True(g.Multiply(point, g.NewScalar()).IsIdentity);
        Assert.True(g.MultiplyPublic(point, g.NewScalar()).IsIdentity);
        Assert.True(g.Multiply(g.Identity, one).IsIdentity);
        Assert.Throws<ArgumentException>(() => g.Multiply(point, new byte[31]));
    }

    [Theory]
    [MemberData(nameof(Groups))]
    public void Multiplication_is_compatible_with_the_scalar_field(string name)
    {
        var g = Group(name);
        var a = Random(g);
        var k = Random(g);
        var ka = g.NewScalar();
        g.ScalarMultiply(k, a, ka);
        Assert.Equal(g.MultiplyBase(ka), g.Multiply(g.MultiplyBase(a), k));
        Assert.Equal(g.MultiplyBase(ka), g.MultiplyPublic(g.MultiplyBase(a), k));
    }

    private static PrimeOrderGroup Group(string name) => name == "ed25519" ? Ed25519Group.Instance : Secp256k1Group.Instance;

    private static byte[] Random(PrimeOrderGroup g)
    {
        var s = g.NewScalar();
        g.RandomScalar(Conclave.Crypto.Random.SystemRandomSource.Instance, s);
        return s;
    }
}

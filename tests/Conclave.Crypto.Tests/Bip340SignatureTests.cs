using System.Security.Cryptography;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Random;
using Conclave.Crypto.Signatures;

namespace Conclave.Crypto.Tests;

/// <summary>
/// <see cref="Bip340Signature"/> on fresh keys and messages, checked by the independent
/// BouncyCastle verifier in <see cref="Bip340Reference"/>, and its argument handling.
/// </summary>
public sealed class Bip340SignatureTests
{
    private static readonly byte[] OrderBytes = Convert.FromHexString("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(100)]
    public void Signatures_on_random_keys_verify_under_the_BouncyCastle_reference(int messageLength)
    {
        for (var i = 0; i < 8; i++)
        {
            var sk = RandomSecretKey();
            var msg = RandomNumberGenerator.GetBytes(messageLength);
            var aux = RandomNumberGenerator.GetBytes(32);
            var sig = new byte[64];
            Bip340Signature.Sign(sk, msg, aux, sig);
            var pk = Bip340Signature.XOnlyPublicKey(sk);

            Assert.True(Bip340Reference.Verify(pk, msg, sig));
            Assert.True(Bip340Signature.Verify(pk, msg, sig));

            // Both verifiers reject the same tampering.
            var tampered = (byte[])sig.Clone();
            tampered[RandomNumberGenerator.GetInt32(64)] ^= 0x01;
            Assert.False(Bip340Reference.Verify(pk, msg, tampered));
            Assert.False(Bip340Signature.Verify(pk, msg, tampered));
        }
    }

    [Fact]
    public void XOnlyPublicKey_is_the_x_coordinate_of_the_secret_key_times_G()
    {
        for (var i = 0; i < 8; i++)
        {
            var sk = RandomSecretKey();
            var compressed = Bip340Reference.MultiplyBaseCompressed(sk);
            Assert.Equal(compressed[1..], Bip340Signature.XOnlyPublicKey(sk));
        }
    }

    [Fact]
    public void Signing_is_deterministic_given_aux_rand_and_changes_with_it()
    {
        var sk = RandomSecretKey();
        var msg = RandomNumberGenerator.GetBytes(32);
        var aux = RandomNumberGenerator.GetBytes(32);
        var a = new byte[64];
        var b = new byte[64];
        var c = new byte[64];
        Bip340Signature.Sign(sk, msg, aux, a);
        Bip340Signature.Sign(sk, msg, aux, b);
        aux[0] ^= 1;
        Bip340Signature.Sign(sk, msg, aux, c);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Sign_rejects_secret_keys_outside_one_to_n_minus_one()
    {
        var msg = new byte[32];
        var aux = new byte[32];
        var sig = new byte[64];
        Assert.Throws<ArgumentException>(() => Bip340Signature.Sign(new byte[32], msg, aux, sig));
        Assert.Throws<ArgumentException>(() => Bip340Signature.Sign(OrderBytes, msg, aux, sig));
        Assert.Throws<ArgumentException>(() => Bip340Signature.Sign(new byte[31], msg, aux, sig));
        Assert.Throws<ArgumentException>(() => Bip340Signature.XOnlyPublicKey(OrderBytes));
        Assert.Throws<ArgumentException>(() => Bip340Signature.XOnlyPublicKey(new byte[33]));
    }

    [Fact]
    public void Sign_rejects_wrong_aux_rand_and_destination_lengths()
    {
        var sk = RandomSecretKey();
        Assert.Throws<ArgumentException>(() => Bip340Signature.Sign(sk, [], new byte[31], new byte[64]));
        Assert.Throws<ArgumentException>(() => Bip340Signature.Sign(sk, [], new byte[33], new byte[64]));
        Assert.Throws<ArgumentException>(() => Bip340Signature.Sign(sk, [], new byte[32], new byte[63]));
    }

    [Fact]
    public void Verify_returns_false_for_malformed_lengths_instead_of_throwing()
    {
        var sk = RandomSecretKey();
        var pk = Bip340Signature.XOnlyPublicKey(sk);
        var sig = new byte[64];
        Bip340Signature.Sign(sk, [], new byte[32], sig);
        Assert.True(Bip340Signature.Verify(pk, [], sig));
        Assert.False(Bip340Signature.Verify(pk.AsSpan(..31), [], sig));
        Assert.False(Bip340Signature.Verify([.. pk, 0], [], sig));
        Assert.False(Bip340Signature.Verify(pk, [], sig.AsSpan(..63)));
        Assert.False(Bip340Signature.Verify(pk, [], [.. sig, 0]));
        Assert.False(Bip340Signature.Verify(pk, [0], sig));
    }

    private static byte[] RandomSecretKey()
    {
        var sk = new byte[32];
        Secp256k1Group.Instance.RandomScalar(SystemRandomSource.Instance, sk);
        return sk;
    }
}

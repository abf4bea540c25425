using Conclave.Crypto.KeyAgreement;

namespace Conclave.Crypto.Tests;

/// <summary>RFC 7748 §6.1 X25519 through <see cref="X25519"/>: the published key pairs and shared secret, and the all-zero refusal.</summary>
public sealed class X25519Tests
{
    private static readonly byte[] AlicePrivate = Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    private static readonly byte[] AlicePublic = Convert.FromHexString("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    private static readonly byte[] BobPrivate = Convert.FromHexString("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    private static readonly byte[] BobPublic = Convert.FromHexString("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    private static readonly byte[] Shared = Convert.FromHexString("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");

    [Fact]
    public void Public_keys_match_rfc_7748()
    {
        var pub = new byte[32];
        X25519.DerivePublicKey(AlicePrivate, pub);
        Assert.Equal(AlicePublic, pub);
        X25519.DerivePublicKey(BobPrivate, pub);
        Assert.Equal(BobPublic, pub);
    }

    [Fact]
    public void Both_sides_get_the_rfc_7748_shared_secret()
    {
        var k1 = new byte[32];
        var k2 = new byte[32];
        Assert.True(X25519.TryAgree(AlicePrivate, BobPublic, k1));
        Assert.True(X25519.TryAgree(BobPrivate, AlicePublic, k2));
        Assert.Equal(Shared, k1);
        Assert.Equal(Shared, k2);
    }

    [Fact]
    public void A_low_order_peer_key_gives_no_secret_and_a_zeroed_buffer()
    {
        var secret = Enumerable.Repeat((byte)0xAA, 32).ToArray();
        Assert.False(X25519.TryAgree(AlicePrivate, new byte[32], secret)); // u = 0: a low-order point, the result is all zero
        Assert.All(secret, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Wrong_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => X25519.DerivePublicKey(new byte[31], new byte[32]));
        Assert.Throws<ArgumentException>(() => X25519.TryAgree(AlicePrivate, new byte[33], new byte[32]));
        Assert.Throws<ArgumentException>(() => X25519.TryAgree(AlicePrivate, BobPublic, new byte[16]));
    }
}

using System.Security.Cryptography;
using System.Text.Json;
using Conclave.Crypto.Signatures;
using NSec.Cryptography;

namespace Conclave.Crypto.Tests;

/// <summary>
/// <see cref="Ed25519Signature"/> against Wycheproof's ed25519_test.json (C2SP/wycheproof, see
/// TestData/SOURCES.md), RFC 8032 §7.1 TEST 1, and NSec on random seeds.
/// </summary>
public sealed class Ed25519SignatureTests
{
    // RFC 8032 §7.1, TEST 1 (empty message).
    private const string Rfc8032Test1Seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    private const string Rfc8032Test1PublicKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private const string Rfc8032Test1Signature = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

    /// <summary>Every Wycheproof test: tcId, public key, message, signature (hex) and result.</summary>
    public static TheoryData<int, string, string, string, string> WycheproofTests { get; } = LoadWycheproof();

    [Fact]
    public void The_Wycheproof_file_has_151_tests_with_valid_and_invalid_results()
    {
        var rows = WycheproofTests.Select(r => r.Data).ToList();
        Assert.Equal(151, rows.Count);
        Assert.Equal(88, rows.Count(r => r.Item5 == "valid"));
        Assert.Equal(63, rows.Count(r => r.Item5 == "invalid"));
    }

    [Theory]
    [MemberData(nameof(WycheproofTests))]
    public void Verify_agrees_with_Wycheproof(int tcId, string publicKey, string message, string signature, string result)
    {
        var actual = Ed25519Signature.Verify(Convert.FromHexString(publicKey), Convert.FromHexString(message), Convert.FromHexString(signature));
        switch (result)
        {
            case "valid":
                Assert.True(actual, $"tcId {tcId} is valid but was rejected");
                break;
            case "invalid":
                Assert.False(actual, $"tcId {tcId} is invalid but was accepted");
                break;
            case "acceptable":
                break; // either answer is allowed
            default:
                Assert.Fail($"tcId {tcId}: unknown result '{result}'");
                break;
        }
    }

    [Fact]
    public void Sign_and_PublicKeyFromSeed_reproduce_RFC_8032_test_1()
    {
        var seed = Convert.FromHexString(Rfc8032Test1Seed);
        Assert.Equal(Rfc8032Test1PublicKey, Convert.ToHexStringLower(Ed25519Signature.PublicKeyFromSeed(seed)));
        var sig = new byte[64];
        Ed25519Signature.Sign(seed, [], sig);
        Assert.Equal(Rfc8032Test1Signature, Convert.ToHexStringLower(sig));
        Assert.True(Ed25519Signature.Verify(Convert.FromHexString(Rfc8032Test1PublicKey), [], sig));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(1000)]
    public void Sign_matches_NSec_byte_for_byte_on_random_seeds(int messageLength)
    {
        var algorithm = SignatureAlgorithm.Ed25519;
        for (var i = 0; i < 8; i++)
        {
            var seed = RandomNumberGenerator.GetBytes(32);
            var message = RandomNumberGenerator.GetBytes(messageLength);
            using var key = Key.Import(algorithm, seed, KeyBlobFormat.RawPrivateKey);
            var nsecPublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
            var nsecSignature = algorithm.Sign(key, message);

            var ours = new byte[64];
            Ed25519Signature.Sign(seed, message, ours);
            var ourPublicKey = Ed25519Signature.PublicKeyFromSeed(seed);

            Assert.Equal(nsecPublicKey, ourPublicKey);
            Assert.Equal(nsecSignature, ours);
            Assert.True(algorithm.Verify(PublicKey.Import(algorithm, ourPublicKey, KeyBlobFormat.RawPublicKey), message, ours));
            Assert.True(Ed25519Signature.Verify(nsecPublicKey, message, nsecSignature));
        }
    }

    [Fact]
    public void Verify_rejects_tampered_messages_signatures_and_keys()
    {
        var seed = RandomNumberGenerator.GetBytes(32);
        var message = RandomNumberGenerator.GetBytes(40);
        var pk = Ed25519Signature.PublicKeyFromSeed(seed);
        var sig = new byte[64];
        Ed25519Signature.Sign(seed, message, sig);
        Assert.True(Ed25519Signature.Verify(pk, message, sig));

        var otherMessage = (byte[])message.Clone();
        otherMessage[^1] ^= 0x80;
        Assert.False(Ed25519Signature.Verify(pk, otherMessage, sig));

        for (var i = 0; i < 64; i++)
        {
            var tampered = (byte[])sig.Clone();
            tampered[i] ^= 0x01;
            Assert.False(Ed25519Signature.Verify(pk, message, tampered), $"signature byte {i}");
        }

        var otherKey = Ed25519Signature.PublicKeyFromSeed(RandomNumberGenerator.GetBytes(32));
        Assert.False(Ed25519Signature.Verify(otherKey, message, sig));
    }

    [Fact]
    public void Verify_returns_false_for_malformed_lengths_instead_of_throwing()
    {
        var seed = RandomNumberGenerator.GetBytes(32);
        var pk = Ed25519Signature.PublicKeyFromSeed(seed);
        var sig = new byte[64];
        Ed25519Signature.Sign(seed, [], sig);
        Assert.True(Ed25519Signature.Verify(pk, [], sig));
        Assert.False(Ed25519Signature.Verify(pk.AsSpan(..31), [], sig));
        Assert.False(Ed25519Signature.Verify([.. pk, 0], [], sig));
        Assert.False(Ed25519Signature.Verify(pk, [], sig.AsSpan(..63)));
        Assert.False(Ed25519Signature.Verify(pk, [], [.. sig, 0]));
    }

    [Fact]
    public void Sign_and_PublicKeyFromSeed_reject_wrong_lengths()
    {
        Assert.Throws<ArgumentException>(() => Ed25519Signature.PublicKeyFromSeed(new byte[31]));
        Assert.Throws<ArgumentException>(() => Ed25519Signature.Sign(new byte[33], [], new byte[64]));
        Assert.Throws<ArgumentException>(() => Ed25519Signature.Sign(new byte[32], [], new byte[63]));
    }

    private static TheoryData<int, string, string, string, string> LoadWycheproof()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestFiles.PathOf("wycheproof/ed25519_test.json")));
        var data = new TheoryData<int, string, string, string, string>();
        foreach (var group in doc.RootElement.GetProperty("testGroups").EnumerateArray())
        {
            var pk = group.GetProperty("publicKey").GetProperty("pk").GetString()!;
            foreach (var test in group.GetProperty("tests").EnumerateArray())
            {
                data.Add(
                    test.GetProperty("tcId").GetInt32(),
                    pk,
                    test.GetProperty("msg").GetString()!,
                    test.GetProperty("sig").GetString()!,
                    test.GetProperty("result").GetString()!);
            }
        }

        return data;
    }
}

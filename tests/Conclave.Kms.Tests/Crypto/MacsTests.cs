using System.Security.Cryptography;
using System.Text;
using Conclave.Kms.Api;
using Conclave.Kms.Crypto;

namespace Conclave.Kms.Tests.Crypto;

public sealed class MacsTests
{
    [Theory]
    [InlineData(KeySpecs.Hmac224, MacAlgorithms.HmacSha224, 28)]
    [InlineData(KeySpecs.Hmac256, MacAlgorithms.HmacSha256, 32)]
    [InlineData(KeySpecs.Hmac384, MacAlgorithms.HmacSha384, 48)]
    [InlineData(KeySpecs.Hmac512, MacAlgorithms.HmacSha512, 64)]
    public void Mac_round_trips_and_rejects_truncated_or_altered_tags(string keySpec, string algorithm, int length)
    {
        var key = GeneratedKeys.For(keySpec);
        Assert.Equal(length, key.Length);
        var message = "message"u8.ToArray();

        var mac = Macs.Generate(keySpec, key.Span, algorithm, message);

        Assert.Equal(length, mac.Length);
        Assert.True(Macs.Verify(keySpec, key.Span, algorithm, message, mac));
        Assert.False(Macs.Verify(keySpec, key.Span, algorithm, message, mac.AsSpan(0, length - 1)));
        Assert.False(Macs.Verify(keySpec, key.Span, algorithm, "massage"u8, mac));
        mac[0] ^= 1;
        Assert.False(Macs.Verify(keySpec, key.Span, algorithm, message, mac));
    }

    [Theory]
    [InlineData("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There", "896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22")]
    [InlineData("4a656665", "what do ya want for nothing?", "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44")]
    public void Hmac_sha224_matches_rfc_4231(string keyHex, string data, string tagHex)
    {
        // RFC 4231 test cases 1 and 2; their keys are not 28 bytes, so they go through the core the
        // public HMAC_224 path uses after its key-length check.
        var tag = Macs.Compute(new HashAlgorithmName("SHA224"), Convert.FromHexString(keyHex), Encoding.ASCII.GetBytes(data));
        Assert.Equal(tagHex, Convert.ToHexStringLower(tag));
    }

    [Fact]
    public void Hmac_sha256_through_the_public_api_matches_the_runtime()
    {
        var key = GeneratedKeys.For(KeySpecs.Hmac256);
        var message = new byte[4096];
        RandomNumberGenerator.Fill(message);
        Assert.Equal(HMACSHA256.HashData(key.Span, message), Macs.Generate(KeySpecs.Hmac256, key.Span, MacAlgorithms.HmacSha256, message));
    }

    [Fact]
    public void Messages_over_4096_bytes_are_a_validation_error()
    {
        var key = GeneratedKeys.For(KeySpecs.Hmac384);
        var error = Assert.Throws<KmsException>(() => Macs.Generate(KeySpecs.Hmac384, key.Span, MacAlgorithms.HmacSha384, new byte[4097]));
        Assert.Equal(KmsErrorType.Validation, error.ErrorType);
        SignerTests.AssertNoKeyMaterial(error, key.Span);
    }

    [Theory]
    [InlineData(KeySpecs.Hmac256, MacAlgorithms.HmacSha512, KmsErrorType.InvalidKeyUsage)]
    [InlineData(KeySpecs.SymmetricDefault, MacAlgorithms.HmacSha256, KmsErrorType.InvalidKeyUsage)]
    [InlineData(KeySpecs.Hmac256, "HMAC_SHA_1", KmsErrorType.Validation)]
    public void Wrong_or_unknown_mac_algorithms_are_rejected(string keySpec, string algorithm, string errorType)
    {
        var key = GeneratedKeys.For(keySpec);
        var error = Assert.Throws<KmsException>(() => Macs.Generate(keySpec, key.Span, algorithm, [1]));
        Assert.Equal(errorType, error.ErrorType);
        SignerTests.AssertNoKeyMaterial(error, key.Span);
    }
}

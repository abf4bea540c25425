using System.Security.Cryptography;
using Conclave.Kms.Api;
using Conclave.Kms.Crypto;

namespace Conclave.Kms.Tests.Crypto;

public sealed class AsymmetricEncryptionTests
{
    [Theory]
    [InlineData(KeySpecs.Rsa2048, EncryptionAlgorithms.RsaesOaepSha1, 214)]
    [InlineData(KeySpecs.Rsa2048, EncryptionAlgorithms.RsaesOaepSha256, 190)]
    [InlineData(KeySpecs.Rsa3072, EncryptionAlgorithms.RsaesOaepSha1, 342)]
    [InlineData(KeySpecs.Rsa3072, EncryptionAlgorithms.RsaesOaepSha256, 318)]
    [InlineData(KeySpecs.Rsa4096, EncryptionAlgorithms.RsaesOaepSha1, 470)]
    [InlineData(KeySpecs.Rsa4096, EncryptionAlgorithms.RsaesOaepSha256, 446)]
    public void Oaep_round_trips_up_to_the_aws_limit_and_rejects_one_byte_more(string keySpec, string algorithm, int max)
    {
        var key = GeneratedKeys.For(keySpec);
        var spki = PublicKeys.ExportSubjectPublicKeyInfo(keySpec, key.Span);
        Assert.Equal(max, AsymmetricEncryption.MaxPlaintextLength(keySpec, algorithm));
        var plaintext = new byte[max + 1];
        RandomNumberGenerator.Fill(plaintext);

        var ciphertext = AsymmetricEncryption.Encrypt(keySpec, spki, algorithm, plaintext.AsSpan(0, max));
        using (var decrypted = AsymmetricEncryption.Decrypt(keySpec, key.Span, algorithm, ciphertext))
        {
            Assert.True(decrypted.Span.SequenceEqual(plaintext.AsSpan(0, max)));
        }

        // Independent: the runtime's RSA decrypts what we encrypted with the public key.
        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(key.Span, out _);
        var padding = algorithm == EncryptionAlgorithms.RsaesOaepSha1 ? RSAEncryptionPadding.OaepSHA1 : RSAEncryptionPadding.OaepSHA256;
        Assert.Equal(plaintext.AsSpan(0, max).ToArray(), rsa.Decrypt(ciphertext, padding));

        var error = Assert.Throws<KmsException>(() => AsymmetricEncryption.Encrypt(keySpec, spki, algorithm, plaintext));
        Assert.Equal(KmsErrorType.Validation, error.ErrorType);
        Assert.DoesNotContain(Convert.ToHexString(plaintext[..16]), error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Decrypt_failures_are_invalid_ciphertext_without_detail()
    {
        var key = GeneratedKeys.For(KeySpecs.Rsa2048);
        var ciphertext = AsymmetricEncryption.EncryptWithPrivateKey(KeySpecs.Rsa2048, key.Span, EncryptionAlgorithms.RsaesOaepSha256, [1, 2, 3]);
        ciphertext[10] ^= 0x40;
        var tampered = Assert.Throws<KmsException>(() =>
            AsymmetricEncryption.Decrypt(KeySpecs.Rsa2048, key.Span, EncryptionAlgorithms.RsaesOaepSha256, ciphertext));
        ciphertext[10] ^= 0x40;
        var wrongAlgorithm = Assert.Throws<KmsException>(() =>
            AsymmetricEncryption.Decrypt(KeySpecs.Rsa2048, key.Span, EncryptionAlgorithms.RsaesOaepSha1, ciphertext));
        var truncated = Assert.Throws<KmsException>(() =>
            AsymmetricEncryption.Decrypt(KeySpecs.Rsa2048, key.Span, EncryptionAlgorithms.RsaesOaepSha256, ciphertext.AsSpan(1)));
        foreach (var error in new[] { tampered, wrongAlgorithm, truncated })
        {
            Assert.Equal(KmsErrorType.InvalidCiphertext, error.ErrorType);
            Assert.Equal("The ciphertext is invalid.", error.Message);
            Assert.Null(error.InnerException);
        }
    }

    [Theory]
    [InlineData(KeySpecs.Rsa2048, EncryptionAlgorithms.SymmetricDefault, KmsErrorType.InvalidKeyUsage)]
    [InlineData(KeySpecs.EccNistP256, EncryptionAlgorithms.RsaesOaepSha256, KmsErrorType.InvalidKeyUsage)]
    [InlineData(KeySpecs.Rsa2048, "RSAES_PKCS1_V1_5", KmsErrorType.Validation)]
    public void Wrong_or_unknown_algorithms_are_rejected(string keySpec, string algorithm, string errorType)
    {
        var key = GeneratedKeys.For(keySpec);
        var error = Assert.Throws<KmsException>(() => AsymmetricEncryption.EncryptWithPrivateKey(keySpec, key.Span, algorithm, [1]));
        Assert.Equal(errorType, error.ErrorType);
        SignerTests.AssertNoKeyMaterial(error, key.Span);
    }
}

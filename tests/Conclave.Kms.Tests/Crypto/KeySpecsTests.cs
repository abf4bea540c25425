using Conclave.Kms.Api;
using Conclave.Kms.Crypto;

namespace Conclave.Kms.Tests.Crypto;

public sealed class KeySpecsTests
{
    [Fact]
    public void Key_usages_follow_the_aws_table()
    {
        Assert.Equal([KeyUsages.EncryptDecrypt], KeySpecs.KeyUsagesFor(KeySpecs.SymmetricDefault));
        Assert.Equal([KeyUsages.GenerateVerifyMac], KeySpecs.KeyUsagesFor(KeySpecs.Hmac224));
        Assert.Equal([KeyUsages.EncryptDecrypt, KeyUsages.SignVerify], KeySpecs.KeyUsagesFor(KeySpecs.Rsa4096));
        Assert.Equal([KeyUsages.SignVerify, KeyUsages.KeyAgreement], KeySpecs.KeyUsagesFor(KeySpecs.EccNistP521));
        Assert.Equal([KeyUsages.SignVerify], KeySpecs.KeyUsagesFor(KeySpecs.EccSecgP256K1));
        Assert.Equal([KeyUsages.SignVerify], KeySpecs.KeyUsagesFor(KeySpecs.EccNistEdwards25519));
        Assert.Equal(13, KeySpecs.All.Count);
    }

    [Fact]
    public void Algorithm_lists_depend_on_spec_and_usage_as_describe_key_shows_them()
    {
        Assert.Equal(6, KeySpecs.SigningAlgorithms(KeySpecs.Rsa2048, KeyUsages.SignVerify).Count);
        Assert.Empty(KeySpecs.SigningAlgorithms(KeySpecs.Rsa2048, KeyUsages.EncryptDecrypt));
        Assert.Equal([EncryptionAlgorithms.RsaesOaepSha1, EncryptionAlgorithms.RsaesOaepSha256],
            KeySpecs.EncryptionAlgorithms(KeySpecs.Rsa3072, KeyUsages.EncryptDecrypt));
        Assert.Equal([SigningAlgorithms.EcdsaSha384], KeySpecs.SigningAlgorithms(KeySpecs.EccNistP384));
        Assert.Equal([SigningAlgorithms.EcdsaSha512], KeySpecs.SigningAlgorithms(KeySpecs.EccNistP521));
        Assert.Equal([SigningAlgorithms.EcdsaSha256], KeySpecs.SigningAlgorithms(KeySpecs.EccSecgP256K1));
        Assert.Equal([SigningAlgorithms.Ed25519Sha512, SigningAlgorithms.Ed25519PhSha512], KeySpecs.SigningAlgorithms(KeySpecs.EccNistEdwards25519));
        Assert.Equal([KeyAgreementAlgorithms.Ecdh], KeySpecs.KeyAgreementAlgorithms(KeySpecs.EccNistP256, KeyUsages.KeyAgreement));
        Assert.Empty(KeySpecs.KeyAgreementAlgorithms(KeySpecs.EccSecgP256K1));
        Assert.Equal([MacAlgorithms.HmacSha384], KeySpecs.MacAlgorithms(KeySpecs.Hmac384));
        Assert.Equal([EncryptionAlgorithms.SymmetricDefault], KeySpecs.EncryptionAlgorithms(KeySpecs.SymmetricDefault));
        Assert.True(KeySpecs.IsAsymmetric(KeySpecs.EccNistEdwards25519));
        Assert.False(KeySpecs.IsAsymmetric(KeySpecs.Hmac512));
    }

    [Fact]
    public void Unknown_specs_and_incompatible_usages_are_validation_errors()
    {
        var error = Assert.Throws<KmsException>(() => KeySpecs.Validate("RSA_1024"));
        Assert.Equal(KmsErrorType.Validation, error.ErrorType);
        Assert.StartsWith("1 validation error detected: Value 'RSA_1024' at 'keySpec' failed to satisfy constraint", error.Message, StringComparison.Ordinal);
        Assert.Equal(KeySpecs.Rsa2048, KeySpecs.Validate(KeySpecs.Rsa2048));
        Assert.Equal(KmsErrorType.Validation,
            Assert.Throws<KmsException>(() => KeySpecs.ValidateKeyUsage(KeySpecs.EccSecgP256K1, KeyUsages.KeyAgreement)).ErrorType);
        Assert.Equal(KmsErrorType.Validation,
            Assert.Throws<KmsException>(() => KeySpecs.ValidateKeyUsage(KeySpecs.EccNistP256, "DECRYPT")).ErrorType);
        KeySpecs.ValidateKeyUsage(KeySpecs.EccNistP256, KeyUsages.KeyAgreement);
    }

    [Theory]
    [InlineData(KeySpecs.SymmetricDefault, 32)]
    [InlineData(KeySpecs.Hmac224, 28)]
    [InlineData(KeySpecs.Hmac512, 64)]
    [InlineData(KeySpecs.EccNistEdwards25519, 48)]
    public void Generated_material_has_the_documented_length_and_is_random(string keySpec, int length)
    {
        using var a = KeyMaterialGenerator.Generate(keySpec);
        using var b = KeyMaterialGenerator.Generate(keySpec);
        Assert.Equal(length, a.Length);
        Assert.False(a.Span.SequenceEqual(b.Span));
        Assert.Equal("<redacted>", a.ToString());
    }
}

using System.Security.Cryptography;
using Conclave.Kms.Api;
using Conclave.Kms.Crypto;

namespace Conclave.Kms.Tests.Crypto;

public sealed class KeyAgreementTests
{
    [Theory]
    [InlineData(KeySpecs.EccNistP256, 32)]
    [InlineData(KeySpecs.EccNistP384, 48)]
    [InlineData(KeySpecs.EccNistP521, 66)]
    public void Both_sides_derive_the_same_raw_shared_secret(string keySpec, int length)
    {
        var ours = GeneratedKeys.For(keySpec);
        using var theirs = KeyMaterialGenerator.Generate(keySpec);
        var ourPublic = PublicKeys.ExportSubjectPublicKeyInfo(keySpec, ours.Span);
        var theirPublic = PublicKeys.ExportSubjectPublicKeyInfo(keySpec, theirs.Span);

        using var a = KeyAgreement.DeriveSharedSecret(keySpec, ours.Span, KeyAgreementAlgorithms.Ecdh, theirPublic);
        using var b = KeyAgreement.DeriveSharedSecret(keySpec, theirs.Span, KeyAgreementAlgorithms.Ecdh, ourPublic);

        Assert.Equal(length, a.Length);
        Assert.True(a.Span.SequenceEqual(b.Span));

        // Independent: the runtime's ECDH gives the same x-coordinate.
        using var ecdh = ECDiffieHellman.Create();
        ecdh.ImportPkcs8PrivateKey(theirs.Span, out _);
        using var peer = ECDiffieHellman.Create();
        peer.ImportSubjectPublicKeyInfo(ourPublic, out _);
        Assert.True(a.Span.SequenceEqual(ecdh.DeriveRawSecretAgreement(peer.PublicKey)));
    }

    [Fact]
    public void A_peer_key_on_another_curve_is_a_validation_error()
    {
        var ours = GeneratedKeys.For(KeySpecs.EccNistP256);
        foreach (var other in new[] { KeySpecs.EccNistP384, KeySpecs.EccSecgP256K1, KeySpecs.Rsa2048, KeySpecs.EccNistEdwards25519 })
        {
            var peer = PublicKeys.ExportSubjectPublicKeyInfo(other, GeneratedKeys.For(other).Span);
            var error = Assert.Throws<KmsException>(() =>
                KeyAgreement.DeriveSharedSecret(KeySpecs.EccNistP256, ours.Span, KeyAgreementAlgorithms.Ecdh, peer));
            Assert.Equal(KmsErrorType.Validation, error.ErrorType);
            SignerTests.AssertNoKeyMaterial(error, ours.Span);
        }
    }

    [Fact]
    public void A_peer_point_off_the_curve_is_a_validation_error()
    {
        var ours = GeneratedKeys.For(KeySpecs.EccNistP256);
        using var other = KeyMaterialGenerator.Generate(KeySpecs.EccNistP256);
        var peer = PublicKeys.ExportSubjectPublicKeyInfo(KeySpecs.EccNistP256, other.Span);
        peer[^1] ^= 1; // y no longer matches x
        var error = Assert.Throws<KmsException>(() =>
            KeyAgreement.DeriveSharedSecret(KeySpecs.EccNistP256, ours.Span, KeyAgreementAlgorithms.Ecdh, peer));
        Assert.Equal(KmsErrorType.Validation, error.ErrorType);
        Assert.Equal(KmsErrorType.Validation, Assert.Throws<KmsException>(() =>
            KeyAgreement.DeriveSharedSecret(KeySpecs.EccNistP256, ours.Span, KeyAgreementAlgorithms.Ecdh, [0x30, 0x00])).ErrorType);
    }

    [Theory]
    [InlineData(KeySpecs.EccSecgP256K1, KeyAgreementAlgorithms.Ecdh, KmsErrorType.InvalidKeyUsage)]
    [InlineData(KeySpecs.Rsa2048, KeyAgreementAlgorithms.Ecdh, KmsErrorType.InvalidKeyUsage)]
    [InlineData(KeySpecs.EccNistP256, "X25519", KmsErrorType.Validation)]
    public void Specs_without_key_agreement_and_unknown_algorithms_are_rejected(string keySpec, string algorithm, string errorType)
    {
        var key = GeneratedKeys.For(keySpec);
        var error = Assert.Throws<KmsException>(() => KeyAgreement.DeriveSharedSecret(keySpec, key.Span, algorithm, [0x30, 0x00]));
        Assert.Equal(errorType, error.ErrorType);
    }
}

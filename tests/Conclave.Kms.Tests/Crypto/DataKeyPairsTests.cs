using System.Security.Cryptography;
using Conclave.Kms.Api;
using Conclave.Kms.Crypto;

namespace Conclave.Kms.Tests.Crypto;

public sealed class DataKeyPairsTests
{
    [Theory]
    [InlineData(KeySpecs.Rsa2048)]
    [InlineData(KeySpecs.Rsa3072)]
    [InlineData(KeySpecs.EccNistP256)]
    [InlineData(KeySpecs.EccNistP384)]
    [InlineData(KeySpecs.EccNistP521)]
    [InlineData(KeySpecs.EccSecgP256K1)]
    public void Private_key_imports_into_the_runtime_and_matches_the_public_key(string keyPairSpec)
    {
        var (privateKey, publicKey) = DataKeyPairs.Generate(keyPairSpec);
        using (privateKey)
        {
            using AsymmetricAlgorithm imported = keyPairSpec.StartsWith("RSA", StringComparison.Ordinal) ? RSA.Create() : ECDsa.Create();
            imported.ImportPkcs8PrivateKey(privateKey.Span, out var read);
            Assert.Equal(privateKey.Length, read);
            Assert.Equal(publicKey, imported.ExportSubjectPublicKeyInfo());
        }
    }

    [Fact]
    public void Ed25519_pair_is_rfc_8410_and_signs_for_its_public_key()
    {
        var (privateKey, publicKey) = DataKeyPairs.Generate(KeySpecs.EccNistEdwards25519);
        using (privateKey)
        {
            using var key = NSec.Cryptography.Key.Import(NSec.Cryptography.SignatureAlgorithm.Ed25519, privateKey.Span,
                NSec.Cryptography.KeyBlobFormat.PkixPrivateKey);
            Assert.Equal(publicKey, key.PublicKey.Export(NSec.Cryptography.KeyBlobFormat.PkixPublicKey));
        }
    }

    [Theory]
    [InlineData(KeySpecs.SymmetricDefault)]
    [InlineData(KeySpecs.Hmac256)]
    [InlineData("RSA_1024")]
    public void Other_specs_are_a_validation_error(string keyPairSpec)
    {
        var error = Assert.Throws<KmsException>(() => DataKeyPairs.Generate(keyPairSpec));
        Assert.Equal(KmsErrorType.Validation, error.ErrorType);
    }
}

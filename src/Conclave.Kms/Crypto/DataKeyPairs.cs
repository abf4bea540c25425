using Conclave.Crypto;
using Conclave.Kms.Crypto.Internal;

namespace Conclave.Kms.Crypto;

/// <summary>Key pairs for GenerateDataKeyPair.</summary>
public static class DataKeyPairs
{
    /// <summary>The <c>KeyPairSpec</c> values GenerateDataKeyPair accepts.</summary>
    public static IReadOnlyList<string> Specs { get; } =
    [
        KeySpecs.Rsa2048, KeySpecs.Rsa3072, KeySpecs.Rsa4096,
        KeySpecs.EccNistP256, KeySpecs.EccNistP384, KeySpecs.EccNistP521,
        KeySpecs.EccSecgP256K1, KeySpecs.EccNistEdwards25519,
    ];

    /// <summary>
    /// A fresh key pair: the private key as PKCS#8 DER (RFC 8410 for Ed25519), the public key as DER
    /// SubjectPublicKeyInfo, as AWS returns them. An unknown spec is <c>ValidationException</c>.
    /// </summary>
    public static (SecretBytes PrivateKeyPkcs8, byte[] PublicKeySpki) Generate(string keyPairSpec)
    {
        if (keyPairSpec is null || !Specs.Contains(keyPairSpec))
        {
            throw Error.NotInEnum(keyPairSpec, "keyPairSpec", Specs);
        }

        var privateKey = KeyMaterialGenerator.Generate(keyPairSpec);
        try
        {
            using var handle = AsymmetricKeyHandle.FromPrivateKey(keyPairSpec, privateKey.Span);
            return (privateKey, handle.ExportSubjectPublicKeyInfo());
        }
        catch
        {
            privateKey.Dispose();
            throw;
        }
    }
}

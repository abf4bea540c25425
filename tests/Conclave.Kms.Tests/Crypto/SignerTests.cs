using System.Security.Cryptography;
using Conclave.Kms.Api;
using Conclave.Kms.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace Conclave.Kms.Tests.Crypto;

public sealed class SignerTests
{
    public static TheoryData<string, string, string> SpecAlgorithmMessageType()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var spec in KeySpecs.All)
        {
            foreach (var algorithm in KeySpecs.SigningAlgorithms(spec))
            {
                data.Add(spec, algorithm, MessageTypes.Raw);
                if (algorithm != SigningAlgorithms.Ed25519Sha512)
                {
                    data.Add(spec, algorithm, MessageTypes.Digest);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SpecAlgorithmMessageType))]
    public void Signature_round_trips_and_verifies_independently(string keySpec, string algorithm, string messageType)
    {
        var key = GeneratedKeys.For(keySpec);
        var message = "Conclave signs this message."u8.ToArray();
        var input = messageType == MessageTypes.Raw ? message : Hash(algorithm, message);
        var spki = PublicKeys.ExportSubjectPublicKeyInfo(keySpec, key.Span);

        var signature = Signer.Sign(keySpec, key.Span, algorithm, input, messageType);

        Assert.True(Signer.Verify(keySpec, spki, algorithm, input, messageType, signature));
        Assert.True(Signer.VerifyWithPrivateKey(keySpec, key.Span, algorithm, input, messageType, signature));
        Assert.True(IndependentlyVerifies(keySpec, spki, algorithm, message, signature));

        // A signature over the message verifies in the other message type too (same hash).
        if (algorithm != SigningAlgorithms.Ed25519Sha512)
        {
            var other = messageType == MessageTypes.Raw ? MessageTypes.Digest : MessageTypes.Raw;
            Assert.True(Signer.Verify(keySpec, spki, algorithm, other == MessageTypes.Raw ? message : Hash(algorithm, message), other, signature));
        }

        var tampered = (byte[])signature.Clone();
        tampered[^1] ^= 1;
        Assert.False(Signer.Verify(keySpec, spki, algorithm, input, messageType, tampered));
        var otherInput = (byte[])input.Clone();
        otherInput[0] ^= 1;
        Assert.False(Signer.Verify(keySpec, spki, algorithm, otherInput, messageType, signature));
    }

    [Fact]
    public void Ed25519ph_matches_the_rfc_8032_abc_test_vector()
    {
        // RFC 8032 section 7.3, Ed25519ph, message "abc" (empty context).
        var seed = Convert.FromHexString("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42");
        var publicKey = Convert.FromHexString("ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf");
        var expected = Convert.FromHexString(
            "98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae41"
            + "31f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406");
        byte[] pkcs8 = [.. Convert.FromHexString("302e020100300506032b657004220420"), .. seed];
        var message = "abc"u8.ToArray();
        var spki = PublicKeys.ExportSubjectPublicKeyInfo(KeySpecs.EccNistEdwards25519, pkcs8);

        Assert.Equal(publicKey, PublicKeys.RawPublicKey(KeySpecs.EccNistEdwards25519, pkcs8));
        Assert.Equal(expected, Signer.Sign(KeySpecs.EccNistEdwards25519, pkcs8, SigningAlgorithms.Ed25519PhSha512, message, MessageTypes.Raw));
        Assert.Equal(expected, Signer.Sign(KeySpecs.EccNistEdwards25519, pkcs8, SigningAlgorithms.Ed25519PhSha512,
            SHA512.HashData(message), MessageTypes.Digest));
        Assert.True(Signer.Verify(KeySpecs.EccNistEdwards25519, spki, SigningAlgorithms.Ed25519PhSha512, message, MessageTypes.Raw, expected));
        Assert.False(Signer.Verify(KeySpecs.EccNistEdwards25519, spki, SigningAlgorithms.Ed25519Sha512, message, MessageTypes.Raw, expected));
    }

    [Theory]
    [InlineData(KeySpecs.EccNistP256, SigningAlgorithms.EcdsaSha384)]
    [InlineData(KeySpecs.EccNistP256, SigningAlgorithms.RsassaPssSha256)]
    [InlineData(KeySpecs.EccSecgP256K1, SigningAlgorithms.EcdsaSha512)]
    [InlineData(KeySpecs.Rsa2048, SigningAlgorithms.EcdsaSha256)]
    [InlineData(KeySpecs.EccNistEdwards25519, SigningAlgorithms.EcdsaSha512)]
    [InlineData(KeySpecs.EccNistP521, SigningAlgorithms.Ed25519Sha512)]
    public void Algorithm_not_supported_by_the_spec_is_invalid_key_usage(string keySpec, string algorithm)
    {
        var key = GeneratedKeys.For(keySpec);
        var error = Assert.Throws<KmsException>(() => Signer.Sign(keySpec, key.Span, algorithm, [1, 2, 3], MessageTypes.Raw));
        Assert.Equal(KmsErrorType.InvalidKeyUsage, error.ErrorType);
        AssertNoKeyMaterial(error, key.Span);
    }

    [Theory]
    [InlineData(KeySpecs.SymmetricDefault)]
    [InlineData(KeySpecs.Hmac256)]
    public void Signing_with_a_non_asymmetric_spec_is_invalid_key_usage(string keySpec)
    {
        var key = GeneratedKeys.For(keySpec);
        var error = Assert.Throws<KmsException>(() => Signer.Sign(keySpec, key.Span, SigningAlgorithms.EcdsaSha256, [1], MessageTypes.Raw));
        Assert.Equal(KmsErrorType.InvalidKeyUsage, error.ErrorType);
        AssertNoKeyMaterial(error, key.Span);
    }

    [Theory]
    [InlineData(KeySpecs.EccNistP256, SigningAlgorithms.EcdsaSha256, 31)]
    [InlineData(KeySpecs.EccNistP256, SigningAlgorithms.EcdsaSha256, 64)]
    [InlineData(KeySpecs.EccNistP384, SigningAlgorithms.EcdsaSha384, 32)]
    [InlineData(KeySpecs.EccNistP521, SigningAlgorithms.EcdsaSha512, 66)]
    [InlineData(KeySpecs.Rsa2048, SigningAlgorithms.RsassaPssSha512, 32)]
    [InlineData(KeySpecs.Rsa2048, SigningAlgorithms.RsassaPkcs1V15Sha256, 33)]
    [InlineData(KeySpecs.EccNistEdwards25519, SigningAlgorithms.Ed25519PhSha512, 32)]
    public void Digest_of_the_wrong_length_is_a_validation_error(string keySpec, string algorithm, int length)
    {
        var key = GeneratedKeys.For(keySpec);
        var spki = PublicKeys.ExportSubjectPublicKeyInfo(keySpec, key.Span);
        var digest = new byte[length];
        var error = Assert.Throws<KmsException>(() => Signer.Sign(keySpec, key.Span, algorithm, digest, MessageTypes.Digest));
        Assert.Equal(KmsErrorType.Validation, error.ErrorType);
        AssertNoKeyMaterial(error, key.Span);
        error = Assert.Throws<KmsException>(() => Signer.Verify(keySpec, spki, algorithm, digest, MessageTypes.Digest, new byte[64]));
        Assert.Equal(KmsErrorType.Validation, error.ErrorType);
    }

    [Fact]
    public void Pure_ed25519_rejects_the_digest_message_type()
    {
        var key = GeneratedKeys.For(KeySpecs.EccNistEdwards25519);
        var error = Assert.Throws<KmsException>(() =>
            Signer.Sign(KeySpecs.EccNistEdwards25519, key.Span, SigningAlgorithms.Ed25519Sha512, new byte[64], MessageTypes.Digest));
        Assert.Equal(KmsErrorType.Validation, error.ErrorType);
    }

    [Theory]
    [InlineData(KeySpecs.EccNistP256, SigningAlgorithms.EcdsaSha256)]
    [InlineData(KeySpecs.Rsa2048, SigningAlgorithms.RsassaPssSha256)]
    [InlineData(KeySpecs.EccNistEdwards25519, SigningAlgorithms.Ed25519Sha512)]
    public void Raw_messages_over_4096_bytes_are_a_validation_error(string keySpec, string algorithm)
    {
        var key = GeneratedKeys.For(keySpec);
        var message = new byte[4097];
        RandomNumberGenerator.Fill(message);
        var error = Assert.Throws<KmsException>(() => Signer.Sign(keySpec, key.Span, algorithm, message, MessageTypes.Raw));
        Assert.Equal(KmsErrorType.Validation, error.ErrorType);
        Assert.Contains("4096", error.Message, StringComparison.Ordinal);
        AssertNoKeyMaterial(error, key.Span);
        var signature = Signer.Sign(keySpec, key.Span, algorithm, message.AsSpan(0, 4096), MessageTypes.Raw);
        Assert.True(Signer.VerifyWithPrivateKey(keySpec, key.Span, algorithm, message.AsSpan(0, 4096), MessageTypes.Raw, signature));
    }

    [Theory]
    [InlineData("ECC_NIST_P999", SigningAlgorithms.EcdsaSha256, MessageTypes.Raw)]
    [InlineData(KeySpecs.EccNistP256, "ECDSA_SHA_1", MessageTypes.Raw)]
    [InlineData(KeySpecs.EccNistP256, SigningAlgorithms.EcdsaSha256, "HASH")]
    public void Unknown_names_are_validation_errors(string keySpec, string algorithm, string messageType)
    {
        var key = GeneratedKeys.For(KeySpecs.EccNistP256);
        var error = Assert.Throws<KmsException>(() => Signer.Sign(keySpec, key.Span, algorithm, new byte[32], messageType));
        Assert.Equal(KmsErrorType.Validation, error.ErrorType);
        Assert.Contains("failed to satisfy constraint", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("3006020101020101ff")]
    [InlineData("30060201010201")]
    [InlineData("3081060201010201010000")]
    [InlineData("30070201010201010000")]
    public void Malformed_der_ecdsa_signatures_do_not_verify(string signatureHex)
    {
        var key = GeneratedKeys.For(KeySpecs.EccNistP256);
        using var handle = AsymmetricKeyHandle.FromPrivateKey(KeySpecs.EccNistP256, key.Span);
        Assert.False(handle.Verify(SigningAlgorithms.EcdsaSha256, [1, 2, 3], MessageTypes.Raw, Convert.FromHexString(signatureHex)));
    }

    [Fact]
    public void Ecdsa_signatures_are_der_as_aws_returns_them()
    {
        var key = GeneratedKeys.For(KeySpecs.EccNistP256);
        var signature = Signer.Sign(KeySpecs.EccNistP256, key.Span, SigningAlgorithms.EcdsaSha256, [1, 2, 3], MessageTypes.Raw);
        Assert.Equal(0x30, signature[0]);
        Assert.Equal(signature.Length - 2, signature[1]);
    }

    [Fact]
    public void A_public_key_of_another_spec_is_a_validation_error()
    {
        var p384 = PublicKeys.ExportSubjectPublicKeyInfo(KeySpecs.EccNistP384, GeneratedKeys.For(KeySpecs.EccNistP384).Span);
        var rsa3072 = PublicKeys.ExportSubjectPublicKeyInfo(KeySpecs.Rsa3072, GeneratedKeys.For(KeySpecs.Rsa3072).Span);
        Assert.Equal(KmsErrorType.Validation, Assert.Throws<KmsException>(() => AsymmetricKeyHandle.FromPublicKey(KeySpecs.EccNistP256, p384)).ErrorType);
        Assert.Equal(KmsErrorType.Validation, Assert.Throws<KmsException>(() => AsymmetricKeyHandle.FromPublicKey(KeySpecs.Rsa2048, rsa3072)).ErrorType);
        Assert.Equal(KmsErrorType.Validation, Assert.Throws<KmsException>(() => AsymmetricKeyHandle.FromPublicKey(KeySpecs.EccNistEdwards25519, p384)).ErrorType);
    }

    [Theory]
    [InlineData(KeySpecs.EccNistP256, 33)]
    [InlineData(KeySpecs.EccSecgP256K1, 33)]
    [InlineData(KeySpecs.EccNistP384, 49)]
    [InlineData(KeySpecs.EccNistP521, 67)]
    [InlineData(KeySpecs.EccNistEdwards25519, 32)]
    public void Raw_public_keys_have_the_documented_length(string keySpec, int length)
    {
        var raw = PublicKeys.RawPublicKey(keySpec, GeneratedKeys.For(keySpec).Span);
        Assert.NotNull(raw);
        Assert.Equal(length, raw.Length);
        if (keySpec != KeySpecs.EccNistEdwards25519)
        {
            Assert.True(raw[0] is 0x02 or 0x03);
        }
    }

    [Fact]
    public void Rsa_has_no_raw_public_key_and_ed25519_spki_is_rfc_8410()
    {
        Assert.Null(PublicKeys.RawPublicKey(KeySpecs.Rsa2048, GeneratedKeys.For(KeySpecs.Rsa2048).Span));
        var key = GeneratedKeys.For(KeySpecs.EccNistEdwards25519);
        var spki = PublicKeys.ExportSubjectPublicKeyInfo(KeySpecs.EccNistEdwards25519, key.Span);
        Assert.Equal(Convert.FromHexString("302a300506032b6570032100"), spki[..12]);
        Assert.Equal(PublicKeys.RawPublicKey(KeySpecs.EccNistEdwards25519, key.Span), spki[12..]);
    }

    internal static void AssertNoKeyMaterial(Exception error, ReadOnlySpan<byte> key)
    {
        var text = error.ToString();
        Assert.DoesNotContain(Convert.ToHexString(key[^16..]), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(key[^16..]), text, StringComparison.Ordinal);
    }

    private static byte[] Hash(string algorithm, byte[] message) => algorithm switch
    {
        _ when algorithm.EndsWith("256", StringComparison.Ordinal) => SHA256.HashData(message),
        _ when algorithm.EndsWith("384", StringComparison.Ordinal) => SHA384.HashData(message),
        _ => SHA512.HashData(message),
    };

    private static bool IndependentlyVerifies(string keySpec, byte[] spki, string algorithm, byte[] message, byte[] signature)
    {
        var hash = algorithm.EndsWith("256", StringComparison.Ordinal) ? HashAlgorithmName.SHA256
            : algorithm.EndsWith("384", StringComparison.Ordinal) ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA512;
        if (algorithm.StartsWith("ECDSA", StringComparison.Ordinal))
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(spki, out _);
            return ecdsa.VerifyData(message, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
        }

        if (algorithm.StartsWith("RSASSA_PKCS1", StringComparison.Ordinal))
        {
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(spki, out _);
            return rsa.VerifyData(message, signature, hash, RSASignaturePadding.Pkcs1);
        }

        if (algorithm.StartsWith("RSASSA_PSS", StringComparison.Ordinal))
        {
            // BouncyCastle with the salt length pinned to the digest length, as AWS signs.
            Org.BouncyCastle.Crypto.IDigest digest = hash == HashAlgorithmName.SHA256 ? new Sha256Digest()
                : hash == HashAlgorithmName.SHA384 ? new Sha384Digest() : new Sha512Digest();
            var pss = new PssSigner(new RsaBlindedEngine(), digest, digest.GetDigestSize());
            pss.Init(false, PublicKeyFactory.CreateKey(spki));
            pss.BlockUpdate(message, 0, message.Length);
            return pss.VerifySignature(signature);
        }

        if (algorithm == SigningAlgorithms.Ed25519Sha512)
        {
            var publicKey = NSec.Cryptography.PublicKey.Import(NSec.Cryptography.SignatureAlgorithm.Ed25519, spki,
                NSec.Cryptography.KeyBlobFormat.PkixPublicKey);
            return NSec.Cryptography.SignatureAlgorithm.Ed25519.Verify(publicKey, message, signature);
        }

        // Ed25519ph: BouncyCastle's streaming Ed25519phSigner (hashes the message itself).
        var verifier = new Ed25519phSigner([]);
        verifier.Init(false, PublicKeyFactory.CreateKey(spki));
        verifier.BlockUpdate(message, 0, message.Length);
        return verifier.VerifySignature(signature);
    }
}

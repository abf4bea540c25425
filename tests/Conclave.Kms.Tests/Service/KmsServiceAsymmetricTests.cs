using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Conclave.Kms.Api;
using Conclave.Kms.Api.Actions;
using Conclave.Kms.Audit;
using NSec.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;

namespace Conclave.Kms.Tests.Service;

public sealed class KmsServiceAsymmetricTests
{
    private static readonly KmsCallContext Alice = KmsServiceHarness.Alice;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> SigningSpecs { get; } =
        ["RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519"];

    [Theory]
    [MemberData(nameof(SigningSpecs))]
    public async Task Every_signing_algorithm_and_message_type_signs_verifies_and_checks_out_against_the_public_key(string keySpec)
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateAsync(kms, keySpec, "SIGN_VERIFY");
        var publicKey = await kms.Service.GetPublicKeyAsync(Alice, new GetPublicKeyRequest { KeyId = key.KeyId }, Ct);
        Assert.Equal(keySpec, publicKey.KeySpec);
        Assert.Equal(keySpec, publicKey.CustomerMasterKeySpec);
        Assert.Equal("SIGN_VERIFY", publicKey.KeyUsage);
        Assert.Equal(key.SigningAlgorithms, publicKey.SigningAlgorithms);
        Assert.Null(publicKey.EncryptionAlgorithms);
        Assert.Equal(keySpec.StartsWith("RSA", StringComparison.Ordinal), publicKey.RawPublicKey is null);
        var message = Encoding.UTF8.GetBytes($"pay 100 to {keySpec}");
        var cases = 0;

        foreach (var algorithm in key.SigningAlgorithms!)
        {
            foreach (var messageType in new[] { "RAW", "DIGEST" })
            {
                if (algorithm == "ED25519_SHA_512" && messageType == "DIGEST")
                {
                    var refused = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.SignAsync(Alice, new SignRequest { KeyId = key.KeyId, Message = SHA512.HashData(message), MessageType = messageType, SigningAlgorithm = algorithm }, Ct));
                    Assert.Equal(KmsErrorType.Validation, refused.ErrorType);
                    continue;
                }

                var input = messageType == "RAW" ? message : Hash(algorithm, message);
                var signed = await kms.Service.SignAsync(Alice, new SignRequest { KeyId = key.KeyId, Message = input, MessageType = messageType, SigningAlgorithm = algorithm }, Ct);
                Assert.Equal(key.Arn, signed.KeyId);
                Assert.Equal(algorithm, signed.SigningAlgorithm);

                var verified = await kms.Service.VerifyAsync(Alice, new VerifyRequest { KeyId = key.Arn, Message = input, MessageType = messageType, Signature = signed.Signature, SigningAlgorithm = algorithm }, Ct);
                Assert.True(verified.SignatureValid);
                Assert.True(VerifyIndependently(keySpec, publicKey, algorithm, message, signed.Signature), $"{algorithm}/{messageType}");

                var tampered = (byte[])input.Clone();
                tampered[0] ^= 1;
                var error = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.VerifyAsync(Alice, new VerifyRequest { KeyId = key.KeyId, Message = tampered, MessageType = messageType, Signature = signed.Signature, SigningAlgorithm = algorithm }, Ct));
                Assert.Equal(KmsErrorType.KmsInvalidSignature, error.ErrorType);
                cases++;
            }
        }

        Assert.True(cases >= 1);
    }

    [Fact]
    public async Task Sign_refuses_empty_and_oversized_messages_and_a_missing_algorithm()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateAsync(kms, "ECC_NIST_P256", "SIGN_VERIFY");

        foreach (var request in new[]
        {
            new SignRequest { KeyId = key.KeyId, Message = [], SigningAlgorithm = "ECDSA_SHA_256" },
            new SignRequest { KeyId = key.KeyId, Message = new byte[4097], SigningAlgorithm = "ECDSA_SHA_256" },
            new SignRequest { KeyId = key.KeyId, Message = [1] },
            new SignRequest { KeyId = key.KeyId, Message = [1], MessageType = "DIGEST", SigningAlgorithm = "ECDSA_SHA_256" },
        })
        {
            var error = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.SignAsync(Alice, request, Ct));
            Assert.Equal(KmsErrorType.Validation, error.ErrorType);
        }

        var wrongAlgorithm = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.SignAsync(Alice, new SignRequest { KeyId = key.KeyId, Message = [1], SigningAlgorithm = "ECDSA_SHA_384" }, Ct));
        Assert.Equal(KmsErrorType.InvalidKeyUsage, wrongAlgorithm.ErrorType);
    }

    [Fact]
    public async Task Sign_records_the_key_version_in_the_audit_log()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateAsync(kms, "ECC_NIST_P256", "SIGN_VERIFY");

        await kms.Service.SignAsync(Alice, new SignRequest { KeyId = key.KeyId, Message = [1, 2, 3], SigningAlgorithm = "ECDSA_SHA_256" }, Ct);

        var records = new List<AuditRecord>();
        await foreach (var record in kms.Store.ReadAuditAsync(1, Ct))
        {
            records.Add(record);
        }

        var sign = records[^1].Entry;
        Assert.Equal("Sign", sign.Action);
        Assert.Equal(key.KeyId, sign.KeyId);
        Assert.Equal(1, sign.KeyVersion);
        Assert.Equal(AuditEntry.Success, sign.Outcome);
    }

    [Fact]
    public async Task Concurrent_signs_on_one_key_all_verify()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateAsync(kms, "ECC_NIST_P256", "SIGN_VERIFY");
        var publicKey = await kms.Service.GetPublicKeyAsync(Alice, new GetPublicKeyRequest { KeyId = key.KeyId }, Ct);
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(publicKey.PublicKey, out _);

        var signatures = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(async () =>
            (i, (await kms.Service.SignAsync(Alice, new SignRequest { KeyId = key.KeyId, Message = BitConverter.GetBytes(i), SigningAlgorithm = "ECDSA_SHA_256" }, Ct)).Signature), Ct)));

        Assert.All(signatures, s => Assert.True(ecdsa.VerifyData(BitConverter.GetBytes(s.i), s.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)));
    }

    [Theory]
    [InlineData("RSAES_OAEP_SHA_1")]
    [InlineData("RSAES_OAEP_SHA_256")]
    public async Task Rsa_encrypt_decrypt_round_trips_and_interoperates_with_the_public_key(string algorithm)
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateAsync(kms, "RSA_2048", "ENCRYPT_DECRYPT");
        Assert.Equal(["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"], key.EncryptionAlgorithms);
        var plaintext = Encoding.UTF8.GetBytes("rsa secret");

        var encrypted = await kms.Service.EncryptAsync(Alice, new EncryptRequest { KeyId = key.KeyId, Plaintext = plaintext, EncryptionAlgorithm = algorithm }, Ct);
        Assert.Equal(256, encrypted.CiphertextBlob.Length);
        Assert.Equal(algorithm, encrypted.EncryptionAlgorithm);
        var decrypted = await kms.Service.DecryptAsync(Alice, new DecryptRequest { KeyId = key.KeyId, CiphertextBlob = encrypted.CiphertextBlob, EncryptionAlgorithm = algorithm }, Ct);
        Assert.Equal(plaintext, decrypted.Plaintext);
        Assert.Equal(algorithm, decrypted.EncryptionAlgorithm);
        Assert.Equal(key.Arn, decrypted.KeyId);

        var publicKey = await kms.Service.GetPublicKeyAsync(Alice, new GetPublicKeyRequest { KeyId = key.KeyId }, Ct);
        Assert.Equal(key.EncryptionAlgorithms, publicKey.EncryptionAlgorithms);
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(publicKey.PublicKey, out _);
        var padding = algorithm == "RSAES_OAEP_SHA_1" ? RSAEncryptionPadding.OaepSHA1 : RSAEncryptionPadding.OaepSHA256;
        var external = rsa.Encrypt(plaintext, padding);
        var fromExternal = await kms.Service.DecryptAsync(Alice, new DecryptRequest { KeyId = key.Arn, CiphertextBlob = external, EncryptionAlgorithm = algorithm }, Ct);
        Assert.Equal(plaintext, fromExternal.Plaintext);
    }

    [Fact]
    public async Task Rsa_decrypt_needs_the_key_id_and_the_right_algorithm_and_refuses_encryption_context()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateAsync(kms, "RSA_2048", "ENCRYPT_DECRYPT");
        var blob = (await kms.Service.EncryptAsync(Alice, new EncryptRequest { KeyId = key.KeyId, Plaintext = [1, 2, 3], EncryptionAlgorithm = "RSAES_OAEP_SHA_256" }, Ct)).CiphertextBlob;

        await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.DecryptAsync(Alice, new DecryptRequest { CiphertextBlob = blob, EncryptionAlgorithm = "RSAES_OAEP_SHA_256" }, Ct));
        await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.DecryptAsync(Alice, new DecryptRequest { CiphertextBlob = blob }, Ct));
        var noAlgorithm = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.DecryptAsync(Alice, new DecryptRequest { KeyId = key.KeyId, CiphertextBlob = blob }, Ct));
        Assert.Equal(KmsErrorType.InvalidKeyUsage, noAlgorithm.ErrorType);
        var wrongAlgorithm = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.DecryptAsync(Alice, new DecryptRequest { KeyId = key.KeyId, CiphertextBlob = blob, EncryptionAlgorithm = "RSAES_OAEP_SHA_1" }, Ct));
        Assert.Equal(KmsErrorType.InvalidCiphertext, wrongAlgorithm.ErrorType);
        var withContext = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.EncryptAsync(Alice, new EncryptRequest { KeyId = key.KeyId, Plaintext = [1], EncryptionAlgorithm = "RSAES_OAEP_SHA_256", EncryptionContext = new() { ["a"] = "b" } }, Ct));
        Assert.Equal(KmsErrorType.Validation, withContext.ErrorType);
        var tooLong = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.EncryptAsync(Alice, new EncryptRequest { KeyId = key.KeyId, Plaintext = new byte[191], EncryptionAlgorithm = "RSAES_OAEP_SHA_256" }, Ct));
        Assert.Equal(KmsErrorType.Validation, tooLong.ErrorType);
    }

    [Fact]
    public async Task ReEncrypt_moves_between_rsa_and_symmetric_keys()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var rsa = await CreateAsync(kms, "RSA_2048", "ENCRYPT_DECRYPT");
        var symmetric = (await kms.Service.CreateKeyAsync(Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        var plaintext = Encoding.UTF8.GetBytes("moving");
        var rsaBlob = (await kms.Service.EncryptAsync(Alice, new EncryptRequest { KeyId = rsa.KeyId, Plaintext = plaintext, EncryptionAlgorithm = "RSAES_OAEP_SHA_1" }, Ct)).CiphertextBlob;

        var toSymmetric = await kms.Service.ReEncryptAsync(Alice, new ReEncryptRequest { CiphertextBlob = rsaBlob, SourceKeyId = rsa.KeyId, SourceEncryptionAlgorithm = "RSAES_OAEP_SHA_1", DestinationKeyId = symmetric.KeyId }, Ct);
        Assert.Equal("RSAES_OAEP_SHA_1", toSymmetric.SourceEncryptionAlgorithm);
        Assert.Equal("SYMMETRIC_DEFAULT", toSymmetric.DestinationEncryptionAlgorithm);
        var back = await kms.Service.ReEncryptAsync(Alice, new ReEncryptRequest { CiphertextBlob = toSymmetric.CiphertextBlob, DestinationKeyId = rsa.Arn, DestinationEncryptionAlgorithm = "RSAES_OAEP_SHA_256" }, Ct);
        Assert.Equal(rsa.Arn, back.KeyId);

        var decrypted = await kms.Service.DecryptAsync(Alice, new DecryptRequest { KeyId = rsa.KeyId, CiphertextBlob = back.CiphertextBlob, EncryptionAlgorithm = "RSAES_OAEP_SHA_256" }, Ct);
        Assert.Equal(plaintext, decrypted.Plaintext);
    }

    [Theory]
    [InlineData("ECC_NIST_P256")]
    [InlineData("RSA_2048")]
    [InlineData("ECC_NIST_EDWARDS25519")]
    [InlineData("ECC_SECG_P256K1")]
    public async Task GenerateDataKeyPair_private_key_decrypts_to_the_pkcs8_that_matches_the_public_key(string keyPairSpec)
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = (await kms.Service.CreateKeyAsync(Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        var context = new Dictionary<string, string> { ["use"] = "pair" };

        var pair = await kms.Service.GenerateDataKeyPairAsync(Alice, new GenerateDataKeyPairRequest { KeyId = key.KeyId, KeyPairSpec = keyPairSpec, EncryptionContext = context }, Ct);
        Assert.Equal(keyPairSpec, pair.KeyPairSpec);
        Assert.Equal(key.Arn, pair.KeyId);
        Assert.NotNull(pair.PrivateKeyPlaintext);
        var decrypted = await kms.Service.DecryptAsync(Alice, new DecryptRequest { CiphertextBlob = pair.PrivateKeyCiphertextBlob, EncryptionContext = context }, Ct);
        Assert.Equal(pair.PrivateKeyPlaintext, decrypted.Plaintext);
        Assert.Equal(pair.PublicKey, PublicKeyOf(keyPairSpec, decrypted.Plaintext));

        var withoutPlaintext = await kms.Service.GenerateDataKeyPairWithoutPlaintextAsync(Alice, new GenerateDataKeyPairRequest { KeyId = key.KeyId, KeyPairSpec = keyPairSpec }, Ct);
        Assert.Null(withoutPlaintext.PrivateKeyPlaintext);
        var privateKey = (await kms.Service.DecryptAsync(Alice, new DecryptRequest { CiphertextBlob = withoutPlaintext.PrivateKeyCiphertextBlob }, Ct)).Plaintext;
        Assert.Equal(withoutPlaintext.PublicKey, PublicKeyOf(keyPairSpec, privateKey));
        Assert.NotEqual(pair.PublicKey, withoutPlaintext.PublicKey);
    }

    [Fact]
    public async Task GenerateDataKeyPair_needs_a_known_spec_and_a_symmetric_key()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var symmetric = (await kms.Service.CreateKeyAsync(Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        var rsa = await CreateAsync(kms, "RSA_2048", "ENCRYPT_DECRYPT");

        var unknown = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.GenerateDataKeyPairAsync(Alice, new GenerateDataKeyPairRequest { KeyId = symmetric.KeyId, KeyPairSpec = "SM2" }, Ct));
        Assert.Equal(KmsErrorType.Validation, unknown.ErrorType);
        var asymmetric = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.GenerateDataKeyPairAsync(Alice, new GenerateDataKeyPairRequest { KeyId = rsa.KeyId, KeyPairSpec = "ECC_NIST_P256" }, Ct));
        Assert.Equal(KmsErrorType.InvalidKeyUsage, asymmetric.ErrorType);
    }

    [Theory]
    [InlineData("ECC_NIST_P256", 32)]
    [InlineData("ECC_NIST_P384", 48)]
    [InlineData("ECC_NIST_P521", 66)]
    public async Task DeriveSharedSecret_matches_dotnet_ecdh_on_the_peer_side(string keySpec, int secretLength)
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateAsync(kms, keySpec, "KEY_AGREEMENT");
        var curve = keySpec switch { "ECC_NIST_P256" => ECCurve.NamedCurves.nistP256, "ECC_NIST_P384" => ECCurve.NamedCurves.nistP384, _ => ECCurve.NamedCurves.nistP521 };
        using var peer = ECDiffieHellman.Create(curve);
        var kmsPublic = await kms.Service.GetPublicKeyAsync(Alice, new GetPublicKeyRequest { KeyId = key.KeyId }, Ct);
        Assert.Equal(["ECDH"], kmsPublic.KeyAgreementAlgorithms);
        using var kmsPublicKey = ECDiffieHellman.Create();
        kmsPublicKey.ImportSubjectPublicKeyInfo(kmsPublic.PublicKey, out _);

        var derived = await kms.Service.DeriveSharedSecretAsync(Alice, new DeriveSharedSecretRequest { KeyId = key.KeyId, KeyAgreementAlgorithm = "ECDH", PublicKey = peer.ExportSubjectPublicKeyInfo() }, Ct);

        Assert.Equal(secretLength, derived.SharedSecret.Length);
        Assert.Equal(peer.DeriveRawSecretAgreement(kmsPublicKey.PublicKey), derived.SharedSecret);
        Assert.Equal("AWS_KMS", derived.KeyOrigin);
        Assert.Equal("ECDH", derived.KeyAgreementAlgorithm);
        Assert.Equal(key.Arn, derived.KeyId);

        using var otherCurve = ECDiffieHellman.Create(keySpec == "ECC_NIST_P256" ? ECCurve.NamedCurves.nistP384 : ECCurve.NamedCurves.nistP256);
        var wrongCurve = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.DeriveSharedSecretAsync(Alice, new DeriveSharedSecretRequest { KeyId = key.KeyId, KeyAgreementAlgorithm = "ECDH", PublicKey = otherCurve.ExportSubjectPublicKeyInfo() }, Ct));
        Assert.Equal(KmsErrorType.Validation, wrongCurve.ErrorType);
        var recipient = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.DeriveSharedSecretAsync(Alice, new DeriveSharedSecretRequest { KeyId = key.KeyId, KeyAgreementAlgorithm = "ECDH", PublicKey = peer.ExportSubjectPublicKeyInfo(), Recipient = new RecipientInfo() }, Ct));
        Assert.Equal(KmsErrorType.UnsupportedOperation, recipient.ErrorType);
    }

    [Fact]
    public async Task Operations_refuse_keys_of_the_wrong_usage()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var rsaEncrypt = await CreateAsync(kms, "RSA_2048", "ENCRYPT_DECRYPT");
        var ecSign = await CreateAsync(kms, "ECC_NIST_P256", "SIGN_VERIFY");
        var symmetric = (await kms.Service.CreateKeyAsync(Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        using var peer = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

        var errors = new[]
        {
            await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.SignAsync(Alice, new SignRequest { KeyId = rsaEncrypt.KeyId, Message = [1], SigningAlgorithm = "RSASSA_PSS_SHA_256" }, Ct)),
            await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.SignAsync(Alice, new SignRequest { KeyId = symmetric.KeyId, Message = [1], SigningAlgorithm = "ECDSA_SHA_256" }, Ct)),
            await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.EncryptAsync(Alice, new EncryptRequest { KeyId = ecSign.KeyId, Plaintext = [1] }, Ct)),
            await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.EncryptAsync(Alice, new EncryptRequest { KeyId = ecSign.KeyId, Plaintext = [1], EncryptionAlgorithm = "RSAES_OAEP_SHA_256" }, Ct)),
            await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.EncryptAsync(Alice, new EncryptRequest { KeyId = rsaEncrypt.KeyId, Plaintext = [1] }, Ct)),
            await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.GenerateDataKeyAsync(Alice, new GenerateDataKeyRequest { KeyId = rsaEncrypt.KeyId, KeySpec = "AES_256" }, Ct)),
            await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.DeriveSharedSecretAsync(Alice, new DeriveSharedSecretRequest { KeyId = ecSign.KeyId, KeyAgreementAlgorithm = "ECDH", PublicKey = peer.ExportSubjectPublicKeyInfo() }, Ct)),
        };

        Assert.All(errors, e => Assert.Equal(KmsErrorType.InvalidKeyUsage, e.ErrorType));
    }

    [Fact]
    public async Task GetPublicKey_of_a_symmetric_key_is_unsupported_and_disabled_keys_refuse_everything()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var symmetric = (await kms.Service.CreateKeyAsync(Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        var ecSign = await CreateAsync(kms, "ECC_NIST_P256", "SIGN_VERIFY");

        var unsupported = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.GetPublicKeyAsync(Alice, new GetPublicKeyRequest { KeyId = symmetric.KeyId }, Ct));
        Assert.Equal(KmsErrorType.UnsupportedOperation, unsupported.ErrorType);

        var signature = (await kms.Service.SignAsync(Alice, new SignRequest { KeyId = ecSign.KeyId, Message = [7], SigningAlgorithm = "ECDSA_SHA_256" }, Ct)).Signature;
        await kms.Service.DisableKeyAsync(Alice, new KeyIdRequest { KeyId = ecSign.KeyId }, Ct);
        var errors = new[]
        {
            await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.SignAsync(Alice, new SignRequest { KeyId = ecSign.KeyId, Message = [7], SigningAlgorithm = "ECDSA_SHA_256" }, Ct)),
            await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.VerifyAsync(Alice, new VerifyRequest { KeyId = ecSign.KeyId, Message = [7], Signature = signature, SigningAlgorithm = "ECDSA_SHA_256" }, Ct)),
            await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.GetPublicKeyAsync(Alice, new GetPublicKeyRequest { KeyId = ecSign.KeyId }, Ct)),
        };
        Assert.All(errors, e => Assert.Equal(KmsErrorType.Disabled, e.ErrorType));

        await kms.Service.EnableKeyAsync(Alice, new KeyIdRequest { KeyId = ecSign.KeyId }, Ct);
        await kms.Service.ScheduleKeyDeletionAsync(Alice, new ScheduleKeyDeletionRequest(ecSign.KeyId, 7), Ct);
        var pending = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.SignAsync(Alice, new SignRequest { KeyId = ecSign.KeyId, Message = [7], SigningAlgorithm = "ECDSA_SHA_256" }, Ct));
        Assert.Equal(KmsErrorType.KmsInvalidState, pending.ErrorType);
    }

    [Fact]
    public async Task DryRun_signs_nothing()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateAsync(kms, "ECC_NIST_P256", "SIGN_VERIFY");

        var error = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.SignAsync(Alice, new SignRequest { KeyId = key.KeyId, Message = [1], SigningAlgorithm = "ECDSA_SHA_256", DryRun = true }, Ct));

        Assert.Equal(KmsErrorType.DryRunOperation, error.ErrorType);
    }

    [Fact]
    public async Task Asymmetric_shapes_use_aws_member_names_over_json()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateAsync(kms, "ECC_NIST_P256", "SIGN_VERIFY");
        var json = KmsJsonContext.Default;
        var request = JsonSerializer.Deserialize(
            $$"""{"KeyId":"{{key.KeyId}}","Message":"AQID","MessageType":"RAW","SigningAlgorithm":"ECDSA_SHA_256","GrantTokens":[]}""", json.SignRequest)!;

        var signed = await kms.Service.SignAsync(Alice, request, Ct);
        var publicKey = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(await kms.Service.GetPublicKeyAsync(Alice, new GetPublicKeyRequest { KeyId = key.KeyId }, Ct), json.GetPublicKeyResponse)).RootElement;
        var signature = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(signed, json.SignResponse)).RootElement;

        Assert.Equal(["KeyId", "Signature", "SigningAlgorithm"], signature.EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            ["KeyId", "PublicKey", "CustomerMasterKeySpec", "KeySpec", "KeyUsage", "SigningAlgorithms", "RawPublicKey"],
            publicKey.EnumerateObject().Select(p => p.Name));
        Assert.Equal(33, publicKey.GetProperty("RawPublicKey").GetBytesFromBase64().Length);
    }

    private static async Task<KeyMetadata> CreateAsync(KmsServiceHarness kms, string keySpec, string keyUsage) =>
        (await kms.Service.CreateKeyAsync(Alice, new CreateKeyRequest { KeySpec = keySpec, KeyUsage = keyUsage }, Ct)).KeyMetadata;

    private static HashAlgorithmName HashOf(string algorithm) =>
        algorithm.EndsWith("_256", StringComparison.Ordinal) ? HashAlgorithmName.SHA256
        : algorithm.EndsWith("_384", StringComparison.Ordinal) ? HashAlgorithmName.SHA384
        : HashAlgorithmName.SHA512;

    private static byte[] Hash(string algorithm, byte[] message) => CryptographicOperations.HashData(HashOf(algorithm), message);

    /// <summary>Checks a KMS signature over the original message with a library other than the one KMS signs with, where possible.</summary>
    private static bool VerifyIndependently(string keySpec, GetPublicKeyResponse publicKey, string algorithm, byte[] message, byte[] signature)
    {
        if (keySpec.StartsWith("RSA", StringComparison.Ordinal))
        {
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(publicKey.PublicKey, out _);
            var padding = algorithm.StartsWith("RSASSA_PSS", StringComparison.Ordinal) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
            return rsa.VerifyData(message, signature, HashOf(algorithm), padding);
        }

        if (algorithm == "ED25519_SHA_512")
        {
            var ed = PublicKey.Import(SignatureAlgorithm.Ed25519, publicKey.PublicKey, KeyBlobFormat.PkixPublicKey);
            return SignatureAlgorithm.Ed25519.Verify(ed, message, signature);
        }

        if (algorithm == "ED25519_PH_SHA_512")
        {
            var ed = new Ed25519PublicKeyParameters(publicKey.RawPublicKey!);
            return ed.Verify(Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.Algorithm.Ed25519ph, [], SHA512.HashData(message), signature);
        }

        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(publicKey.PublicKey, out _);
        return ecdsa.VerifyData(message, signature, HashOf(algorithm), DSASignatureFormat.Rfc3279DerSequence);
    }

    private static byte[] PublicKeyOf(string keyPairSpec, byte[] pkcs8)
    {
        if (keyPairSpec == "ECC_NIST_EDWARDS25519")
        {
            using var ed = Key.Import(SignatureAlgorithm.Ed25519, pkcs8, KeyBlobFormat.PkixPrivateKey);
            return ed.PublicKey.Export(KeyBlobFormat.PkixPublicKey);
        }

        if (keyPairSpec.StartsWith("RSA", StringComparison.Ordinal))
        {
            using var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            return rsa.ExportSubjectPublicKeyInfo();
        }

        using var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
        return ecdsa.ExportSubjectPublicKeyInfo();
    }
}

using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace Conclave.Server.Tests.Kms;

/// <summary>Asymmetric and HMAC keys, aliases, tags, rotation, policies and grants through the official AWS SDK.</summary>
public sealed class KmsSdkKeyFeaturesTests(KmsServerFixture kms) : IClassFixture<KmsServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("ECC_NIST_P256", "ECDSA_SHA_256")]
    [InlineData("ECC_NIST_P384", "ECDSA_SHA_384")]
    [InlineData("ECC_SECG_P256K1", "ECDSA_SHA_256")]
    [InlineData("RSA_2048", "RSASSA_PSS_SHA_256")]
    [InlineData("RSA_2048", "RSASSA_PKCS1_V1_5_SHA_256")]
    public async Task Sign_and_verify_with_the_public_key_from_GetPublicKey(string keySpec, string algorithm)
    {
        var key = (await kms.Alice.CreateKeyAsync(new CreateKeyRequest { KeySpec = keySpec, KeyUsage = KeyUsageType.SIGN_VERIFY }, Ct)).KeyMetadata;
        var message = RandomNumberGenerator.GetBytes(100);

        var signed = await kms.Alice.SignAsync(new SignRequest { KeyId = key.KeyId, Message = new MemoryStream(message), MessageType = MessageType.RAW, SigningAlgorithm = algorithm }, Ct);
        var verified = await kms.Alice.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = new MemoryStream(message), MessageType = MessageType.RAW, SigningAlgorithm = algorithm, Signature = new MemoryStream(signed.Signature.ToArray()) }, Ct);
        var spki = (await kms.Alice.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId }, Ct)).PublicKey.ToArray();

        Assert.True(verified.SignatureValid);
        Assert.True(VerifyIndependently(keySpec, algorithm, spki, message, signed.Signature.ToArray()));
        message[0] ^= 1;
        await Assert.ThrowsAsync<KMSInvalidSignatureException>(() => kms.Alice.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = new MemoryStream(message), MessageType = MessageType.RAW, SigningAlgorithm = algorithm, Signature = new MemoryStream(signed.Signature.ToArray()) }, Ct));
    }

    [Fact]
    public async Task Hmac_keys_generate_and_verify_macs()
    {
        var key = (await kms.Alice.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.HMAC_256, KeyUsage = KeyUsageType.GENERATE_VERIFY_MAC }, Ct)).KeyMetadata.KeyId;

        var mac = await kms.Alice.GenerateMacAsync(new GenerateMacRequest { KeyId = key, MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256, Message = new MemoryStream([1, 2, 3]) }, Ct);
        var verified = await kms.Alice.VerifyMacAsync(new VerifyMacRequest { KeyId = key, MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256, Message = new MemoryStream([1, 2, 3]), Mac = new MemoryStream(mac.Mac.ToArray()) }, Ct);

        Assert.Equal(32, mac.Mac.Length);
        Assert.True(verified.MacValid);
        await Assert.ThrowsAsync<KMSInvalidMacException>(() => kms.Alice.VerifyMacAsync(new VerifyMacRequest { KeyId = key, MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256, Message = new MemoryStream([1, 2, 4]), Mac = new MemoryStream(mac.Mac.ToArray()) }, Ct));
    }

    [Fact]
    public async Task Aliases_and_tags_work_through_the_sdk()
    {
        var key = (await kms.Alice.CreateKeyAsync(new CreateKeyRequest(), Ct)).KeyMetadata.KeyId;
        var alias = "alias/sdk-" + Guid.NewGuid().ToString("N")[..8];

        await kms.Alice.CreateAliasAsync(new CreateAliasRequest { AliasName = alias, TargetKeyId = key }, Ct);
        var blob = (await kms.Alice.EncryptAsync(new EncryptRequest { KeyId = alias, Plaintext = new MemoryStream([3]) }, Ct)).CiphertextBlob;
        await Assert.ThrowsAsync<AlreadyExistsException>(() => kms.Alice.CreateAliasAsync(new CreateAliasRequest { AliasName = alias, TargetKeyId = key }, Ct));
        var aliases = await kms.Alice.ListAliasesAsync(new ListAliasesRequest { KeyId = key }, Ct);
        await kms.Alice.TagResourceAsync(new TagResourceRequest { KeyId = key, Tags = [new Tag { TagKey = "env", TagValue = "prod" }] }, Ct);
        var tags = await kms.Alice.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = key }, Ct);

        Assert.Equal([3], (await kms.Alice.DecryptAsync(new DecryptRequest { CiphertextBlob = blob }, Ct)).Plaintext.ToArray());
        Assert.Equal(alias, Assert.Single(aliases.Aliases).AliasName);
        Assert.Equal("prod", Assert.Single(tags.Tags).TagValue);
        await kms.Alice.DeleteAliasAsync(new DeleteAliasRequest { AliasName = alias }, Ct);
        await Assert.ThrowsAsync<NotFoundException>(() => kms.Alice.DescribeKeyAsync(new DescribeKeyRequest { KeyId = alias }, Ct));
    }

    [Fact]
    public async Task After_rotation_new_ciphertexts_use_the_new_version_and_old_ones_still_decrypt()
    {
        var key = (await kms.Alice.CreateKeyAsync(new CreateKeyRequest(), Ct)).KeyMetadata.KeyId;
        var old = (await kms.Alice.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream([1]) }, Ct)).CiphertextBlob.ToArray();

        await kms.Alice.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key, RotationPeriodInDays = 90 }, Ct);
        await kms.Alice.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key }, Ct);
        var status = await kms.Alice.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = key }, Ct);
        var rotations = await kms.Alice.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = key }, Ct);
        var fresh = (await kms.Alice.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream([2]) }, Ct)).CiphertextBlob.ToArray();

        Assert.True(status.KeyRotationEnabled);
        Assert.Equal(90, status.RotationPeriodInDays);
        Assert.Equal(RotationType.ON_DEMAND, Assert.Single(rotations.Rotations).RotationType);
        Assert.Equal([1], (await kms.Alice.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(old) }, Ct)).Plaintext.ToArray());
        Assert.Equal([2], (await kms.Alice.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(fresh) }, Ct)).Plaintext.ToArray());
    }

    [Fact]
    public async Task A_key_policy_or_a_grant_lets_another_account_use_a_key_and_nothing_more()
    {
        var byPolicy = (await kms.Alice.CreateKeyAsync(new CreateKeyRequest(), Ct)).KeyMetadata;
        var policy = """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"kms:*","Resource":"*"},
              {"Effect":"Allow","Principal":{"AWS":"MALLORY"},"Action":["kms:Encrypt","kms:Decrypt"],"Resource":"*",
               "Condition":{"StringEquals":{"kms:EncryptionContext:app":"shared"}}}]}
            """.Replace("MALLORY", kms.MalloryArn, StringComparison.Ordinal);
        await kms.Alice.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = byPolicy.KeyId, PolicyName = "default", Policy = policy }, Ct);

        var shared = new Dictionary<string, string> { ["app"] = "shared" };
        var blob = (await kms.Mallory.EncryptAsync(new EncryptRequest { KeyId = byPolicy.Arn, Plaintext = new MemoryStream([4]), EncryptionContext = shared }, Ct)).CiphertextBlob.ToArray();
        Assert.Equal([4], (await kms.Mallory.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = shared }, Ct)).Plaintext.ToArray());
        var wrongContext = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.Mallory.EncryptAsync(new EncryptRequest { KeyId = byPolicy.Arn, Plaintext = new MemoryStream([4]), EncryptionContext = new() { ["app"] = "other" } }, Ct));
        var describe = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.Mallory.DescribeKeyAsync(new DescribeKeyRequest { KeyId = byPolicy.Arn }, Ct));
        Assert.Equal("AccessDeniedException", wrongContext.ErrorCode);
        Assert.Equal("AccessDeniedException", describe.ErrorCode);

        var byGrant = (await kms.Alice.CreateKeyAsync(new CreateKeyRequest(), Ct)).KeyMetadata;
        var grant = await kms.Alice.CreateGrantAsync(new CreateGrantRequest { KeyId = byGrant.KeyId, GranteePrincipal = kms.MalloryArn, Operations = [GrantOperation.Encrypt] }, Ct);
        await kms.Mallory.EncryptAsync(new EncryptRequest { KeyId = byGrant.Arn, Plaintext = new MemoryStream([5]) }, Ct);
        Assert.Single((await kms.Alice.ListGrantsAsync(new ListGrantsRequest { KeyId = byGrant.KeyId }, Ct)).Grants);
        await kms.Alice.RevokeGrantAsync(new RevokeGrantRequest { KeyId = byGrant.KeyId, GrantId = grant.GrantId }, Ct);
        var revoked = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.Mallory.EncryptAsync(new EncryptRequest { KeyId = byGrant.Arn, Plaintext = new MemoryStream([5]) }, Ct));
        Assert.Equal("AccessDeniedException", revoked.ErrorCode);
    }

    [Fact]
    public async Task A_named_CreateGrant_retried_returns_the_same_grant_and_ListRetirableGrants_finds_it()
    {
        var key = (await kms.Alice.CreateKeyAsync(new CreateKeyRequest(), Ct)).KeyMetadata;
        CreateGrantRequest Request() => new() { KeyId = key.KeyId, GranteePrincipal = kms.MalloryArn, RetiringPrincipal = kms.MalloryArn, Operations = [GrantOperation.Encrypt, GrantOperation.Decrypt], Name = "sdk-retry" };

        var first = await kms.Alice.CreateGrantAsync(Request(), Ct);
        var retried = await kms.Alice.CreateGrantAsync(Request(), Ct);
        var retirable = await kms.Alice.ListRetirableGrantsAsync(new ListRetirableGrantsRequest { RetiringPrincipal = kms.MalloryArn }, Ct);

        Assert.Equal(first.GrantId, retried.GrantId);
        Assert.NotEqual(first.GrantToken, retried.GrantToken);
        Assert.Single((await kms.Alice.ListGrantsAsync(new ListGrantsRequest { KeyId = key.KeyId }, Ct)).Grants);
        Assert.Contains(retirable.Grants, g => g.GrantId == first.GrantId && g.Name == "sdk-retry");
        await kms.Alice.RetireGrantAsync(new RetireGrantRequest { GrantToken = retried.GrantToken }, Ct);
        Assert.Empty((await kms.Alice.ListGrantsAsync(new ListGrantsRequest { KeyId = key.KeyId }, Ct)).Grants);
    }

    [Fact]
    public async Task An_action_not_supported_yet_is_UnsupportedOperationException_never_a_silent_success()
    {
        var error = await Assert.ThrowsAsync<UnsupportedOperationException>(() => kms.Alice.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = "1234abcd-12ab-34cd-56ef-1234567890ab", ReplicaRegion = "eu-west-1" }, Ct));

        Assert.Equal("UnsupportedOperationException", error.ErrorCode);
    }

    [Fact]
    public async Task A_CloudHSM_key_store_the_default_type_is_UnsupportedOperationException()
    {
        var error = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.Alice.CreateCustomKeyStoreAsync(new CreateCustomKeyStoreRequest { CustomKeyStoreName = "mpc" }, Ct));

        Assert.Equal("UnsupportedOperationException", error.ErrorCode);
    }

    private static bool VerifyIndependently(string keySpec, string algorithm, byte[] spki, byte[] message, byte[] signature)
    {
        if (keySpec.StartsWith("RSA", StringComparison.Ordinal))
        {
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(spki, out _);
            var padding = algorithm.Contains("PSS", StringComparison.Ordinal) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
            return rsa.VerifyData(message, signature, HashAlgorithmName.SHA256, padding);
        }

        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(spki, out _);
        var hash = algorithm.EndsWith("384", StringComparison.Ordinal) ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;
        return ecdsa.VerifyData(message, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
    }
}

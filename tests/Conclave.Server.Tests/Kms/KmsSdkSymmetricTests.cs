using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Conclave.Kms.Audit;

namespace Conclave.Server.Tests.Kms;

/// <summary>The KMS through the official AWS SDK for .NET over loopback: symmetric keys end to end.</summary>
public sealed class KmsSdkSymmetricTests(KmsServerFixture kms) : IClassFixture<KmsServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_symmetric_key_lives_its_whole_lifecycle_through_the_sdk()
    {
        var created = (await kms.Alice.CreateKeyAsync(new CreateKeyRequest { Description = "sdk", Tags = [new Tag { TagKey = "team", TagValue = "a" }] }, Ct)).KeyMetadata;
        Assert.Equal(KeySpec.SYMMETRIC_DEFAULT, created.KeySpec);
        Assert.Equal(KeyUsageType.ENCRYPT_DECRYPT, created.KeyUsage);
        Assert.Equal($"arn:aws:kms:us-east-1:000000000000:key/{created.KeyId}", created.Arn);
        Assert.True(created.Enabled);

        var context = new Dictionary<string, string> { ["app"] = "billing" };
        var encrypted = await kms.Alice.EncryptAsync(new EncryptRequest { KeyId = created.Arn, Plaintext = new MemoryStream("hello"u8.ToArray()), EncryptionContext = context }, Ct);
        var decrypted = await kms.Alice.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob, EncryptionContext = context }, Ct);
        Assert.Equal("hello"u8.ToArray(), decrypted.Plaintext.ToArray());
        Assert.Equal(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT, decrypted.EncryptionAlgorithm);

        await kms.Alice.UpdateKeyDescriptionAsync(new UpdateKeyDescriptionRequest { KeyId = created.KeyId, Description = "renamed" }, Ct);
        await kms.Alice.DisableKeyAsync(new DisableKeyRequest { KeyId = created.KeyId }, Ct);
        await Assert.ThrowsAsync<DisabledException>(() => kms.Alice.EncryptAsync(new EncryptRequest { KeyId = created.KeyId, Plaintext = new MemoryStream([1]) }, Ct));
        await kms.Alice.EnableKeyAsync(new EnableKeyRequest { KeyId = created.KeyId }, Ct);

        var scheduled = await kms.Alice.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = created.KeyId, PendingWindowInDays = 7 }, Ct);
        Assert.Equal(KeyState.PendingDeletion, scheduled.KeyState);
        Assert.True(scheduled.DeletionDate > DateTime.UtcNow.AddDays(6.9));
        await Assert.ThrowsAsync<KMSInvalidStateException>(() => kms.Alice.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(encrypted.CiphertextBlob.ToArray()), EncryptionContext = context }, Ct));
        await kms.Alice.CancelKeyDeletionAsync(new CancelKeyDeletionRequest { KeyId = created.KeyId }, Ct);

        var described = (await kms.Alice.DescribeKeyAsync(new DescribeKeyRequest { KeyId = created.KeyId }, Ct)).KeyMetadata;
        Assert.Equal(KeyState.Disabled, described.KeyState);
        Assert.Equal("renamed", described.Description);
        Assert.Equal(created.CreationDate, described.CreationDate);
    }

    [Fact]
    public async Task A_wrong_encryption_context_or_altered_ciphertext_is_InvalidCiphertextException()
    {
        var key = (await kms.Alice.CreateKeyAsync(new CreateKeyRequest(), Ct)).KeyMetadata.KeyId;
        var blob = (await kms.Alice.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream([7]), EncryptionContext = new() { ["a"] = "1" } }, Ct)).CiphertextBlob.ToArray();

        await Assert.ThrowsAsync<InvalidCiphertextException>(() => kms.Alice.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = new() { ["a"] = "2" } }, Ct));
        await Assert.ThrowsAsync<InvalidCiphertextException>(() => kms.Alice.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }, Ct));
        blob[^1] ^= 1;
        await Assert.ThrowsAsync<InvalidCiphertextException>(() => kms.Alice.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = new() { ["a"] = "1" } }, Ct));
    }

    [Fact]
    public async Task Data_keys_reencryption_and_random_bytes_work_through_the_sdk()
    {
        var a = (await kms.Alice.CreateKeyAsync(new CreateKeyRequest(), Ct)).KeyMetadata.KeyId;
        var b = (await kms.Alice.CreateKeyAsync(new CreateKeyRequest(), Ct)).KeyMetadata.KeyId;

        var dataKey = await kms.Alice.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = a, KeySpec = DataKeySpec.AES_256 }, Ct);
        var moved = await kms.Alice.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = dataKey.CiphertextBlob, DestinationKeyId = b }, Ct);
        var decrypted = await kms.Alice.DecryptAsync(new DecryptRequest { CiphertextBlob = moved.CiphertextBlob }, Ct);
        var random = await kms.Alice.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 48 }, Ct);
        var withoutPlaintext = await kms.Alice.GenerateDataKeyWithoutPlaintextAsync(new GenerateDataKeyWithoutPlaintextRequest { KeyId = a, NumberOfBytes = 16 }, Ct);

        Assert.Equal(dataKey.Plaintext.ToArray(), decrypted.Plaintext.ToArray());
        Assert.EndsWith(b, decrypted.KeyId, StringComparison.Ordinal);
        Assert.Equal(48, random.Plaintext.Length);
        Assert.Equal(16, (await kms.Alice.DecryptAsync(new DecryptRequest { CiphertextBlob = withoutPlaintext.CiphertextBlob }, Ct)).Plaintext.Length);
    }

    [Fact]
    public async Task Another_account_gets_AccessDeniedException_for_the_key_and_its_ciphertexts()
    {
        var key = (await kms.Alice.CreateKeyAsync(new CreateKeyRequest(), Ct)).KeyMetadata;
        var blob = (await kms.Alice.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1]) }, Ct)).CiphertextBlob.ToArray();

        var decrypt = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.Mallory.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }, Ct));
        var encrypt = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.Mallory.EncryptAsync(new EncryptRequest { KeyId = key.Arn, Plaintext = new MemoryStream([1]) }, Ct));

        Assert.Equal("AccessDeniedException", decrypt.ErrorCode);
        Assert.Equal("AccessDeniedException", encrypt.ErrorCode);
        Assert.DoesNotContain(key.KeyId, (await kms.Mallory.ListKeysAsync(new ListKeysRequest(), Ct)).Keys.Select(k => k.KeyId));
    }

    [Fact]
    public async Task Bad_input_answers_the_aws_error_and_leaks_no_plaintext()
    {
        var key = (await kms.Alice.CreateKeyAsync(new CreateKeyRequest(), Ct)).KeyMetadata.KeyId;
        var secret = RandomNumberGenerator.GetBytes(4097);

        var tooLong = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.Alice.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream(secret) }, Ct));
        var missing = await Assert.ThrowsAsync<NotFoundException>(() => kms.Alice.DescribeKeyAsync(new DescribeKeyRequest { KeyId = Guid.NewGuid().ToString() }, Ct));
        var badSpec = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.Alice.CreateKeyAsync(new CreateKeyRequest { KeySpec = "AES_9000" }, Ct));

        Assert.Equal("ValidationException", tooLong.ErrorCode);
        Assert.DoesNotContain(Convert.ToBase64String(secret)[..24], tooLong.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
        Assert.Equal("ValidationException", badSpec.ErrorCode);
    }

    [Fact]
    public async Task ListKeys_pages_through_every_key_of_the_account()
    {
        var created = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await kms.Alice.CreateKeyAsync(new CreateKeyRequest(), Ct)).KeyMetadata.KeyId);
        }

        var seen = new List<string>();
        string? marker = null;
        do
        {
            var page = await kms.Alice.ListKeysAsync(new ListKeysRequest { Limit = 2, Marker = marker }, Ct);
            Assert.True(page.Keys.Count <= 2);
            seen.AddRange(page.Keys.Select(k => k.KeyId));
            marker = page.Truncated == true ? page.NextMarker : null;
        }
        while (marker is not null);

        Assert.Subset(seen.ToHashSet(), created);
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public async Task Every_call_allowed_or_denied_lands_in_a_verifying_audit_chain()
    {
        var key = (await kms.Alice.CreateKeyAsync(new CreateKeyRequest(), Ct)).KeyMetadata.KeyId;
        await Assert.ThrowsAsync<NotFoundException>(() => kms.Alice.DescribeKeyAsync(new DescribeKeyRequest { KeyId = Guid.NewGuid().ToString() }, Ct));
        await kms.Alice.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream([1]) }, Ct);

        var records = new List<AuditRecord>();
        await foreach (var record in kms.Server.Store.ReadAuditAsync(1, Ct))
        {
            records.Add(record);
        }

        Assert.True(AuditChain.Verify(records).IsValid);
        Assert.Contains(records, r => r.Entry.Action == "DescribeKey" && r.Entry.Outcome == "NotFoundException");
        var encrypt = records.Last(r => r.Entry.Action == "Encrypt" && r.Entry.KeyId == key);
        Assert.Equal(1, encrypt.Entry.KeyVersion);
        Assert.Equal("arn:aws:iam::000000000000:user/dev", encrypt.Entry.Principal);
        Assert.NotEqual(new byte[32], encrypt.Entry.RequestDigest);
    }
}

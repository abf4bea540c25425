using System.Security.Cryptography;
using System.Text;
using Conclave.Kms.Api;
using Conclave.Kms.Api.Actions;
using Conclave.Kms.Audit;

namespace Conclave.Kms.Tests.Service;

public sealed class KmsServiceSymmetricTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Encrypt_then_decrypt_returns_the_plaintext_and_names_the_key()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest { Description = "app" }, Ct)).KeyMetadata;
        var plaintext = Encoding.UTF8.GetBytes("attack at dawn");
        var context = new Dictionary<string, string> { ["purpose"] = "test", ["tenant"] = "a" };

        var encrypted = await kms.Service.EncryptAsync(KmsServiceHarness.Alice, new EncryptRequest { KeyId = key.KeyId, Plaintext = plaintext, EncryptionContext = context }, Ct);
        var decrypted = await kms.Service.DecryptAsync(KmsServiceHarness.Alice, new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob, EncryptionContext = new(context.Reverse()) }, Ct);

        Assert.Equal(plaintext, decrypted.Plaintext);
        Assert.Equal(key.Arn, decrypted.KeyId);
        Assert.Equal(key.Arn, encrypted.KeyId);
        Assert.Equal("Enabled", key.KeyState);
        Assert.Equal(["SYMMETRIC_DEFAULT"], key.EncryptionAlgorithms);
    }

    [Fact]
    public async Task A_different_encryption_context_or_an_altered_blob_is_an_invalid_ciphertext()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        var blob = (await kms.Service.EncryptAsync(KmsServiceHarness.Alice, new EncryptRequest { KeyId = key.KeyId, Plaintext = [1, 2, 3], EncryptionContext = new() { ["a"] = "1" } }, Ct)).CiphertextBlob;

        foreach (var context in new Dictionary<string, string>?[] { null, new() { ["a"] = "2" }, new() { ["a"] = "1", ["b"] = "1" } })
        {
            var error = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.DecryptAsync(KmsServiceHarness.Alice, new DecryptRequest { CiphertextBlob = blob, EncryptionContext = context }, Ct));
            Assert.Equal(KmsErrorType.InvalidCiphertext, error.ErrorType);
        }

        for (var i = 0; i < blob.Length; i += 7)
        {
            var altered = (byte[])blob.Clone();
            altered[i] ^= 0x01;
            var error = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.DecryptAsync(KmsServiceHarness.Alice, new DecryptRequest { CiphertextBlob = altered, EncryptionContext = new() { ["a"] = "1" } }, Ct));
            Assert.Contains(error.ErrorType, new[] { KmsErrorType.InvalidCiphertext, KmsErrorType.NotFound });
        }
    }

    [Fact]
    public async Task Another_accounts_key_is_access_denied_even_with_its_ciphertext()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        var blob = (await kms.Service.EncryptAsync(KmsServiceHarness.Alice, new EncryptRequest { KeyId = key.KeyId, Plaintext = [9] }, Ct)).CiphertextBlob;

        var decrypt = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.DecryptAsync(KmsServiceHarness.Mallory, new DecryptRequest { CiphertextBlob = blob }, Ct));
        var describe = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.DescribeKeyAsync(KmsServiceHarness.Mallory, new KeyIdRequest { KeyId = key.Arn }, Ct));
        var byId = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.DescribeKeyAsync(KmsServiceHarness.Mallory, new KeyIdRequest { KeyId = key.KeyId }, Ct));

        Assert.Equal(KmsErrorType.AccessDenied, decrypt.ErrorType);
        Assert.Equal(KmsErrorType.AccessDenied, describe.ErrorType);
        Assert.Equal(KmsErrorType.NotFound, byId.ErrorType); // a bare key id names a key in the caller's own account
        Assert.Empty((await kms.Service.ListKeysAsync(KmsServiceHarness.Mallory, new ListKeysRequest(null, null), Ct)).Keys);
    }

    [Fact]
    public async Task Disabled_and_pending_deletion_keys_refuse_to_work_and_cancel_restores_disabled()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        var encrypt = new EncryptRequest { KeyId = key.KeyId, Plaintext = [1] };

        await kms.Service.DisableKeyAsync(KmsServiceHarness.Alice, new KeyIdRequest { KeyId = key.KeyId }, Ct);
        Assert.Equal(KmsErrorType.Disabled, (await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.EncryptAsync(KmsServiceHarness.Alice, encrypt, Ct))).ErrorType);
        await kms.Service.EnableKeyAsync(KmsServiceHarness.Alice, new KeyIdRequest { KeyId = key.KeyId }, Ct);
        var blob = (await kms.Service.EncryptAsync(KmsServiceHarness.Alice, encrypt, Ct)).CiphertextBlob;

        var scheduled = await kms.Service.ScheduleKeyDeletionAsync(KmsServiceHarness.Alice, new ScheduleKeyDeletionRequest(key.KeyId, 7), Ct);
        Assert.Equal(kms.Time.GetUtcNow().AddDays(7), scheduled.DeletionDate);
        Assert.Equal(KmsErrorType.KmsInvalidState, (await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.DecryptAsync(KmsServiceHarness.Alice, new DecryptRequest { CiphertextBlob = blob }, Ct))).ErrorType);
        Assert.Equal(KmsErrorType.KmsInvalidState, (await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.EnableKeyAsync(KmsServiceHarness.Alice, new KeyIdRequest { KeyId = key.KeyId }, Ct))).ErrorType);

        await kms.Service.CancelKeyDeletionAsync(KmsServiceHarness.Alice, new KeyIdRequest { KeyId = key.KeyId }, Ct);
        var described = (await kms.Service.DescribeKeyAsync(KmsServiceHarness.Alice, new KeyIdRequest { KeyId = key.KeyId }, Ct)).KeyMetadata;
        Assert.Equal("Disabled", described.KeyState);
        Assert.Null(described.DeletionDate);
    }

    [Fact]
    public async Task Scheduled_deletion_destroys_the_key_when_due_and_not_before()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        var blob = (await kms.Service.EncryptAsync(KmsServiceHarness.Alice, new EncryptRequest { KeyId = key.KeyId, Plaintext = [1] }, Ct)).CiphertextBlob;
        await kms.Service.ScheduleKeyDeletionAsync(KmsServiceHarness.Alice, new ScheduleKeyDeletionRequest(key.KeyId, 7), Ct);

        kms.Time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await kms.Service.RunDueDeletionsAsync(Ct));
        kms.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await kms.Service.RunDueDeletionsAsync(Ct));

        Assert.Equal(KmsErrorType.NotFound, (await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.DescribeKeyAsync(KmsServiceHarness.Alice, new KeyIdRequest { KeyId = key.KeyId }, Ct))).ErrorType);
        Assert.Equal(KmsErrorType.NotFound, (await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.DecryptAsync(KmsServiceHarness.Alice, new DecryptRequest { CiphertextBlob = blob }, Ct))).ErrorType);
        Assert.Empty(await kms.Store.ListKeyVersionsAsync("111122223333", key.KeyId, Ct));
    }

    [Theory]
    [InlineData(6)]
    [InlineData(31)]
    public async Task A_deletion_window_outside_7_to_30_days_is_a_validation_error(int days)
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest(), Ct)).KeyMetadata;

        var error = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.ScheduleKeyDeletionAsync(KmsServiceHarness.Alice, new ScheduleKeyDeletionRequest(key.KeyId, days), Ct));

        Assert.Equal(KmsErrorType.Validation, error.ErrorType);
        Assert.Equal("Enabled", (await kms.Service.DescribeKeyAsync(KmsServiceHarness.Alice, new KeyIdRequest { KeyId = key.KeyId }, Ct)).KeyMetadata.KeyState);
    }

    [Fact]
    public async Task Data_keys_decrypt_to_the_returned_plaintext_and_the_without_plaintext_variant_returns_none()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest(), Ct)).KeyMetadata;

        var dataKey = await kms.Service.GenerateDataKeyAsync(KmsServiceHarness.Alice, new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = "AES_256" }, Ct);
        var withoutPlaintext = await kms.Service.GenerateDataKeyWithoutPlaintextAsync(KmsServiceHarness.Alice, new GenerateDataKeyRequest { KeyId = key.KeyId, NumberOfBytes = 64 }, Ct);

        Assert.Equal(32, dataKey.Plaintext!.Length);
        Assert.Equal(dataKey.Plaintext, (await kms.Service.DecryptAsync(KmsServiceHarness.Alice, new DecryptRequest { CiphertextBlob = dataKey.CiphertextBlob }, Ct)).Plaintext);
        Assert.Null(withoutPlaintext.Plaintext);
        Assert.Equal(64, (await kms.Service.DecryptAsync(KmsServiceHarness.Alice, new DecryptRequest { CiphertextBlob = withoutPlaintext.CiphertextBlob }, Ct)).Plaintext.Length);
    }

    [Fact]
    public async Task ReEncrypt_moves_a_ciphertext_to_another_key_and_context()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var a = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        var b = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        var blob = (await kms.Service.EncryptAsync(KmsServiceHarness.Alice, new EncryptRequest { KeyId = a.KeyId, Plaintext = [5, 6], EncryptionContext = new() { ["x"] = "1" } }, Ct)).CiphertextBlob;

        var moved = await kms.Service.ReEncryptAsync(KmsServiceHarness.Alice, new ReEncryptRequest { CiphertextBlob = blob, SourceEncryptionContext = new() { ["x"] = "1" }, DestinationKeyId = b.Arn, DestinationEncryptionContext = new() { ["y"] = "2" } }, Ct);

        Assert.Equal(a.Arn, moved.SourceKeyId);
        Assert.Equal(b.Arn, moved.KeyId);
        var decrypted = await kms.Service.DecryptAsync(KmsServiceHarness.Alice, new DecryptRequest { CiphertextBlob = moved.CiphertextBlob, EncryptionContext = new() { ["y"] = "2" } }, Ct);
        Assert.Equal(new byte[] { 5, 6 }, decrypted.Plaintext);
        Assert.Equal(b.Arn, decrypted.KeyId);
    }

    [Fact]
    public async Task Naming_the_wrong_key_for_a_ciphertext_is_an_incorrect_key_error()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var a = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        var b = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        var blob = (await kms.Service.EncryptAsync(KmsServiceHarness.Alice, new EncryptRequest { KeyId = a.KeyId, Plaintext = [5] }, Ct)).CiphertextBlob;

        var error = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.DecryptAsync(KmsServiceHarness.Alice, new DecryptRequest { CiphertextBlob = blob, KeyId = b.KeyId }, Ct));

        Assert.Equal(KmsErrorType.IncorrectKey, error.ErrorType);
    }

    [Fact]
    public async Task Oversized_plaintext_is_a_validation_error_and_stores_nothing_but_the_audit_record()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        var secret = RandomNumberGenerator.GetBytes(4097);

        var error = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.EncryptAsync(KmsServiceHarness.Alice, new EncryptRequest { KeyId = key.KeyId, Plaintext = secret }, Ct));

        Assert.Equal(KmsErrorType.Validation, error.ErrorType);
        Assert.DoesNotContain(Convert.ToBase64String(secret)[..16], error.Message, StringComparison.Ordinal);
        var records = new List<AuditRecord>();
        await foreach (var record in kms.Store.ReadAuditAsync(1, Ct))
        {
            records.Add(record);
        }

        Assert.True(AuditChain.Verify(records).IsValid);
        Assert.Equal(["conclave:CreateTenantKey", "CreateKey", "Encrypt"], records.Select(r => r.Entry.Action));
        Assert.Equal(KmsErrorType.Validation, records[^1].Entry.Outcome);
    }

    [Fact]
    public async Task Unsupported_key_specs_and_bad_usages_create_nothing()
    {
        await using var kms = await KmsServiceHarness.StartAsync();

        await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest { KeySpec = "NOPE" }, Ct));
        await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest { KeyUsage = "SIGN_VERIFY" }, Ct));

        Assert.Empty((await kms.Service.ListKeysAsync(KmsServiceHarness.Alice, new ListKeysRequest(null, null), Ct)).Keys);
    }

    [Fact]
    public async Task ListKeys_pages_with_an_opaque_marker_and_rejects_a_foreign_one()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest(), Ct)).KeyMetadata.KeyId);
        }

        var first = await kms.Service.ListKeysAsync(KmsServiceHarness.Alice, new ListKeysRequest(2, null), Ct);
        var rest = await kms.Service.ListKeysAsync(KmsServiceHarness.Alice, new ListKeysRequest(10, first.NextMarker), Ct);

        Assert.True(first.Truncated);
        Assert.False(rest.Truncated);
        Assert.Equal(created.Order(StringComparer.Ordinal), first.Keys.Concat(rest.Keys).Select(k => k.KeyId));
        Assert.Equal(KmsErrorType.InvalidMarker, (await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.ListKeysAsync(KmsServiceHarness.Alice, new ListKeysRequest(2, "garbage"), Ct))).ErrorType);
    }
}

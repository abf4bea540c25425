using Conclave.Kms.Api;
using Conclave.Kms.Api.Actions;
using Conclave.Kms.Envelope;

namespace Conclave.Kms.Tests.Service;

public sealed class KmsServiceRotationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static KmsCallContext Alice => KmsServiceHarness.Alice;

    [Theory]
    [InlineData(89)]
    [InlineData(2561)]
    [InlineData(0)]
    public async Task A_rotation_period_outside_90_to_2560_days_is_a_validation_error(int days)
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateKeyAsync(kms);

        var error = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.EnableKeyRotationAsync(Alice, new EnableKeyRotationRequest(key.KeyId, days), Ct));

        Assert.Equal(KmsErrorType.Validation, error.ErrorType);
        Assert.False((await StatusAsync(kms, key.KeyId)).KeyRotationEnabled);
    }

    [Fact]
    public async Task Rotation_status_reflects_enable_and_disable()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateKeyAsync(kms);
        var now = kms.Time.GetUtcNow();

        var initial = await StatusAsync(kms, key.KeyId);
        await kms.Service.EnableKeyRotationAsync(Alice, new EnableKeyRotationRequest(key.KeyId, null), Ct);
        var byDefault = await StatusAsync(kms, key.Arn);
        await kms.Service.EnableKeyRotationAsync(Alice, new EnableKeyRotationRequest(key.Arn, 90), Ct);
        var shorter = await StatusAsync(kms, key.KeyId);
        await kms.Service.DisableKeyRotationAsync(Alice, new KeyIdRequest { KeyId = key.KeyId }, Ct);
        var disabled = await StatusAsync(kms, key.KeyId);

        Assert.Equal(new GetKeyRotationStatusResponse { KeyRotationEnabled = false, KeyId = key.Arn }, initial);
        Assert.Equal(new GetKeyRotationStatusResponse { KeyRotationEnabled = true, KeyId = key.Arn, RotationPeriodInDays = 365, NextRotationDate = now.AddDays(365) }, byDefault);
        Assert.Equal(new GetKeyRotationStatusResponse { KeyRotationEnabled = true, KeyId = key.Arn, RotationPeriodInDays = 90, NextRotationDate = now.AddDays(90) }, shorter);
        Assert.Equal(new GetKeyRotationStatusResponse { KeyRotationEnabled = false, KeyId = key.Arn }, disabled);
    }

    [Fact]
    public async Task After_an_on_demand_rotation_encrypt_uses_version_2_and_old_ciphertext_still_decrypts()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateKeyAsync(kms);
        var before = (await kms.Service.EncryptAsync(Alice, new EncryptRequest { KeyId = key.KeyId, Plaintext = [1, 2, 3] }, Ct)).CiphertextBlob;
        kms.Time.Advance(TimeSpan.FromHours(1));

        var rotated = await kms.Service.RotateKeyOnDemandAsync(Alice, new KeyIdRequest { KeyId = key.Arn }, Ct);
        var after = (await kms.Service.EncryptAsync(Alice, new EncryptRequest { KeyId = key.KeyId, Plaintext = [4, 5] }, Ct)).CiphertextBlob;

        Assert.Equal(key.KeyId, rotated.KeyId);
        Assert.Equal(1, CiphertextBlob.ReadHeader(before).Version);
        Assert.Equal(2, CiphertextBlob.ReadHeader(after).Version);
        Assert.Equal([1, 2, 3], (await kms.Service.DecryptAsync(Alice, new DecryptRequest { CiphertextBlob = before }, Ct)).Plaintext);
        Assert.Equal([4, 5], (await kms.Service.DecryptAsync(Alice, new DecryptRequest { CiphertextBlob = after }, Ct)).Plaintext);
        var rotation = Assert.Single((await kms.Service.ListKeyRotationsAsync(Alice, new ListKeyRotationsRequest(key.KeyId, null, null), Ct)).Rotations);
        Assert.Equal(new RotationsListEntry(key.KeyId, kms.Time.GetUtcNow(), "ON_DEMAND"), rotation);
        Assert.False((await StatusAsync(kms, key.KeyId)).KeyRotationEnabled);
    }

    [Fact]
    public async Task Automatic_rotation_happens_only_once_the_period_has_passed_and_repeats()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateKeyAsync(kms);
        await kms.Service.EnableKeyRotationAsync(Alice, new EnableKeyRotationRequest(key.KeyId, 90), Ct);
        var v1 = (await kms.Service.EncryptAsync(Alice, new EncryptRequest { KeyId = key.KeyId, Plaintext = [1] }, Ct)).CiphertextBlob;

        kms.Time.Advance(TimeSpan.FromDays(90) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await kms.Service.RunDueRotationsAsync(Ct));
        Assert.Empty(await RotationsAsync(kms, key.KeyId));

        kms.Time.Advance(TimeSpan.FromSeconds(1));
        var firstRotation = kms.Time.GetUtcNow();
        Assert.Equal(1, await kms.Service.RunDueRotationsAsync(Ct));
        Assert.Equal(0, await kms.Service.RunDueRotationsAsync(Ct));
        Assert.Equal(firstRotation.AddDays(90), (await StatusAsync(kms, key.KeyId)).NextRotationDate);
        var v2 = (await kms.Service.EncryptAsync(Alice, new EncryptRequest { KeyId = key.KeyId, Plaintext = [2] }, Ct)).CiphertextBlob;

        kms.Time.Advance(TimeSpan.FromDays(90));
        Assert.Equal(1, await kms.Service.RunDueRotationsAsync(Ct));
        var v3 = (await kms.Service.EncryptAsync(Alice, new EncryptRequest { KeyId = key.KeyId, Plaintext = [3] }, Ct)).CiphertextBlob;

        Assert.Equal([2, 3], new[] { v2, v3 }.Select(b => CiphertextBlob.ReadHeader(b).Version));
        Assert.Equal(
            [new RotationsListEntry(key.KeyId, firstRotation, "AUTOMATIC"), new RotationsListEntry(key.KeyId, firstRotation.AddDays(90), "AUTOMATIC")],
            await RotationsAsync(kms, key.KeyId));
        foreach (var (blob, plaintext) in new[] { (v1, (byte)1), (v2, (byte)2), (v3, (byte)3) })
        {
            Assert.Equal([plaintext], (await kms.Service.DecryptAsync(Alice, new DecryptRequest { CiphertextBlob = blob }, Ct)).Plaintext);
        }

        var audit = new List<Audit.AuditRecord>();
        await foreach (var record in kms.Store.ReadAuditAsync(cancellationToken: Ct))
        {
            audit.Add(record);
        }

        Assert.Equal(2, audit.Count(r => r.Entry.Action == "conclave:RotateKey" && r.Entry.Principal == "conclave:system" && r.Entry.KeyId == key.KeyId));
    }

    [Fact]
    public async Task A_disabled_key_is_not_rotated_until_it_is_enabled_again()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateKeyAsync(kms);
        var start = kms.Time.GetUtcNow();
        await kms.Service.EnableKeyRotationAsync(Alice, new EnableKeyRotationRequest(key.KeyId, 90), Ct);
        await kms.Service.DisableKeyAsync(Alice, new KeyIdRequest { KeyId = key.KeyId }, Ct);

        kms.Time.Advance(TimeSpan.FromDays(100));
        Assert.Equal(0, await kms.Service.RunDueRotationsAsync(Ct));
        await kms.Service.EnableKeyAsync(Alice, new KeyIdRequest { KeyId = key.KeyId }, Ct);
        Assert.Equal(1, await kms.Service.RunDueRotationsAsync(Ct));

        Assert.Single(await RotationsAsync(kms, key.KeyId));
        Assert.Equal(start.AddDays(180), (await StatusAsync(kms, key.KeyId)).NextRotationDate); // the schedule keeps its cadence
    }

    [Fact]
    public async Task The_eleventh_on_demand_rotation_is_limit_exceeded()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateKeyAsync(kms);
        for (var i = 0; i < 10; i++)
        {
            await kms.Service.RotateKeyOnDemandAsync(Alice, new KeyIdRequest { KeyId = key.KeyId }, Ct);
        }

        var error = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.RotateKeyOnDemandAsync(Alice, new KeyIdRequest { KeyId = key.KeyId }, Ct));

        Assert.Equal(KmsErrorType.LimitExceeded, error.ErrorType);
        var blob = (await kms.Service.EncryptAsync(Alice, new EncryptRequest { KeyId = key.KeyId, Plaintext = [1] }, Ct)).CiphertextBlob;
        Assert.Equal(11, CiphertextBlob.ReadHeader(blob).Version);
    }

    [Fact]
    public async Task ListKeyRotations_pages_with_a_marker()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateKeyAsync(kms);
        for (var i = 0; i < 5; i++)
        {
            kms.Time.Advance(TimeSpan.FromMinutes(1));
            await kms.Service.RotateKeyOnDemandAsync(Alice, new KeyIdRequest { KeyId = key.KeyId }, Ct);
        }

        var dates = new List<DateTimeOffset>();
        string? marker = null;
        do
        {
            var page = await kms.Service.ListKeyRotationsAsync(Alice, new ListKeyRotationsRequest(key.KeyId, 2, marker), Ct);
            Assert.Equal(page.NextMarker is not null, page.Truncated);
            dates.AddRange(page.Rotations.Select(r => r.RotationDate));
            marker = page.NextMarker;
        }
        while (marker is not null);

        Assert.Equal(5, dates.Count);
        Assert.Equal(dates.Order(), dates);
        var badMarker = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.ListKeyRotationsAsync(Alice, new ListKeyRotationsRequest(key.KeyId, null, "Zm9v"), Ct));
        Assert.Equal(KmsErrorType.InvalidMarker, badMarker.ErrorType);
    }

    [Theory]
    [InlineData("ECC_NIST_P256", "SIGN_VERIFY")]
    [InlineData("RSA_2048", "ENCRYPT_DECRYPT")]
    [InlineData("HMAC_256", "GENERATE_VERIFY_MAC")]
    public async Task Keys_other_than_symmetric_encryption_keys_do_not_rotate(string keySpec, string keyUsage)
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = (await kms.Service.CreateKeyAsync(Alice, new CreateKeyRequest { KeySpec = keySpec, KeyUsage = keyUsage }, Ct)).KeyMetadata;

        var enable = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.EnableKeyRotationAsync(Alice, new EnableKeyRotationRequest(key.KeyId, null), Ct));
        var onDemand = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.RotateKeyOnDemandAsync(Alice, new KeyIdRequest { KeyId = key.KeyId }, Ct));

        Assert.Equal(KmsErrorType.UnsupportedOperation, enable.ErrorType);
        Assert.Equal(KmsErrorType.UnsupportedOperation, onDemand.ErrorType);
    }

    [Fact]
    public async Task Disabled_and_pending_deletion_keys_refuse_rotation_changes()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var disabled = await CreateKeyAsync(kms);
        await kms.Service.DisableKeyAsync(Alice, new KeyIdRequest { KeyId = disabled.KeyId }, Ct);
        var pending = await CreateKeyAsync(kms);
        await kms.Service.ScheduleKeyDeletionAsync(Alice, new ScheduleKeyDeletionRequest(pending.KeyId, 7), Ct);

        var enableDisabled = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.EnableKeyRotationAsync(Alice, new EnableKeyRotationRequest(disabled.KeyId, null), Ct));
        var rotateDisabled = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.RotateKeyOnDemandAsync(Alice, new KeyIdRequest { KeyId = disabled.KeyId }, Ct));
        var enablePending = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.EnableKeyRotationAsync(Alice, new EnableKeyRotationRequest(pending.KeyId, null), Ct));

        Assert.Equal(KmsErrorType.Disabled, enableDisabled.ErrorType);
        Assert.Equal(KmsErrorType.Disabled, rotateDisabled.ErrorType);
        Assert.Equal(KmsErrorType.KmsInvalidState, enablePending.ErrorType);
        Assert.False((await StatusAsync(kms, disabled.KeyId)).KeyRotationEnabled);
    }

    [Fact]
    public async Task Rotation_actions_take_a_key_id_or_arn_of_the_callers_account()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateKeyAsync(kms);
        await kms.Service.CreateAliasAsync(Alice, new AliasRequest("alias/rotating", key.KeyId), Ct);

        var viaAlias = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.RotateKeyOnDemandAsync(Alice, new KeyIdRequest { KeyId = "alias/rotating" }, Ct));
        var mallory = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.RotateKeyOnDemandAsync(KmsServiceHarness.Mallory, new KeyIdRequest { KeyId = key.Arn }, Ct));

        Assert.Equal(KmsErrorType.NotFound, viaAlias.ErrorType);
        Assert.Equal(KmsErrorType.AccessDenied, mallory.ErrorType);
        Assert.Empty(await RotationsAsync(kms, key.KeyId));
    }

    private static async Task<KeyMetadata> CreateKeyAsync(KmsServiceHarness kms) =>
        (await kms.Service.CreateKeyAsync(Alice, new CreateKeyRequest(), Ct)).KeyMetadata;

    private static async Task<GetKeyRotationStatusResponse> StatusAsync(KmsServiceHarness kms, string keyId) =>
        await kms.Service.GetKeyRotationStatusAsync(Alice, new KeyIdRequest { KeyId = keyId }, Ct);

    private static async Task<List<RotationsListEntry>> RotationsAsync(KmsServiceHarness kms, string keyId) =>
        (await kms.Service.ListKeyRotationsAsync(Alice, new ListKeyRotationsRequest(keyId, null, null), Ct)).Rotations.ToList();
}

using Conclave.Kms.Api;
using Conclave.Kms.Api.Actions;

namespace Conclave.Kms.Tests.Service;

public sealed class KmsServiceAliasTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static KmsCallContext Alice => KmsServiceHarness.Alice;

    [Fact]
    public async Task An_alias_name_and_alias_arn_work_wherever_a_key_id_does()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateKeyAsync(kms);
        await kms.Service.CreateAliasAsync(Alice, new AliasRequest("alias/app/orders", key.KeyId), Ct);
        var aliasArn = "arn:aws:kms:us-east-1:111122223333:alias/app/orders";

        var byName = await kms.Service.EncryptAsync(Alice, new EncryptRequest { KeyId = "alias/app/orders", Plaintext = [1, 2] }, Ct);
        var byArn = await kms.Service.EncryptAsync(Alice, new EncryptRequest { KeyId = aliasArn, Plaintext = [3] }, Ct);
        var described = (await kms.Service.DescribeKeyAsync(Alice, new KeyIdRequest { KeyId = aliasArn }, Ct)).KeyMetadata;
        var decrypted = await kms.Service.DecryptAsync(Alice, new DecryptRequest { CiphertextBlob = byName.CiphertextBlob, KeyId = "alias/app/orders" }, Ct);

        Assert.Equal(key.Arn, byName.KeyId);
        Assert.Equal(key.Arn, byArn.KeyId);
        Assert.Equal(key.KeyId, described.KeyId);
        Assert.Equal([1, 2], decrypted.Plaintext);
        var listed = Assert.Single((await kms.Service.ListAliasesAsync(Alice, new ListAliasesRequest(null, null, null), Ct)).Aliases);
        Assert.Equal(new AliasListEntry("alias/app/orders", aliasArn, key.KeyId, kms.Time.GetUtcNow(), kms.Time.GetUtcNow()), listed);
    }

    [Fact]
    public async Task Creating_an_alias_that_exists_is_already_exists()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateKeyAsync(kms);
        var other = await CreateKeyAsync(kms);
        await kms.Service.CreateAliasAsync(Alice, new AliasRequest("alias/dup", key.KeyId), Ct);

        var error = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.CreateAliasAsync(Alice, new AliasRequest("alias/dup", other.Arn), Ct));

        Assert.Equal(KmsErrorType.AlreadyExists, error.ErrorType);
    }

    [Theory]
    [InlineData("orders", KmsErrorType.Validation)]
    [InlineData("alias/", KmsErrorType.Validation)]
    [InlineData("alias/has space", KmsErrorType.Validation)]
    [InlineData("alias/na:me", KmsErrorType.Validation)]
    [InlineData("alias/é", KmsErrorType.Validation)]
    [InlineData("", KmsErrorType.Validation)]
    [InlineData("alias/aws/s3", KmsErrorType.InvalidAliasName)]
    public async Task A_bad_alias_name_is_refused_with_awss_error_type(string name, string errorType)
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateKeyAsync(kms);

        var error = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.CreateAliasAsync(Alice, new AliasRequest(name, key.KeyId), Ct));

        Assert.Equal(errorType, error.ErrorType);
    }

    [Fact]
    public async Task An_alias_name_longer_than_256_characters_is_a_validation_error()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateKeyAsync(kms);
        await kms.Service.CreateAliasAsync(Alice, new AliasRequest("alias/" + new string('a', 250), key.KeyId), Ct);

        var error = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.CreateAliasAsync(Alice, new AliasRequest("alias/" + new string('a', 251), key.KeyId), Ct));

        Assert.Equal(KmsErrorType.Validation, error.ErrorType);
    }

    [Fact]
    public async Task An_alias_targets_a_key_id_or_arn_not_another_alias_nor_a_key_pending_deletion()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateKeyAsync(kms);
        await kms.Service.CreateAliasAsync(Alice, new AliasRequest("alias/first", key.Arn), Ct);
        var doomed = await CreateKeyAsync(kms);
        await kms.Service.ScheduleKeyDeletionAsync(Alice, new ScheduleKeyDeletionRequest(doomed.KeyId, 7), Ct);

        var viaAlias = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.CreateAliasAsync(Alice, new AliasRequest("alias/second", "alias/first"), Ct));
        var pending = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.CreateAliasAsync(Alice, new AliasRequest("alias/second", doomed.KeyId), Ct));
        var missing = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.CreateAliasAsync(Alice, new AliasRequest("alias/second", Guid.NewGuid().ToString()), Ct));

        Assert.Equal(KmsErrorType.NotFound, viaAlias.ErrorType);
        Assert.Equal(KmsErrorType.KmsInvalidState, pending.ErrorType);
        Assert.Equal(KmsErrorType.NotFound, missing.ErrorType);
    }

    [Fact]
    public async Task UpdateAlias_moves_the_alias_to_a_key_of_the_same_type_and_usage_only()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var first = await CreateKeyAsync(kms);
        var second = await CreateKeyAsync(kms);
        var signing = (await kms.Service.CreateKeyAsync(Alice, new CreateKeyRequest { KeySpec = "ECC_NIST_P256", KeyUsage = "SIGN_VERIFY" }, Ct)).KeyMetadata;
        await kms.Service.CreateAliasAsync(Alice, new AliasRequest("alias/app", first.KeyId), Ct);
        kms.Time.Advance(TimeSpan.FromMinutes(5));

        await kms.Service.UpdateAliasAsync(Alice, new AliasRequest("alias/app", second.Arn), Ct);
        var error = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.UpdateAliasAsync(Alice, new AliasRequest("alias/app", signing.KeyId), Ct));

        Assert.Equal(KmsErrorType.Validation, error.ErrorType);
        Assert.Equal(second.KeyId, (await kms.Service.DescribeKeyAsync(Alice, new KeyIdRequest { KeyId = "alias/app" }, Ct)).KeyMetadata.KeyId);
        var entry = Assert.Single((await kms.Service.ListAliasesAsync(Alice, new ListAliasesRequest(null, null, null), Ct)).Aliases);
        Assert.Equal(entry.CreationDate.AddMinutes(5), entry.LastUpdatedDate);
    }

    [Fact]
    public async Task UpdateAlias_refuses_a_key_of_the_same_spec_but_another_usage()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var encrypting = (await kms.Service.CreateKeyAsync(Alice, new CreateKeyRequest { KeySpec = "RSA_2048", KeyUsage = "ENCRYPT_DECRYPT" }, Ct)).KeyMetadata;
        var signing = (await kms.Service.CreateKeyAsync(Alice, new CreateKeyRequest { KeySpec = "RSA_2048", KeyUsage = "SIGN_VERIFY" }, Ct)).KeyMetadata;
        await kms.Service.CreateAliasAsync(Alice, new AliasRequest("alias/rsa", encrypting.KeyId), Ct);

        var error = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.UpdateAliasAsync(Alice, new AliasRequest("alias/rsa", signing.KeyId), Ct));

        Assert.Equal(KmsErrorType.Validation, error.ErrorType);
    }

    [Fact]
    public async Task A_deleted_alias_is_not_found_and_its_key_lives_on()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateKeyAsync(kms);
        await kms.Service.CreateAliasAsync(Alice, new AliasRequest("alias/gone", key.KeyId), Ct);

        await kms.Service.DeleteAliasAsync(Alice, new DeleteAliasRequest("alias/gone"), Ct);

        var use = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.EncryptAsync(Alice, new EncryptRequest { KeyId = "alias/gone", Plaintext = [1] }, Ct));
        var again = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.DeleteAliasAsync(Alice, new DeleteAliasRequest("alias/gone"), Ct));
        var update = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.UpdateAliasAsync(Alice, new AliasRequest("alias/gone", key.KeyId), Ct));
        Assert.Equal(KmsErrorType.NotFound, use.ErrorType);
        Assert.Equal(KmsErrorType.NotFound, again.ErrorType);
        Assert.Equal(KmsErrorType.NotFound, update.ErrorType);
        Assert.Equal(key.KeyId, (await kms.Service.DescribeKeyAsync(Alice, new KeyIdRequest { KeyId = key.KeyId }, Ct)).KeyMetadata.KeyId);
    }

    [Fact]
    public async Task ListAliases_filters_by_key_and_pages_with_a_marker()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateKeyAsync(kms);
        var other = await CreateKeyAsync(kms);
        foreach (var name in new[] { "alias/e", "alias/a", "alias/c", "alias/b", "alias/d" })
        {
            await kms.Service.CreateAliasAsync(Alice, new AliasRequest(name, key.KeyId), Ct);
        }

        await kms.Service.CreateAliasAsync(Alice, new AliasRequest("alias/other", other.KeyId), Ct);

        var names = new List<string>();
        string? marker = null;
        var pages = 0;
        do
        {
            var page = await kms.Service.ListAliasesAsync(Alice, new ListAliasesRequest(key.Arn, 2, marker), Ct);
            Assert.Equal(page.NextMarker is not null, page.Truncated);
            names.AddRange(page.Aliases.Select(a => a.AliasName));
            Assert.All(page.Aliases, a => Assert.Equal(key.KeyId, a.TargetKeyId));
            marker = page.NextMarker;
            pages++;
        }
        while (marker is not null);

        Assert.Equal(["alias/a", "alias/b", "alias/c", "alias/d", "alias/e"], names);
        Assert.Equal(3, pages);
        Assert.Equal(6, (await kms.Service.ListAliasesAsync(Alice, new ListAliasesRequest(null, null, null), Ct)).Aliases.Count);
        var badMarker = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.ListAliasesAsync(Alice, new ListAliasesRequest(null, null, "bm90LW91cnM"), Ct));
        var badLimit = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.ListAliasesAsync(Alice, new ListAliasesRequest(null, 101, null), Ct));
        Assert.Equal(KmsErrorType.InvalidMarker, badMarker.ErrorType);
        Assert.Equal(KmsErrorType.Validation, badLimit.ErrorType);
    }

    [Fact]
    public async Task Another_account_can_neither_see_nor_use_nor_change_an_alias()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateKeyAsync(kms);
        await kms.Service.CreateAliasAsync(Alice, new AliasRequest("alias/secret", key.KeyId), Ct);
        var mallory = KmsServiceHarness.Mallory;

        var byName = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.EncryptAsync(mallory, new EncryptRequest { KeyId = "alias/secret", Plaintext = [1] }, Ct));
        var byArn = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.EncryptAsync(mallory, new EncryptRequest { KeyId = "arn:aws:kms:us-east-1:111122223333:alias/secret", Plaintext = [1] }, Ct));
        var delete = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.DeleteAliasAsync(mallory, new DeleteAliasRequest("alias/secret"), Ct));
        var pointAtAlices = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.CreateAliasAsync(mallory, new AliasRequest("alias/mine", key.Arn), Ct));
        var filter = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.ListAliasesAsync(mallory, new ListAliasesRequest(key.Arn, null, null), Ct));

        Assert.Equal(KmsErrorType.NotFound, byName.ErrorType);
        Assert.Equal(KmsErrorType.AccessDenied, byArn.ErrorType);
        Assert.Equal(KmsErrorType.NotFound, delete.ErrorType);
        Assert.Equal(KmsErrorType.AccessDenied, pointAtAlices.ErrorType);
        Assert.Equal(KmsErrorType.AccessDenied, filter.ErrorType);
        Assert.Empty((await kms.Service.ListAliasesAsync(mallory, new ListAliasesRequest(null, null, null), Ct)).Aliases);
        Assert.Single((await kms.Service.ListAliasesAsync(Alice, new ListAliasesRequest(null, null, null), Ct)).Aliases);
    }

    [Fact]
    public async Task Deleting_a_key_deletes_its_aliases()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateKeyAsync(kms);
        await kms.Service.CreateAliasAsync(Alice, new AliasRequest("alias/short-lived", key.KeyId), Ct);
        await kms.Service.ScheduleKeyDeletionAsync(Alice, new ScheduleKeyDeletionRequest(key.KeyId, 7), Ct);
        kms.Time.Advance(TimeSpan.FromDays(7));

        Assert.Equal(1, await kms.Service.RunDueDeletionsAsync(Ct));

        Assert.Empty((await kms.Service.ListAliasesAsync(Alice, new ListAliasesRequest(null, null, null), Ct)).Aliases);
    }

    private static async Task<KeyMetadata> CreateKeyAsync(KmsServiceHarness kms) =>
        (await kms.Service.CreateKeyAsync(Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
}

using System.Diagnostics;
using Conclave.Kms.Api;
using Conclave.Kms.Api.Actions;
using Conclave.Kms.Service;

namespace Conclave.Kms.Tests.Service;

/// <summary>
/// The service caches key metadata (<see cref="KmsService.DefaultKeyMetadataMaxStaleness"/>): its own
/// writes must apply to the very next call, and another process's writes within the bound.
/// </summary>
public sealed class KmsServiceKeyCacheTests
{
    private const string RootStatement = """{"Sid":"root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(string KeyId, byte[] Blob)> WarmKeyAsync(KmsService service)
    {
        var key = (await service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        var blob = (await service.EncryptAsync(KmsServiceHarness.Alice, new EncryptRequest { KeyId = key.KeyId, Plaintext = [1, 2, 3] }, Ct)).CiphertextBlob;
        await service.DecryptAsync(KmsServiceHarness.Alice, new DecryptRequest { CiphertextBlob = blob, KeyId = key.KeyId }, Ct);
        return (key.KeyId, blob);
    }

    private static async Task<string> FailsAsync(Func<Task> call) => (await Assert.ThrowsAsync<KmsException>(call)).ErrorType;

    [Fact]
    public async Task DisableKey_stops_Encrypt_and_Decrypt_on_the_next_call()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var (keyId, blob) = await WarmKeyAsync(kms.Service);

        await kms.Service.DisableKeyAsync(KmsServiceHarness.Alice, new KeyIdRequest { KeyId = keyId }, Ct);

        Assert.Equal(KmsErrorType.Disabled, await FailsAsync(async () => await kms.Service.EncryptAsync(KmsServiceHarness.Alice, new EncryptRequest { KeyId = keyId, Plaintext = [1] }, Ct)));
        Assert.Equal(KmsErrorType.Disabled, await FailsAsync(async () => await kms.Service.DecryptAsync(KmsServiceHarness.Alice, new DecryptRequest { CiphertextBlob = blob }, Ct)));
        Assert.Equal(KmsErrorType.Disabled, await FailsAsync(async () => await kms.Service.DecryptAsync(KmsServiceHarness.Alice, new DecryptRequest { CiphertextBlob = blob, KeyId = keyId }, Ct)));

        await kms.Service.EnableKeyAsync(KmsServiceHarness.Alice, new KeyIdRequest { KeyId = keyId }, Ct);
        await kms.Service.EncryptAsync(KmsServiceHarness.Alice, new EncryptRequest { KeyId = keyId, Plaintext = [1] }, Ct);
    }

    [Fact]
    public async Task ScheduleKeyDeletion_stops_Decrypt_on_the_next_call()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var (keyId, blob) = await WarmKeyAsync(kms.Service);

        await kms.Service.ScheduleKeyDeletionAsync(KmsServiceHarness.Alice, new ScheduleKeyDeletionRequest(keyId, 7), Ct);

        Assert.Equal(KmsErrorType.KmsInvalidState, await FailsAsync(async () => await kms.Service.DecryptAsync(KmsServiceHarness.Alice, new DecryptRequest { CiphertextBlob = blob }, Ct)));
    }

    [Fact]
    public async Task A_deny_put_by_PutKeyPolicy_applies_to_the_next_call()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var (keyId, blob) = await WarmKeyAsync(kms.Service);
        var deny = $$"""{"Version":"2012-10-17","Statement":[{{RootStatement}},{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":["kms:Encrypt","kms:Decrypt"],"Resource":"*"}]}""";

        await kms.Service.PutKeyPolicyAsync(KmsServiceHarness.Alice, new PutKeyPolicyRequest { KeyId = keyId, Policy = deny }, Ct);

        Assert.Equal(KmsErrorType.AccessDenied, await FailsAsync(async () => await kms.Service.EncryptAsync(KmsServiceHarness.Alice, new EncryptRequest { KeyId = keyId, Plaintext = [1] }, Ct)));
        Assert.Equal(KmsErrorType.AccessDenied, await FailsAsync(async () => await kms.Service.DecryptAsync(KmsServiceHarness.Alice, new DecryptRequest { CiphertextBlob = blob }, Ct)));
    }

    [Fact]
    public async Task An_alias_moved_by_UpdateAlias_resolves_to_the_new_key_on_the_next_call()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var (first, _) = await WarmKeyAsync(kms.Service);
        var (second, _) = await WarmKeyAsync(kms.Service);
        await kms.Service.CreateAliasAsync(KmsServiceHarness.Alice, new AliasRequest("alias/app", first), Ct);
        var before = await kms.Service.EncryptAsync(KmsServiceHarness.Alice, new EncryptRequest { KeyId = "alias/app", Plaintext = [1] }, Ct);

        await kms.Service.UpdateAliasAsync(KmsServiceHarness.Alice, new AliasRequest("alias/app", second), Ct);
        var after = await kms.Service.EncryptAsync(KmsServiceHarness.Alice, new EncryptRequest { KeyId = "alias/app", Plaintext = [1] }, Ct);

        Assert.EndsWith(first, before.KeyId, StringComparison.Ordinal);
        Assert.EndsWith(second, after.KeyId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisableKey_by_another_service_on_the_same_store_applies_within_the_staleness_bound()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var bound = KmsService.DefaultKeyMetadataMaxStaleness;
        var other = kms.SecondService(bound);
        var (keyId, _) = await WarmKeyAsync(kms.Service);

        await other.DisableKeyAsync(KmsServiceHarness.Alice, new KeyIdRequest { KeyId = keyId }, Ct);
        var disabledAt = Stopwatch.GetTimestamp();
        string? error = null;
        while (error is null)
        {
            try
            {
                await kms.Service.EncryptAsync(KmsServiceHarness.Alice, new EncryptRequest { KeyId = keyId, Plaintext = [1] }, Ct);
                Assert.True(Stopwatch.GetElapsedTime(disabledAt) <= bound, $"The first service still encrypted {Stopwatch.GetElapsedTime(disabledAt)} after the other disabled the key.");
                await Task.Delay(50, Ct);
            }
            catch (KmsException e)
            {
                error = e.ErrorType;
            }
        }

        Assert.Equal(KmsErrorType.Disabled, error);
    }

    [Fact]
    public async Task With_a_zero_bound_another_service_s_DisableKey_applies_at_once()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var uncached = kms.SecondService(TimeSpan.Zero);
        var (keyId, _) = await WarmKeyAsync(uncached);

        await kms.Service.DisableKeyAsync(KmsServiceHarness.Alice, new KeyIdRequest { KeyId = keyId }, Ct);

        Assert.Equal(KmsErrorType.Disabled, await FailsAsync(async () => await uncached.EncryptAsync(KmsServiceHarness.Alice, new EncryptRequest { KeyId = keyId, Plaintext = [1] }, Ct)));
    }

    [Fact]
    public async Task Cross_tenant_use_is_still_denied_after_the_owner_warmed_the_cache()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var (keyId, blob) = await WarmKeyAsync(kms.Service);
        var arn = $"arn:aws:kms:us-east-1:111122223333:key/{keyId}";

        Assert.Equal(KmsErrorType.AccessDenied, await FailsAsync(async () => await kms.Service.EncryptAsync(KmsServiceHarness.Mallory, new EncryptRequest { KeyId = arn, Plaintext = [1] }, Ct)));
        Assert.Equal(KmsErrorType.AccessDenied, await FailsAsync(async () => await kms.Service.DecryptAsync(KmsServiceHarness.Mallory, new DecryptRequest { CiphertextBlob = blob }, Ct)));
    }
}

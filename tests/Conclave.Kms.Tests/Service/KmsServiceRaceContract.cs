using System.Security.Cryptography;
using System.Text;
using Conclave.Kms.Api;
using Conclave.Kms.Api.Actions;
using Conclave.Kms.CustomKeyStores;
using Conclave.Kms.Keys;

namespace Conclave.Kms.Tests.Service;

/// <summary>
/// Races and sweeps the service must get right on every store: each test runs against SQLite
/// (<see cref="SqliteKmsServiceRaceTests"/>) and a real PostgreSQL server (<see cref="PostgresKmsServiceRaceTests"/>).
/// </summary>
public abstract class KmsServiceRaceContract
{
    private const string Account = "111122223333";
    private const string MalloryArn = "arn:aws:iam::444455556666:user/mallory";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Starts a service over a fresh store of the implementation under test.</summary>
    protected abstract Task<KmsServiceHarness> StartAsync(IThresholdBridge? bridge = null);

    [Fact]
    public async Task A_custom_key_store_deleted_during_keygen_fails_the_CreateKey_and_stores_no_key()
    {
        var bridge = new GatedBridge();
        await using var kms = await StartAsync(bridge);
        var storeId = await ConnectedStoreAsync(kms);

        var creating = kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest { CustomKeyStoreId = storeId, KeySpec = "ECC_SECG_P256K1", KeyUsage = "SIGN_VERIFY" }, Ct).AsTask();
        await bridge.KeygenStarted.WaitAsync(Ct);
        await kms.Service.DisconnectCustomKeyStoreAsync(KmsServiceHarness.Alice, new CustomKeyStoreIdRequest(storeId), Ct);
        await kms.Service.DeleteCustomKeyStoreAsync(KmsServiceHarness.Alice, new CustomKeyStoreIdRequest(storeId), Ct); // no key yet: allowed
        bridge.Release();

        var error = await Assert.ThrowsAsync<KmsException>(async () => await creating);
        Assert.Equal(KmsErrorType.CustomKeyStoreNotFound, error.ErrorType);
        Assert.Empty(await kms.Store.ListKeysAsync(Account, null, 10, Ct));
        Assert.Equal(KmsErrorType.CustomKeyStoreNotFound, await LastOutcomeAsync(kms, "CreateKey"));
    }

    [Fact]
    public async Task A_custom_key_store_disconnected_during_keygen_fails_the_CreateKey_and_stores_no_key()
    {
        var bridge = new GatedBridge();
        await using var kms = await StartAsync(bridge);
        var storeId = await ConnectedStoreAsync(kms);

        var creating = kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest { CustomKeyStoreId = storeId, KeySpec = "ECC_SECG_P256K1", KeyUsage = "SIGN_VERIFY" }, Ct).AsTask();
        await bridge.KeygenStarted.WaitAsync(Ct);
        await kms.Service.DisconnectCustomKeyStoreAsync(KmsServiceHarness.Alice, new CustomKeyStoreIdRequest(storeId), Ct);
        bridge.Release();

        var error = await Assert.ThrowsAsync<KmsException>(async () => await creating);
        Assert.Equal(KmsErrorType.CustomKeyStoreInvalidState, error.ErrorType);
        Assert.Empty(await kms.Store.ListKeysAsync(Account, null, 10, Ct));
        Assert.Equal(KmsErrorType.CustomKeyStoreInvalidState, await LastOutcomeAsync(kms, "CreateKey"));

        // The store is still there, keyless, and can be deleted.
        await kms.Service.DeleteCustomKeyStoreAsync(KmsServiceHarness.Alice, new CustomKeyStoreIdRequest(storeId), Ct);
    }

    [Fact]
    public async Task A_key_created_while_its_store_stays_connected_is_stored()
    {
        var bridge = new GatedBridge();
        bridge.Release();
        await using var kms = await StartAsync(bridge);
        var storeId = await ConnectedStoreAsync(kms);

        var key = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest { CustomKeyStoreId = storeId, KeySpec = "ECC_SECG_P256K1", KeyUsage = "SIGN_VERIFY" }, Ct)).KeyMetadata;

        Assert.Equal(storeId, (await kms.Store.GetKeyAsync(Account, key.KeyId, Ct))!.CustomKeyStoreId);
    }

    [Fact]
    public async Task Concurrent_identical_named_CreateGrant_calls_return_one_grant_and_every_token_is_kept()
    {
        await using var kms = await StartAsync();
        var key = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        var request = new CreateGrantRequest { KeyId = key.KeyId, GranteePrincipal = MalloryArn, Operations = ["Encrypt", "Decrypt"], Name = "same" };

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () => await kms.Service.CreateGrantAsync(KmsServiceHarness.Alice, request, Ct), Ct)));

        var grant = Assert.Single(await kms.Store.ListGrantsAsync(Account, key.KeyId, Ct));
        Assert.All(responses, r => Assert.Equal(grant.GrantId, r.GrantId));
        var stored = new[] { grant.TokenDigest }.Concat(grant.ExtraTokenDigests ?? []).Select(Convert.ToHexString).ToHashSet();
        Assert.Equal(8, stored.Count);
        Assert.All(responses, r => Assert.Contains(Convert.ToHexString(SHA256.HashData(Encoding.ASCII.GetBytes(r.GrantToken))), stored));

        // Any one of the tokens retires the grant.
        await kms.Service.RetireGrantAsync(KmsServiceHarness.Alice, new RetireGrantRequest { GrantToken = responses[5].GrantToken }, Ct);
        Assert.Empty(await kms.Store.ListGrantsAsync(Account, key.KeyId, Ct));
    }

    [Fact]
    public async Task Named_grants_with_other_parameters_stay_separate_grants()
    {
        await using var kms = await StartAsync();
        var key = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest(), Ct)).KeyMetadata;
        var a = await kms.Service.CreateGrantAsync(KmsServiceHarness.Alice, new CreateGrantRequest { KeyId = key.KeyId, GranteePrincipal = MalloryArn, Operations = ["Encrypt"], Name = "n" }, Ct);
        var b = await kms.Service.CreateGrantAsync(KmsServiceHarness.Alice, new CreateGrantRequest { KeyId = key.KeyId, GranteePrincipal = MalloryArn, Operations = ["Decrypt"], Name = "n" }, Ct);
        var c = await kms.Service.CreateGrantAsync(KmsServiceHarness.Alice, new CreateGrantRequest { KeyId = key.KeyId, GranteePrincipal = MalloryArn, Operations = ["Decrypt"], Name = "m" }, Ct);

        Assert.Equal(3, new[] { a.GrantId, b.GrantId, c.GrantId }.Distinct().Count());
        Assert.Equal(3, (await kms.Store.ListGrantsAsync(Account, key.KeyId, Ct)).Count);
    }

    [Fact]
    public async Task More_than_a_page_of_blocked_due_keys_does_not_starve_a_later_rotation_or_deletion()
    {
        await using var kms = await StartAsync();

        // 101 keys whose rotation falls due but which are disabled: the sweep must skip them, not stop at them.
        var blocked = await Task.WhenAll(Enumerable.Range(0, 101).Select(async _ =>
        {
            var id = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest(), Ct)).KeyMetadata.KeyId;
            await kms.Service.EnableKeyRotationAsync(KmsServiceHarness.Alice, new EnableKeyRotationRequest(id, 90), Ct);
            await kms.Service.DisableKeyAsync(KmsServiceHarness.Alice, new KeyIdRequest { KeyId = id }, Ct);
            return id;
        }));
        kms.Time.Advance(TimeSpan.FromMinutes(1));
        var rotating = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest(), Ct)).KeyMetadata.KeyId;
        await kms.Service.EnableKeyRotationAsync(KmsServiceHarness.Alice, new EnableKeyRotationRequest(rotating, 90), Ct);

        kms.Time.Advance(TimeSpan.FromDays(91));
        Assert.Equal(1, await kms.Service.RunDueRotationsAsync(Ct));
        Assert.Equal(2, (await kms.Store.GetKeyAsync(Account, rotating, Ct))!.CurrentVersion);
        Assert.Equal(1, (await kms.Store.GetKeyAsync(Account, blocked[0], Ct))!.CurrentVersion);

        var deleting = (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest(), Ct)).KeyMetadata.KeyId;
        await kms.Service.ScheduleKeyDeletionAsync(KmsServiceHarness.Alice, new ScheduleKeyDeletionRequest(deleting, 7), Ct);
        kms.Time.Advance(TimeSpan.FromDays(8));
        Assert.Equal(1, await kms.Service.RunDueDeletionsAsync(Ct));
        Assert.Null(await kms.Store.GetKeyAsync(Account, deleting, Ct));
        Assert.Equal(KeyState.Disabled, (await kms.Store.GetKeyAsync(Account, blocked[100], Ct))!.State);
    }

    private static async Task<string> ConnectedStoreAsync(KmsServiceHarness kms)
    {
        var id = (await kms.Service.CreateCustomKeyStoreAsync(KmsServiceHarness.Alice, new CreateCustomKeyStoreRequest { CustomKeyStoreName = "mpc", CustomKeyStoreType = "CONCLAVE_MPC", XksProxyUriEndpoint = "http://127.0.0.1:6000" }, Ct)).CustomKeyStoreId;
        await kms.Service.ConnectCustomKeyStoreAsync(KmsServiceHarness.Alice, new CustomKeyStoreIdRequest(id), Ct);
        return id;
    }

    private static async Task<string?> LastOutcomeAsync(KmsServiceHarness kms, string action)
    {
        string? outcome = null;
        await foreach (var record in kms.Store.ReadAuditAsync(1, Ct))
        {
            if (record.Entry.Action == action)
            {
                outcome = record.Entry.Outcome;
            }
        }

        return outcome;
    }

    /// <summary>A bridge of three reachable nodes whose keygen waits until the test releases it (a slow MPC keygen).</summary>
    private sealed class GatedBridge : IThresholdBridge
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly byte[] _publicKey;

        public GatedBridge()
        {
            using var secp = ECDsa.Create(ECCurve.CreateFromFriendlyName("secP256k1"));
            var q = secp.ExportParameters(false).Q;
            _publicKey = [(byte)(2 + (q.Y![^1] & 1)), .. q.X!];
        }

        public Task KeygenStarted => _started.Task;

        public void Release() => _release.TrySetResult();

        public ValueTask<IReadOnlyList<(string Id, bool Reachable)>> HealthAsync(Uri bridge, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IReadOnlyList<(string, bool)>>([("node1", true), ("node2", true), ("node3", true)]);

        public async ValueTask<byte[]> KeygenAsync(Uri bridge, string walletId, string keyType, int threshold, int totalParties, CancellationToken cancellationToken = default)
        {
            _started.TrySetResult();
            await _release.Task.WaitAsync(cancellationToken);
            return _publicKey;
        }

        public ValueTask<byte[]> PublicKeyAsync(Uri bridge, string walletId, string keyType, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("Not used by these tests.");

        public ValueTask<byte[]> SignAsync(Uri bridge, string walletId, string keyType, ReadOnlyMemory<byte> payload, bool payloadIsHash, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("Signing is not part of these tests.");
    }
}

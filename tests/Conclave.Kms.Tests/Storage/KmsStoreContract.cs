using System.Security.Cryptography;
using Conclave.Kms.Audit;
using Conclave.Kms.Keys;
using Conclave.Kms.Storage;

namespace Conclave.Kms.Tests.Storage;

/// <summary>
/// The behaviour every <see cref="IKmsStore"/> must have. Each implementation's test class derives
/// from this and says how to open a fresh store (and reopen the same one).
/// </summary>
public abstract class KmsStoreContract
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000);

    /// <summary>Opens a fresh, empty store; calling <see cref="ReopenAsync"/> afterwards opens the same data again.</summary>
    protected abstract Task<IKmsStore> OpenAsync();

    /// <summary>Opens the store last opened by <see cref="OpenAsync"/> again (after the caller disposed it).</summary>
    protected abstract Task<IKmsStore> ReopenAsync();

    protected static KeyRecord Key(string tenant = "111122223333", string? keyId = null, long revision = 1) => new()
    {
        Tenant = tenant,
        KeyId = keyId ?? Guid.NewGuid().ToString(),
        Region = "us-east-1",
        CreatedAt = Now,
        KeySpec = "SYMMETRIC_DEFAULT",
        KeyUsage = "ENCRYPT_DECRYPT",
        State = KeyState.Enabled,
        CurrentVersion = 1,
        Policy = "{}",
        Revision = revision,
    };

    protected static AuditEntry Audit(string action = "CreateKey", string? keyId = null, string outcome = AuditEntry.Success) =>
        new(Now, "arn:aws:iam::111122223333:user/dev", "111122223333", action, keyId, 1, Guid.NewGuid().ToString(), outcome, RandomNumberGenerator.GetBytes(32));

    protected static KeyVersionRecord Version(KeyRecord key, int version) =>
        new(key.Tenant, key.KeyId, version, Now, 1, RandomNumberGenerator.GetBytes(60), null, version == 1 ? null : "ON_DEMAND");

    [Fact]
    public async Task A_committed_key_and_version_read_back_exactly()
    {
        await using var store = await OpenAsync();
        var key = Key() with { Description = "d", RotationEnabled = true, RotationPeriodInDays = 365, NextRotationDate = Now.AddDays(365) };
        var version = Version(key, 1) with { PublicKey = [1, 2, 3] };
        var sequence = await store.CommitAsync([new InsertKey(key), new InsertKeyVersion(version)], Audit(keyId: key.KeyId), TestContext.Current.CancellationToken);

        Assert.Equal(1, sequence);
        Assert.Equal(key, await store.GetKeyAsync(key.Tenant, key.KeyId, TestContext.Current.CancellationToken));
        var read = await store.GetKeyVersionAsync(key.Tenant, key.KeyId, 1, TestContext.Current.CancellationToken);
        Assert.NotNull(read);
        Assert.Equal(version.WrappedMaterial, read.WrappedMaterial);
        Assert.Equal(version.PublicKey, read.PublicKey);
        Assert.Equal(version.CreatedAt, read.CreatedAt);
    }

    [Fact]
    public async Task Due_keys_page_by_keyset_cursor_in_due_order_and_each_is_listed_once()
    {
        await using var store = await OpenAsync();
        var keys = Enumerable.Range(0, 5).Select(_ => Key() with { RotationEnabled = true, RotationPeriodInDays = 365, NextRotationDate = Now.AddDays(1) }).ToList();
        keys.Add(Key() with { RotationEnabled = true, RotationPeriodInDays = 365, NextRotationDate = Now.AddDays(2) });
        await store.CommitAsync([.. keys.Select(k => new InsertKey(k))], Audit(), TestContext.Current.CancellationToken);

        var seen = new List<string>();
        KeyRecord? after = null;
        while (true)
        {
            var page = await store.ListKeysDueAsync(Now.AddDays(3), after, 2, TestContext.Current.CancellationToken);
            seen.AddRange(page.Select(k => k.KeyId));
            if (page.Count < 2)
            {
                break;
            }

            after = page[^1];
        }

        Assert.Equal(keys.Select(k => k.KeyId).Order(), seen.Order());
        Assert.Equal(keys[^1].KeyId, seen[^1]);
    }

    [Fact]
    public async Task A_key_is_not_visible_under_another_tenant()
    {
        await using var store = await OpenAsync();
        var key = Key();
        await store.CommitAsync([new InsertKey(key), new InsertKeyVersion(Version(key, 1))], Audit(), TestContext.Current.CancellationToken);

        Assert.Null(await store.GetKeyAsync("444455556666", key.KeyId, TestContext.Current.CancellationToken));
        Assert.Null(await store.GetKeyVersionAsync("444455556666", key.KeyId, 1, TestContext.Current.CancellationToken));
        Assert.Empty(await store.ListKeysAsync("444455556666", null, 100, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_conflicting_change_applies_nothing_and_appends_no_audit_record()
    {
        await using var store = await OpenAsync();
        var key = Key();
        await store.CommitAsync([new InsertKey(key)], Audit(), TestContext.Current.CancellationToken);
        var other = Key();

        var error = await Assert.ThrowsAsync<KmsConflictException>(async () =>
            await store.CommitAsync([new InsertKey(other), new InsertKey(key)], Audit(), TestContext.Current.CancellationToken));

        Assert.Equal(KmsConflictKind.KeyExists, error.Kind);
        Assert.Null(await store.GetKeyAsync(other.Tenant, other.KeyId, TestContext.Current.CancellationToken));
        var records = await ReadAllAsync(store);
        Assert.Single(records);
        Assert.True(AuditChain.Verify(records).IsValid);
    }

    [Fact]
    public async Task An_update_based_on_a_stale_revision_is_refused()
    {
        await using var store = await OpenAsync();
        var key = Key();
        await store.CommitAsync([new InsertKey(key)], Audit(), TestContext.Current.CancellationToken);
        await store.CommitAsync([new UpdateKey(key with { Description = "first", Revision = 2 })], Audit(), TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<KmsConflictException>(async () =>
            await store.CommitAsync([new UpdateKey(key with { Description = "second", Revision = 2 })], Audit(), TestContext.Current.CancellationToken));

        Assert.Equal(KmsConflictKind.KeyChanged, error.Kind);
        Assert.Equal("first", (await store.GetKeyAsync(key.Tenant, key.KeyId, TestContext.Current.CancellationToken))!.Description);
    }

    [Fact]
    public async Task Keys_list_in_key_id_order_page_by_page()
    {
        await using var store = await OpenAsync();
        var keys = Enumerable.Range(0, 7).Select(_ => Key()).OrderBy(k => k.KeyId, StringComparer.Ordinal).ToList();
        foreach (var key in keys)
        {
            await store.CommitAsync([new InsertKey(key)], Audit(), TestContext.Current.CancellationToken);
        }

        var first = await store.ListKeysAsync(keys[0].Tenant, null, 3, TestContext.Current.CancellationToken);
        var second = await store.ListKeysAsync(keys[0].Tenant, first[^1].KeyId, 10, TestContext.Current.CancellationToken);

        Assert.Equal(keys.Select(k => k.KeyId), first.Concat(second).Select(k => k.KeyId));
    }

    [Fact]
    public async Task Aliases_are_unique_per_tenant_and_follow_updates_and_deletes()
    {
        await using var store = await OpenAsync();
        var a = Key();
        var b = Key();
        await store.CommitAsync([new InsertKey(a), new InsertKey(b)], Audit(), TestContext.Current.CancellationToken);
        var alias = new AliasRecord(a.Tenant, "alias/app", a.KeyId, Now, Now);
        await store.CommitAsync([new InsertAlias(alias)], Audit(), TestContext.Current.CancellationToken);

        var duplicate = await Assert.ThrowsAsync<KmsConflictException>(async () =>
            await store.CommitAsync([new InsertAlias(alias with { KeyId = b.KeyId })], Audit(), TestContext.Current.CancellationToken));
        Assert.Equal(KmsConflictKind.AliasExists, duplicate.Kind);
        await store.CommitAsync([new InsertAlias(alias with { Tenant = "444455556666" })], Audit(), TestContext.Current.CancellationToken);

        await store.CommitAsync([new UpdateAlias(alias with { KeyId = b.KeyId, UpdatedAt = Now.AddMinutes(1) })], Audit(), TestContext.Current.CancellationToken);
        Assert.Equal(b.KeyId, (await store.GetAliasAsync(a.Tenant, "alias/app", TestContext.Current.CancellationToken))!.KeyId);
        Assert.Single(await store.ListAliasesAsync(a.Tenant, b.KeyId, TestContext.Current.CancellationToken));
        Assert.Empty(await store.ListAliasesAsync(a.Tenant, a.KeyId, TestContext.Current.CancellationToken));

        await store.CommitAsync([new DeleteAlias(a.Tenant, "alias/app")], Audit(), TestContext.Current.CancellationToken);
        Assert.Null(await store.GetAliasAsync(a.Tenant, "alias/app", TestContext.Current.CancellationToken));
        var missing = await Assert.ThrowsAsync<KmsConflictException>(async () =>
            await store.CommitAsync([new DeleteAlias(a.Tenant, "alias/app")], Audit(), TestContext.Current.CancellationToken));
        Assert.Equal(KmsConflictKind.AliasMissing, missing.Kind);
    }

    [Fact]
    public async Task Tags_grants_and_tenant_keys_round_trip_and_deleting_a_key_removes_what_hangs_off_it()
    {
        await using var store = await OpenAsync();
        var key = Key();
        var grant = new GrantRecord
        {
            Tenant = key.Tenant,
            KeyId = key.KeyId,
            GrantId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            GranteePrincipal = "arn:aws:iam::111122223333:user/app",
            IssuingAccount = "arn:aws:iam::111122223333:root",
            Operations = ["Encrypt", "Decrypt"],
            Constraints = """{"EncryptionContextSubset":{"a":"b"}}""",
            TokenDigest = RandomNumberGenerator.GetBytes(32),
            CreatedAt = Now,
        };
        var kek = new TenantKekRecord(key.Tenant, 1, RandomNumberGenerator.GetBytes(61), Now);
        await store.CommitAsync(
            [new InsertTenantKek(kek), new InsertKey(key), new InsertKeyVersion(Version(key, 1)), new ReplaceTags(key.Tenant, key.KeyId, [new("b", "2"), new("a", "1")]), new InsertGrant(grant), new InsertAlias(new(key.Tenant, "alias/x", key.KeyId, Now, Now))],
            Audit(),
            TestContext.Current.CancellationToken);

        Assert.Equal([new KeyTag("a", "1"), new KeyTag("b", "2")], await store.GetTagsAsync(key.Tenant, key.KeyId, TestContext.Current.CancellationToken));
        var readGrant = Assert.Single(await store.ListGrantsAsync(key.Tenant, key.KeyId, TestContext.Current.CancellationToken));
        Assert.Equal(grant.Operations, readGrant.Operations);
        Assert.Equal(grant.TokenDigest, readGrant.TokenDigest);
        Assert.Equal(grant.Constraints, readGrant.Constraints);
        Assert.Equal(kek.WrappedKek, (await store.GetTenantKekAsync(key.Tenant, TestContext.Current.CancellationToken))!.WrappedKek);
        await Assert.ThrowsAsync<KmsConflictException>(async () =>
            await store.CommitAsync([new InsertTenantKek(kek)], Audit(), TestContext.Current.CancellationToken));

        await store.CommitAsync([new DeleteKey(key.Tenant, key.KeyId)], Audit(), TestContext.Current.CancellationToken);

        Assert.Null(await store.GetKeyAsync(key.Tenant, key.KeyId, TestContext.Current.CancellationToken));
        Assert.Empty(await store.ListKeyVersionsAsync(key.Tenant, key.KeyId, TestContext.Current.CancellationToken));
        Assert.Empty(await store.GetTagsAsync(key.Tenant, key.KeyId, TestContext.Current.CancellationToken));
        Assert.Empty(await store.ListGrantsAsync(key.Tenant, key.KeyId, TestContext.Current.CancellationToken));
        Assert.Null(await store.GetAliasAsync(key.Tenant, "alias/x", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Retirable_grants_are_listed_across_the_tenants_keys_by_exact_retiring_principal_in_grant_id_pages()
    {
        await using var store = await OpenAsync();
        const string Retiring = "arn:aws:iam::111122223333:role/retirer";
        var first = Key();
        var second = Key();
        var foreign = Key(tenant: "444455556666");
        GrantRecord Grant(KeyRecord key, string? retiring) => new()
        {
            Tenant = key.Tenant,
            KeyId = key.KeyId,
            GrantId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            GranteePrincipal = "arn:aws:iam::111122223333:user/app",
            RetiringPrincipal = retiring,
            IssuingAccount = "arn:aws:iam::111122223333:root",
            Operations = ["Encrypt"],
            TokenDigest = RandomNumberGenerator.GetBytes(32),
            CreatedAt = Now,
        };
        var matching = new[] { Grant(first, Retiring), Grant(first, Retiring), Grant(second, Retiring) };
        await store.CommitAsync(
            [
                new InsertKey(first), new InsertKey(second), new InsertKey(foreign),
                .. matching.Select(g => new InsertGrant(g)),
                new InsertGrant(Grant(first, null)),
                new InsertGrant(Grant(second, "arn:aws:iam::111122223333:role/other")),
                new InsertGrant(Grant(foreign, Retiring)),
            ],
            Audit(),
            TestContext.Current.CancellationToken);

        var expected = matching.Select(g => g.GrantId).Order(StringComparer.Ordinal).ToList();
        var all = await store.ListRetirableGrantsAsync(first.Tenant, Retiring, null, 10, TestContext.Current.CancellationToken);
        Assert.Equal(expected, all.Select(g => g.GrantId));
        var page1 = await store.ListRetirableGrantsAsync(first.Tenant, Retiring, null, 2, TestContext.Current.CancellationToken);
        var page2 = await store.ListRetirableGrantsAsync(first.Tenant, Retiring, page1[^1].GrantId, 2, TestContext.Current.CancellationToken);
        Assert.Equal(expected, page1.Concat(page2).Select(g => g.GrantId));
        Assert.Empty(await store.ListRetirableGrantsAsync(first.Tenant, "arn:aws:iam::111122223333:role/nobody", null, 10, TestContext.Current.CancellationToken));
        Assert.Single(await store.ListRetirableGrantsAsync(foreign.Tenant, Retiring, null, 10, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Keys_due_for_deletion_or_rotation_are_listed_once_due()
    {
        await using var store = await OpenAsync();
        var deleting = Key() with { State = KeyState.PendingDeletion, DeletionDate = Now.AddDays(7), PendingWindowInDays = 7 };
        var rotating = Key() with { RotationEnabled = true, RotationPeriodInDays = 90, NextRotationDate = Now.AddDays(90) };
        var idle = Key();
        await store.CommitAsync([new InsertKey(deleting), new InsertKey(rotating), new InsertKey(idle)], Audit(), TestContext.Current.CancellationToken);

        Assert.Empty(await store.ListKeysDueAsync(Now.AddDays(6), null, 10, TestContext.Current.CancellationToken));
        Assert.Equal([deleting.KeyId], (await store.ListKeysDueAsync(Now.AddDays(7), null, 10, TestContext.Current.CancellationToken)).Select(k => k.KeyId));
        Assert.Equal(2, (await store.ListKeysDueAsync(Now.AddDays(90), null, 10, TestContext.Current.CancellationToken)).Count);
    }

    [Fact]
    public async Task Concurrent_commits_each_get_their_own_sequence_and_the_chain_verifies_after_reopening()
    {
        var store = await OpenAsync();
        var commits = Enumerable.Range(0, 200).Select(async i =>
        {
            var key = Key();
            return await store.CommitAsync([new InsertKey(key), new InsertKeyVersion(Version(key, 1))], Audit(keyId: key.KeyId), TestContext.Current.CancellationToken);
        });
        var sequences = await Task.WhenAll(commits);
        await store.DisposeAsync();

        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), sequences.Order());
        await using var reopened = await ReopenAsync();
        var verification = await AuditChain.VerifyAsync(reopened.ReadAuditAsync(1, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
        Assert.True(verification.IsValid, verification.Problem);
        Assert.Equal(200, verification.ValidRecords);
        Assert.Equal(201, await reopened.CommitAsync([], Audit("DescribeKey"), TestContext.Current.CancellationToken));
        Assert.Equal(200, (await reopened.ListKeysAsync("111122223333", null, 1000, TestContext.Current.CancellationToken)).Count);
    }

    [Fact]
    public async Task Audit_records_read_back_with_every_field_and_a_valid_chain()
    {
        await using var store = await OpenAsync();
        var entries = new[] { Audit("CreateKey", "k1"), Audit("Encrypt", null, "AccessDeniedException") with { KeyVersion = null } };
        foreach (var entry in entries)
        {
            await store.CommitAsync([], entry, TestContext.Current.CancellationToken);
        }

        var records = await ReadAllAsync(store);

        Assert.Equal(entries, records.Select(r => r.Entry), new AuditEntryComparer());
        Assert.True(AuditChain.Verify(records).IsValid);
        Assert.Equal(2, (await ReadAllAsync(store, 1)).Count);
        Assert.Single(await ReadAllAsync(store, 2));
    }

    protected static async Task<List<AuditRecord>> ReadAllAsync(IKmsStore store, long from = 1)
    {
        var records = new List<AuditRecord>();
        await foreach (var record in store.ReadAuditAsync(from, TestContext.Current.CancellationToken))
        {
            records.Add(record);
        }

        return records;
    }

    private sealed class AuditEntryComparer : IEqualityComparer<AuditEntry>
    {
        public bool Equals(AuditEntry? x, AuditEntry? y) =>
            x is not null && y is not null && x with { RequestDigest = [] } == y with { RequestDigest = [] } && x.RequestDigest.AsSpan().SequenceEqual(y.RequestDigest);

        public int GetHashCode(AuditEntry obj) => obj.RequestId.GetHashCode(StringComparison.Ordinal);
    }

    protected static CustomKeyStoreRecord CustomKeyStore(string tenant = "111122223333", string name = "cluster-a", long revision = 1) => new()
    {
        Tenant = tenant,
        CustomKeyStoreId = "cks-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(9))[..17],
        Name = name,
        Type = "EXTERNAL_KEY_STORE",
        Endpoint = "http://127.0.0.1:6000",
        ConnectionState = "DISCONNECTED",
        CreatedAt = Now,
        Revision = revision,
    };

    [Fact]
    public async Task Custom_key_stores_round_trip_are_unique_by_name_per_tenant_and_follow_revisions()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await OpenAsync();
        var a = CustomKeyStore();
        var b = CustomKeyStore(name: "cluster-b");
        await store.CommitAsync([new InsertCustomKeyStore(a), new InsertCustomKeyStore(b)], Audit("CreateCustomKeyStore"), ct);
        Assert.Equal(a, await store.GetCustomKeyStoreAsync(a.Tenant, a.CustomKeyStoreId, ct));
        Assert.Null(await store.GetCustomKeyStoreAsync("444455556666", a.CustomKeyStoreId, ct));
        Assert.Equal(new[] { a, b }.OrderBy(s => s.CustomKeyStoreId, StringComparer.Ordinal), await store.ListCustomKeyStoresAsync(a.Tenant, ct));
        Assert.Empty(await store.ListCustomKeyStoresAsync("444455556666", ct));

        var sameName = await Assert.ThrowsAsync<KmsConflictException>(async () =>
            await store.CommitAsync([new InsertCustomKeyStore(CustomKeyStore())], Audit(), ct));
        Assert.Equal(KmsConflictKind.CustomKeyStoreExists, sameName.Kind);
        await store.CommitAsync([new InsertCustomKeyStore(CustomKeyStore(tenant: "444455556666"))], Audit(), ct); // names are per tenant

        var connected = a with { ConnectionState = "CONNECTED", Revision = 2 };
        await store.CommitAsync([new UpdateCustomKeyStore(connected)], Audit(), ct);
        Assert.Equal(connected, await store.GetCustomKeyStoreAsync(a.Tenant, a.CustomKeyStoreId, ct));
        var stale = await Assert.ThrowsAsync<KmsConflictException>(async () =>
            await store.CommitAsync([new UpdateCustomKeyStore(a with { Name = "x", Revision = 2 })], Audit(), ct));
        Assert.Equal(KmsConflictKind.CustomKeyStoreChanged, stale.Kind);
        var taken = await Assert.ThrowsAsync<KmsConflictException>(async () =>
            await store.CommitAsync([new UpdateCustomKeyStore(connected with { Name = "cluster-b", Revision = 3 })], Audit(), ct));
        Assert.Equal(KmsConflictKind.CustomKeyStoreChanged, taken.Kind);
    }

    [Fact]
    public async Task A_custom_key_store_with_keys_is_not_deleted_and_counts_its_keys()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await OpenAsync();
        var cks = CustomKeyStore() with { ConnectionState = "CONNECTED" };
        var key = Key() with { Origin = "EXTERNAL_KEY_STORE", CustomKeyStoreId = cks.CustomKeyStoreId };
        await store.CommitAsync([new InsertCustomKeyStore(cks), new InsertKey(key), new InsertKey(Key())], Audit(), ct);
        Assert.Equal(1, await store.CountKeysInCustomKeyStoreAsync(cks.Tenant, cks.CustomKeyStoreId, ct));
        Assert.Equal(0, await store.CountKeysInCustomKeyStoreAsync("444455556666", cks.CustomKeyStoreId, ct));
        Assert.Equal(key, await store.GetKeyAsync(key.Tenant, key.KeyId, ct));

        var refused = await Assert.ThrowsAsync<KmsConflictException>(async () =>
            await store.CommitAsync([new DeleteCustomKeyStore(cks.Tenant, cks.CustomKeyStoreId)], Audit(), ct));
        Assert.Equal(KmsConflictKind.CustomKeyStoreChanged, refused.Kind);
        Assert.NotNull(await store.GetCustomKeyStoreAsync(cks.Tenant, cks.CustomKeyStoreId, ct));

        await store.CommitAsync([new DeleteKey(key.Tenant, key.KeyId)], Audit(), ct);
        await store.CommitAsync([new DeleteCustomKeyStore(cks.Tenant, cks.CustomKeyStoreId)], Audit(), ct);
        Assert.Null(await store.GetCustomKeyStoreAsync(cks.Tenant, cks.CustomKeyStoreId, ct));
        await Assert.ThrowsAsync<KmsConflictException>(async () =>
            await store.CommitAsync([new DeleteCustomKeyStore(cks.Tenant, cks.CustomKeyStoreId)], Audit(), ct));
    }

    [Fact]
    public async Task A_key_naming_a_missing_or_unconnected_custom_key_store_is_not_inserted()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await OpenAsync();
        var disconnected = CustomKeyStore();
        await store.CommitAsync([new InsertCustomKeyStore(disconnected)], Audit(), ct);
        var other = Key();

        var missing = await Assert.ThrowsAsync<KmsConflictException>(async () =>
            await store.CommitAsync([new InsertKey(other), new InsertKey(Key() with { CustomKeyStoreId = "cks-00000000000000000" })], Audit(), ct));
        Assert.Equal(KmsConflictKind.CustomKeyStoreMissing, missing.Kind);
        var unconnected = await Assert.ThrowsAsync<KmsConflictException>(async () =>
            await store.CommitAsync([new InsertKey(other), new InsertKey(Key() with { CustomKeyStoreId = disconnected.CustomKeyStoreId })], Audit(), ct));
        Assert.Equal(KmsConflictKind.CustomKeyStoreNotConnected, unconnected.Kind);

        Assert.Empty(await store.ListKeysAsync(other.Tenant, null, 10, ct));
        var audit = new List<AuditRecord>();
        await foreach (var record in store.ReadAuditAsync(1, ct))
        {
            audit.Add(record);
        }

        Assert.Single(audit);
    }

    [Fact]
    public async Task The_audit_head_is_the_last_record_and_absent_while_the_log_is_empty()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await OpenAsync();
        Assert.Null(await store.GetAuditHeadAsync(ct));

        await store.CommitAsync([], Audit("DescribeKey"), ct);
        await store.CommitAsync([], Audit("ListKeys"), ct);

        var head = await store.GetAuditHeadAsync(ct);
        var records = await ReadAllAsync(store);
        Assert.NotNull(head);
        Assert.Equal(2, head.Sequence);
        Assert.Equal(records[^1].Hash, head.Hash);
        Assert.Equal(records[^1].Entry.Action, head.Entry.Action);
    }

    [Fact]
    public async Task An_audit_checkpoint_is_stored_only_for_a_record_in_the_log_with_its_hash_and_only_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await OpenAsync();
        await store.CommitAsync([], Audit("DescribeKey"), ct);
        await store.CommitAsync([], Audit("ListKeys"), ct);
        var head = (await store.GetAuditHeadAsync(ct))!;
        var checkpoint = new AuditCheckpoint(head.Sequence, head.Hash, Now, "conclave-kms-audit", RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(64));

        var wrongHash = await Assert.ThrowsAsync<KmsConflictException>(async () =>
            await store.CommitAsync([new InsertAuditCheckpoint(checkpoint with { Hash = RandomNumberGenerator.GetBytes(32) })], Audit("conclave:AuditCheckpoint"), ct));
        var missingRecord = await Assert.ThrowsAsync<KmsConflictException>(async () =>
            await store.CommitAsync([new InsertAuditCheckpoint(checkpoint with { Sequence = 7 })], Audit("conclave:AuditCheckpoint"), ct));
        Assert.Equal(KmsConflictKind.AuditCheckpointRefused, wrongHash.Kind);
        Assert.Equal(KmsConflictKind.AuditCheckpointRefused, missingRecord.Kind);
        Assert.Empty(await store.ListAuditCheckpointsAsync(1, ct));
        Assert.Equal(2, (await store.GetAuditHeadAsync(ct))!.Sequence);

        await store.CommitAsync([new InsertAuditCheckpoint(checkpoint)], Audit("conclave:AuditCheckpoint"), ct);
        var again = await Assert.ThrowsAsync<KmsConflictException>(async () =>
            await store.CommitAsync([new InsertAuditCheckpoint(checkpoint with { Signature = RandomNumberGenerator.GetBytes(64) })], Audit("conclave:AuditCheckpoint"), ct));

        Assert.Equal(KmsConflictKind.AuditCheckpointRefused, again.Kind);
        var stored = Assert.Single(await store.ListAuditCheckpointsAsync(1, ct));
        Assert.Equal(checkpoint.Sequence, stored.Sequence);
        Assert.Equal(checkpoint.Hash, stored.Hash);
        Assert.Equal(checkpoint.Time, stored.Time);
        Assert.Equal(checkpoint.WalletId, stored.WalletId);
        Assert.Equal(checkpoint.PublicKey, stored.PublicKey);
        Assert.Equal(checkpoint.Signature, stored.Signature);
        Assert.Empty(await store.ListAuditCheckpointsAsync(checkpoint.Sequence + 1, ct));
        Assert.True(AuditChain.Verify(await ReadAllAsync(store)).IsValid);
    }
}

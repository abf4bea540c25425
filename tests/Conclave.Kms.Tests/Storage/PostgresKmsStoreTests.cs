using Conclave.Kms.Audit;
using Conclave.Kms.Storage;
using Conclave.Kms.Storage.Postgres;

namespace Conclave.Kms.Tests.Storage;

/// <summary>The store contract against a real PostgreSQL server, plus what only a shared database has: several processes writing at once.</summary>
public sealed class PostgresKmsStoreTests(PostgresServer server) : KmsStoreContract, IClassFixture<PostgresServer>
{
    private string? _connectionString;

    protected override async Task<IKmsStore> OpenAsync()
    {
        _connectionString = await server.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        return await PostgresKmsStore.OpenAsync(_connectionString, TestContext.Current.CancellationToken);
    }

    protected override async Task<IKmsStore> ReopenAsync() =>
        await PostgresKmsStore.OpenAsync(_connectionString ?? throw new InvalidOperationException("OpenAsync first."), TestContext.Current.CancellationToken);

    [Fact]
    public async Task Two_stores_on_one_database_committing_at_once_build_one_chain_that_verifies()
    {
        var connectionString = await server.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        var opening = new[] { PostgresKmsStore.OpenAsync(connectionString, TestContext.Current.CancellationToken), PostgresKmsStore.OpenAsync(connectionString, TestContext.Current.CancellationToken) };
        var stores = await Task.WhenAll(opening);
        try
        {
            var commits = Enumerable.Range(0, 200).Select(async i =>
            {
                var key = Key(keyId: $"key-{i:D3}");
                return await stores[i % 2].CommitAsync([new InsertKey(key), new InsertKeyVersion(Version(key, 1))], Audit(keyId: key.KeyId), TestContext.Current.CancellationToken);
            });
            var sequences = await Task.WhenAll(commits);

            Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), sequences.Order());
            foreach (var store in stores)
            {
                var verification = await AuditChain.VerifyAsync(store.ReadAuditAsync(1, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
                Assert.True(verification.IsValid, verification.Problem);
                Assert.Equal(200, verification.ValidRecords);
            }

            Assert.Equal(201, await stores[1].CommitAsync([], Audit("DescribeKey"), TestContext.Current.CancellationToken));
            Assert.Equal(202, await stores[0].CommitAsync([], Audit("DescribeKey"), TestContext.Current.CancellationToken));
            Assert.Equal(200, (await stores[0].ListKeysAsync("111122223333", null, 1000, TestContext.Current.CancellationToken)).Count);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_conflict_seen_by_one_store_is_the_other_stores_insert()
    {
        var connectionString = await server.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        await using var first = await PostgresKmsStore.OpenAsync(connectionString, TestContext.Current.CancellationToken);
        await using var second = await PostgresKmsStore.OpenAsync(connectionString, TestContext.Current.CancellationToken);
        var key = Key();

        await first.CommitAsync([new InsertKey(key)], Audit(keyId: key.KeyId), TestContext.Current.CancellationToken);
        var conflict = await Assert.ThrowsAsync<KmsConflictException>(async () => await second.CommitAsync([new InsertKey(key)], Audit(keyId: key.KeyId), TestContext.Current.CancellationToken));

        Assert.Equal(KmsConflictKind.KeyExists, conflict.Kind);
        Assert.Single(await ReadAllAsync(first));
    }

    [Fact]
    public async Task A_failure_inside_the_transaction_leaves_neither_the_change_nor_its_audit_record()
    {
        await using var store = (PostgresKmsStore)await OpenAsync();
        var key = Key();
        store.FailurePointForTests = changes =>
        {
            if (changes.Count > 0)
            {
                throw new IOException("simulated crash");
            }
        };

        await Assert.ThrowsAsync<IOException>(async () => await store.CommitAsync([new InsertKey(key)], Audit(), TestContext.Current.CancellationToken));
        var sequence = await store.CommitAsync([], Audit("DescribeKey"), TestContext.Current.CancellationToken);

        Assert.Null(await store.GetKeyAsync(key.Tenant, key.KeyId, TestContext.Current.CancellationToken));
        Assert.Equal(1, sequence);
        Assert.True(AuditChain.Verify(await ReadAllAsync(store)).IsValid);
    }

    [Fact]
    public async Task Reopening_continues_the_chain_from_the_head_stored_in_the_database()
    {
        await using (var store = await OpenAsync())
        {
            await store.CommitAsync([], Audit("CreateKey"), TestContext.Current.CancellationToken);
        }

        await using var reopened = await ReopenAsync();

        Assert.Equal(2, await reopened.CommitAsync([], Audit("DescribeKey"), TestContext.Current.CancellationToken));
        Assert.True(AuditChain.Verify(await ReadAllAsync(reopened)).IsValid);
    }

    [Fact]
    public async Task The_store_describes_itself_without_credentials()
    {
        var connectionString = await server.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        await using var store = await PostgresKmsStore.OpenAsync(connectionString + ";Password=hunter2", TestContext.Current.CancellationToken);

        Assert.DoesNotContain("hunter2", store.ToString(), StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", store.ToString(), StringComparison.Ordinal);
    }
}

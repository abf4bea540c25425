using Conclave.Kms.Audit;
using Conclave.Kms.Storage;
using Conclave.Kms.Storage.Sqlite;

namespace Conclave.Kms.Tests.Storage;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // checks Unix file modes
public sealed class SqliteKmsStoreTests : KmsStoreContract, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("conclave-kms-sqlite-").FullName;

    private string DatabasePath => Path.Combine(_directory, "kms.db");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    protected override async Task<IKmsStore> OpenAsync() => await SqliteKmsStore.OpenAsync(DatabasePath, TestContext.Current.CancellationToken);

    protected override Task<IKmsStore> ReopenAsync() => OpenAsync();

    [Fact]
    public async Task The_database_file_is_readable_by_its_owner_only()
    {
        await using var store = await OpenAsync();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(DatabasePath));
    }

    [Fact]
    public async Task A_failure_inside_the_transaction_leaves_neither_the_change_nor_its_audit_record()
    {
        await using var store = await SqliteKmsStore.OpenAsync(DatabasePath, TestContext.Current.CancellationToken);
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
}

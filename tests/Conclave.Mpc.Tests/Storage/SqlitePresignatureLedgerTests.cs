using System.Security.Cryptography;
using Conclave.Mpc.Storage;

namespace Conclave.Mpc.Tests.Storage;

public sealed class SqlitePresignatureLedgerTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string DatabasePath => _dir.File("node.db");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_first_mark_succeeds_and_the_second_is_refused()
    {
        var id = RandomNumberGenerator.GetBytes(32);
        var other = RandomNumberGenerator.GetBytes(32);
        using var ledger = SqlitePresignatureLedger.Open(DatabasePath);

        Assert.True(ledger.TryMarkUsed(id));
        Assert.False(ledger.TryMarkUsed(id));
        Assert.True(ledger.TryMarkUsed(other));
    }

    [Fact]
    public void Marks_persist_across_reopening()
    {
        var id = RandomNumberGenerator.GetBytes(32);
        using (var ledger = SqlitePresignatureLedger.Open(DatabasePath))
        {
            Assert.True(ledger.TryMarkUsed(id));
        }

        using var reopened = SqlitePresignatureLedger.Open(DatabasePath);
        Assert.False(reopened.TryMarkUsed(id));
    }

    [Fact]
    public async Task Thirty_two_parallel_callers_with_the_same_id_get_exactly_one_true()
    {
        var id = RandomNumberGenerator.GetBytes(32);
        // Four ledgers (four connections) on one file, eight callers each: the guarantee must hold
        // across connections (and so across processes), not only inside one instance's lock.
        var ledgers = Enumerable.Range(0, 4).Select(_ => SqlitePresignatureLedger.Open(DatabasePath)).ToArray();
        try
        {
            using var start = new Barrier(32);
            var callers = Enumerable.Range(0, 32).Select(i => Task.Factory.StartNew(
                () =>
                {
                    start.SignalAndWait(TestContext.Current.CancellationToken);
                    return ledgers[i % ledgers.Length].TryMarkUsed(id);
                },
                TestContext.Current.CancellationToken,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default));
            var results = await Task.WhenAll(callers);
            Assert.Single(results, r => r);
        }
        finally
        {
            foreach (var ledger in ledgers)
            {
                ledger.Dispose();
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void An_id_of_the_wrong_length_is_refused(int length)
    {
        using var ledger = SqlitePresignatureLedger.Open(DatabasePath);
        Assert.Throws<ArgumentException>(() => ledger.TryMarkUsed(new byte[length]));
    }

    [Fact]
    public async Task The_ledger_shares_the_node_database_with_the_share_store()
    {
        var id = RandomNumberGenerator.GetBytes(32);
        using var root = await SoftwareRootKeyProvider.OpenOrCreateAsync(_dir.File("root.key"), TestContext.Current.CancellationToken);
        await using (var store = await ShareStore.OpenAsync(DatabasePath, "node-1", root, TestContext.Current.CancellationToken))
        {
            using var ledger = store.OpenPresignatureLedger();
            Assert.Equal(store.DatabasePath, ledger.DatabasePath);
            Assert.True(ledger.TryMarkUsed(id));
            await store.PutPendingAsync("wallet-1", 1, RandomNumberGenerator.GetBytes(64), TestContext.Current.CancellationToken);
            await store.CommitAsync("wallet-1", 1, TestContext.Current.CancellationToken);
        }

        using var reopened = SqlitePresignatureLedger.Open(DatabasePath);
        Assert.False(reopened.TryMarkUsed(id));
        Assert.Single(Directory.GetFiles(_dir.Path, "*.db"));
    }
}

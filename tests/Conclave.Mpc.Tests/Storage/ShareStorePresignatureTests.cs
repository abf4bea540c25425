using System.Security.Cryptography;
using Conclave.Mpc.Storage;
using Microsoft.Data.Sqlite;

namespace Conclave.Mpc.Tests.Storage;

/// <summary>Stored presignatures: sealed and bound to node, wallet and id; taken once; capped per wallet.</summary>
public sealed class ShareStorePresignatureTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string DatabasePath => _dir.File("node.db");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_presignature_is_stored_sealed_and_taken_exactly_once()
    {
        await using var store = await OpenAsync();
        var id = RandomNumberGenerator.GetBytes(32);
        var secret = RandomNumberGenerator.GetBytes(300);
        await store.PutPresignatureAsync("w", id, secret, 8, Ct);
        Assert.True(await store.HasPresignatureAsync("w", id, Ct));
        Assert.False(await store.HasPresignatureAsync("other", id, Ct));
        Assert.DoesNotContain(Convert.ToHexString(secret), Convert.ToHexString(await File.ReadAllBytesAsync(DatabasePath, Ct)), StringComparison.Ordinal);

        using (var taken = await store.TakePresignatureAsync("w", id, Ct))
        {
            Assert.NotNull(taken);
            Assert.Equal(secret, taken.Span.ToArray());
        }

        Assert.Null(await store.TakePresignatureAsync("w", id, Ct));
        Assert.False(await store.HasPresignatureAsync("w", id, Ct));
    }

    [Fact]
    public async Task A_row_moved_to_another_wallet_or_id_does_not_decrypt()
    {
        await using var store = await OpenAsync();
        var id = RandomNumberGenerator.GetBytes(32);
        var otherId = RandomNumberGenerator.GetBytes(32);
        await store.PutPresignatureAsync("w", id, new byte[100], 8, Ct);
        await store.PutPresignatureAsync("w", otherId, new byte[100], 8, Ct);
        await using (var raw = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString()))
        {
            await raw.OpenAsync(Ct);
            using var command = raw.CreateCommand();
            command.CommandText = "UPDATE presignatures SET sealed_presignature = (SELECT sealed_presignature FROM presignatures WHERE id = $a) WHERE id = $b;";
            command.Parameters.AddWithValue("$a", id);
            command.Parameters.AddWithValue("$b", otherId);
            Assert.Equal(1, await command.ExecuteNonQueryAsync(Ct));
        }

        var e = await Assert.ThrowsAsync<CryptographicException>(() => store.TakePresignatureAsync("w", otherId, Ct));
        Assert.Contains("'w'", e.Message, StringComparison.Ordinal);
        Assert.True(await store.HasPresignatureAsync("w", otherId, Ct)); // left in place
    }

    [Fact]
    public async Task Storing_beyond_the_cap_drops_the_oldest()
    {
        await using var store = await OpenAsync();
        var ids = Enumerable.Range(0, 5).Select(_ => RandomNumberGenerator.GetBytes(32)).ToList();
        foreach (var id in ids)
        {
            await store.PutPresignatureAsync("w", id, new byte[10], 3, Ct);
        }

        Assert.Equal(3, await store.CountPresignaturesAsync("w", Ct));
        Assert.False(await store.HasPresignatureAsync("w", ids[0], Ct));
        Assert.False(await store.HasPresignatureAsync("w", ids[1], Ct));
        Assert.True(await store.HasPresignatureAsync("w", ids[4], Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutPresignatureAsync("w", new byte[31], new byte[10], 3, Ct));
    }

    private async Task<ShareStore> OpenAsync()
    {
        using var root = await SoftwareRootKeyProvider.OpenOrCreateAsync(_dir.File("root.key"), Ct);
        return await ShareStore.OpenAsync(DatabasePath, "node-1", root, Ct);
    }
}

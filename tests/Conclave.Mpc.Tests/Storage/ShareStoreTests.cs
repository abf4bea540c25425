using System.Security.Cryptography;
using Conclave.Mpc.Storage;
using Conclave.Mpc.Storage.Internal;
using Microsoft.Data.Sqlite;

namespace Conclave.Mpc.Tests.Storage;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // checks Unix file modes
public sealed class ShareStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string DatabasePath => _dir.File("node.db");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_committed_share_reads_back_as_written()
    {
        var share = RandomShare();
        await using var store = await OpenAsync();
        await store.PutPendingAsync("wallet-1", 1, share, Ct);
        await store.CommitAsync("wallet-1", 1, Ct);

        using var read = await store.GetCommittedAsync("wallet-1", Ct);
        Assert.NotNull(read);
        Assert.Equal("wallet-1", read.WalletId);
        Assert.Equal(1, read.KeyVersion);
        Assert.Equal(share, read.Share.Span.ToArray());
        Assert.Equal("<redacted>", read.ToString());
    }

    [Fact]
    public async Task A_committed_share_survives_reopening_the_store()
    {
        var share = RandomShare();
        await using (var store = await OpenAsync())
        {
            await store.PutPendingAsync("wallet-1", 3, share, Ct);
            await store.CommitAsync("wallet-1", 3, Ct);
            await store.SetWalletInfoAsync("wallet-1", """{"threshold":2}""", Ct);
        }

        await using var reopened = await OpenAsync();
        using var read = await reopened.GetCommittedAsync("wallet-1", Ct);
        Assert.NotNull(read);
        Assert.Equal(3, read.KeyVersion);
        Assert.Equal(share, read.Share.Span.ToArray());
        Assert.Equal("""{"threshold":2}""", await reopened.GetWalletInfoAsync("wallet-1", Ct));
        Assert.Equal(["wallet-1"], await reopened.ListCommittedWalletsAsync(Ct));
    }

    [Fact]
    public async Task An_older_membership_serial_is_refused_also_after_reopening()
    {
        await using (var store = await OpenAsync())
        {
            Assert.True(await store.AcceptMembershipSerialAsync(1, Ct));
            Assert.True(await store.AcceptMembershipSerialAsync(3, Ct));
            Assert.True(await store.AcceptMembershipSerialAsync(3, Ct));
            Assert.False(await store.AcceptMembershipSerialAsync(2, Ct));
        }

        await using var reopened = await OpenAsync();
        Assert.False(await reopened.AcceptMembershipSerialAsync(1, Ct));
        Assert.True(await reopened.AcceptMembershipSerialAsync(4, Ct));
        Assert.False(await reopened.AcceptMembershipSerialAsync(3, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => reopened.AcceptMembershipSerialAsync(ulong.MaxValue, Ct));
    }

    [Fact]
    public async Task A_pending_share_is_invisible_until_committed()
    {
        await using var store = await OpenAsync();
        await store.PutPendingAsync("wallet-1", 1, RandomShare(), Ct);

        Assert.Null(await store.GetCommittedAsync("wallet-1", Ct));
        Assert.Empty(await store.ListCommittedWalletsAsync(Ct));

        await store.CommitAsync("wallet-1", 1, Ct);
        using var read = await store.GetCommittedAsync("wallet-1", Ct);
        Assert.NotNull(read);
        Assert.Equal(["wallet-1"], await store.ListCommittedWalletsAsync(Ct));
    }

    [Fact]
    public async Task A_pending_share_of_a_newer_version_does_not_shadow_the_committed_one()
    {
        var v1 = RandomShare();
        await using var store = await OpenAsync();
        await store.PutPendingAsync("wallet-1", 1, v1, Ct);
        await store.CommitAsync("wallet-1", 1, Ct);
        await store.PutPendingAsync("wallet-1", 2, RandomShare(), Ct);

        using var read = await store.GetCommittedAsync("wallet-1", Ct);
        Assert.NotNull(read);
        Assert.Equal(1, read.KeyVersion);
        Assert.Equal(v1, read.Share.Span.ToArray());
    }

    [Fact]
    public async Task A_discarded_pending_share_is_gone_and_cannot_be_committed()
    {
        await using var store = await OpenAsync();
        await store.PutPendingAsync("wallet-1", 1, RandomShare(), Ct);

        Assert.True(await store.DiscardPendingAsync("wallet-1", 1, Ct));
        Assert.False(await store.DiscardPendingAsync("wallet-1", 1, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CommitAsync("wallet-1", 1, Ct));
        Assert.Null(await store.GetCommittedAsync("wallet-1", Ct));
    }

    [Fact]
    public async Task Discarding_does_not_touch_a_committed_share()
    {
        await using var store = await OpenAsync();
        await store.PutPendingAsync("wallet-1", 1, RandomShare(), Ct);
        await store.CommitAsync("wallet-1", 1, Ct);

        Assert.False(await store.DiscardPendingAsync("wallet-1", 1, Ct));
        using var read = await store.GetCommittedAsync("wallet-1", Ct);
        Assert.NotNull(read);
    }

    [Fact]
    public async Task A_committed_share_is_never_overwritten_by_a_pending_one()
    {
        var share = RandomShare();
        await using var store = await OpenAsync();
        await store.PutPendingAsync("wallet-1", 1, share, Ct);
        await store.CommitAsync("wallet-1", 1, Ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.PutPendingAsync("wallet-1", 1, RandomShare(), Ct));
        using var read = await store.GetCommittedAsync("wallet-1", Ct);
        Assert.Equal(share, read!.Share.Span.ToArray());
    }

    [Fact]
    public async Task A_retried_keygen_replaces_its_pending_share()
    {
        var second = RandomShare();
        await using var store = await OpenAsync();
        await store.PutPendingAsync("wallet-1", 1, RandomShare(), Ct);
        await store.PutPendingAsync("wallet-1", 1, second, Ct);
        await store.CommitAsync("wallet-1", 1, Ct);
        await store.CommitAsync("wallet-1", 1, Ct); // idempotent

        using var read = await store.GetCommittedAsync("wallet-1", Ct);
        Assert.Equal(second, read!.Share.Span.ToArray());
    }

    [Fact]
    public async Task Delete_removes_only_the_given_committed_version()
    {
        await using var store = await OpenAsync();
        await store.PutPendingAsync("wallet-1", 1, RandomShare(), Ct);
        await store.CommitAsync("wallet-1", 1, Ct);
        await store.PutPendingAsync("wallet-1", 2, RandomShare(), Ct);
        await store.CommitAsync("wallet-1", 2, Ct);

        Assert.True(await store.DeleteAsync("wallet-1", 2, Ct));
        Assert.False(await store.DeleteAsync("wallet-1", 2, Ct));
        using var read = await store.GetCommittedAsync("wallet-1", Ct);
        Assert.Equal(1, read!.KeyVersion);
    }

    [Fact]
    public async Task Replace_commits_the_new_version_and_deletes_the_old_one()
    {
        var v2 = RandomShare();
        await using var store = await OpenAsync();
        await store.PutPendingAsync("wallet-1", 1, RandomShare(), Ct);
        await store.CommitAsync("wallet-1", 1, Ct);
        await store.PutPendingAsync("wallet-1", 2, v2, Ct);

        await store.ReplaceAsync("wallet-1", 1, 2, Ct);

        using var read = await store.GetCommittedAsync("wallet-1", Ct);
        Assert.Equal(2, read!.KeyVersion);
        Assert.Equal(v2, read.Share.Span.ToArray());
        Assert.False(await store.DeleteAsync("wallet-1", 1, Ct));
        Assert.Equal(1, await CountRowsAsync("wallet-1"));
    }

    [Theory]
    [InlineData("replace:committed-new", false)]
    [InlineData("replace:deleted-old", false)]
    [InlineData("replace:committed-new", true)]
    [InlineData("replace:deleted-old", true)]
    public async Task A_failure_inside_replace_leaves_the_previous_committed_share_intact(string failurePoint, bool cancel)
    {
        var v1 = RandomShare();
        await using var store = await OpenAsync();
        await store.PutPendingAsync("wallet-1", 1, v1, Ct);
        await store.CommitAsync("wallet-1", 1, Ct);
        await store.PutPendingAsync("wallet-1", 2, RandomShare(), Ct);

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        store.FailurePointForTests = point =>
        {
            if (point != failurePoint)
            {
                return;
            }

            if (cancel)
            {
                cts.Cancel();
            }
            else
            {
                throw new IOException("simulated failure");
            }
        };
        if (cancel)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.ReplaceAsync("wallet-1", 1, 2, cts.Token));
        }
        else
        {
            await Assert.ThrowsAsync<IOException>(() => store.ReplaceAsync("wallet-1", 1, 2, cts.Token));
        }

        store.FailurePointForTests = null;
        using (var read = await store.GetCommittedAsync("wallet-1", Ct))
        {
            Assert.Equal(1, read!.KeyVersion);
            Assert.Equal(v1, read.Share.Span.ToArray());
        }

        // the new version is still pending, so the replace can be retried
        Assert.Equal(2, await CountRowsAsync("wallet-1"));
        await store.ReplaceAsync("wallet-1", 1, 2, Ct);
        using var after = await store.GetCommittedAsync("wallet-1", Ct);
        Assert.Equal(2, after!.KeyVersion);
    }

    [Theory]
    [InlineData("wallet-2", 1)]
    [InlineData("wallet-1", 2)]
    public async Task A_ciphertext_copied_onto_another_wallet_or_version_does_not_decrypt(string targetWallet, int targetVersion)
    {
        var share = RandomShare();
        await using var store = await OpenAsync();
        await store.PutPendingAsync("wallet-1", 1, share, Ct);
        await store.CommitAsync("wallet-1", 1, Ct);
        await store.PutPendingAsync(targetWallet, targetVersion, RandomShare(), Ct);
        await store.CommitAsync(targetWallet, targetVersion, Ct);

        await using (var raw = await RawAsync())
        {
            await using var copy = raw.CreateCommand();
            copy.CommandText = """
                UPDATE shares SET sealed_share = (SELECT sealed_share FROM shares WHERE wallet_id = 'wallet-1' AND key_version = 1)
                WHERE wallet_id = $wallet AND key_version = $version;
                """;
            copy.Parameters.AddWithValue("$wallet", targetWallet);
            copy.Parameters.AddWithValue("$version", targetVersion);
            Assert.Equal(1, await copy.ExecuteNonQueryAsync(Ct));
        }

        var e = await Assert.ThrowsAsync<CryptographicException>(() => store.GetCommittedAsync(targetWallet, Ct));
        Assert.Contains($"wallet '{targetWallet}' key version {targetVersion}", e.Message, StringComparison.Ordinal);
        AssertNamesNoShareBytes(e, share);

        // the source row is untouched and still decrypts
        if (targetWallet != "wallet-1")
        {
            using var source = await store.GetCommittedAsync("wallet-1", Ct);
            Assert.Equal(share, source!.Share.Span.ToArray());
        }
    }

    [Fact]
    public async Task A_tampered_ciphertext_does_not_decrypt_and_cannot_be_committed()
    {
        var share = RandomShare();
        await using var store = await OpenAsync();
        await store.PutPendingAsync("wallet-1", 1, share, Ct);
        await FlipLastByteAsync("wallet-1", 1);

        var e = await Assert.ThrowsAsync<CryptographicException>(() => store.CommitAsync("wallet-1", 1, Ct));
        AssertNamesNoShareBytes(e, share);
        Assert.Null(await store.GetCommittedAsync("wallet-1", Ct));

        await store.PutPendingAsync("wallet-1", 1, share, Ct);
        await store.CommitAsync("wallet-1", 1, Ct);
        await FlipLastByteAsync("wallet-1", 1);
        e = await Assert.ThrowsAsync<CryptographicException>(() => store.GetCommittedAsync("wallet-1", Ct));
        Assert.Contains("wallet 'wallet-1' key version 1", e.Message, StringComparison.Ordinal);
        AssertNamesNoShareBytes(e, share);
    }

    [Fact]
    public void A_share_sealed_for_one_node_does_not_open_as_another_node()
    {
        using var dataKey = Conclave.Crypto.SecretBytes.Copy(RandomNumberGenerator.GetBytes(32));
        var share = RandomShare();
        var sealedShare = ShareCipher.Seal(dataKey, share, ShareCipher.AssociatedData("node-1", "wallet-1", 1));

        using (var opened = ShareCipher.Open(dataKey, sealedShare, ShareCipher.AssociatedData("node-1", "wallet-1", 1)))
        {
            Assert.Equal(share, opened.Span.ToArray());
        }

        Assert.ThrowsAny<CryptographicException>(() => ShareCipher.Open(dataKey, sealedShare, ShareCipher.AssociatedData("node-2", "wallet-1", 1)));
    }

    [Fact]
    public void Associated_data_is_length_prefixed_so_id_boundaries_cannot_shift()
    {
        Assert.NotEqual(ShareCipher.AssociatedData("node-1", "wallet-1", 1), ShareCipher.AssociatedData("node-1w", "allet-1", 1));
        Assert.NotEqual(ShareCipher.AssociatedData("node-1", "wallet-1", 1), ShareCipher.AssociatedData("node-1", "wallet-1", 2));
    }

    [Fact]
    public async Task Another_node_id_cannot_open_the_store()
    {
        await using (var store = await OpenAsync("node-1"))
        {
            await store.PutPendingAsync("wallet-1", 1, RandomShare(), Ct);
            await store.CommitAsync("wallet-1", 1, Ct);
        }

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => OpenAsync("node-2"));
        Assert.Contains("belongs to node 'node-1', not 'node-2'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_whose_node_id_was_edited_cannot_unwrap_its_data_key()
    {
        await using (await OpenAsync("node-1"))
        {
        }

        await using (var raw = await RawAsync())
        {
            await using var edit = raw.CreateCommand();
            edit.CommandText = "UPDATE node SET node_id = 'node-2';";
            Assert.Equal(1, await edit.ExecuteNonQueryAsync(Ct));
        }

        var e = await Assert.ThrowsAsync<CryptographicException>(() => OpenAsync("node-2"));
        Assert.Contains("cannot unwrap its data key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_root_key_file_gives_a_clear_cryptographic_error()
    {
        await using (var store = await OpenAsync())
        {
            await store.PutPendingAsync("wallet-1", 1, RandomShare(), Ct);
            await store.CommitAsync("wallet-1", 1, Ct);
        }

        using var otherRoot = await SoftwareRootKeyProvider.OpenOrCreateAsync(_dir.File("other-root.key"), Ct);
        var e = await Assert.ThrowsAsync<CryptographicException>(() => ShareStore.OpenAsync(DatabasePath, "node-1", otherRoot, Ct));
        Assert.Contains("cannot unwrap its data key", e.Message, StringComparison.Ordinal);
        Assert.Contains("root key is not the one the store was created with", e.Message, StringComparison.Ordinal);

        // the failed open changed nothing: the right root key still opens it
        await using var reopened = await OpenAsync();
        using var read = await reopened.GetCommittedAsync("wallet-1", Ct);
        Assert.NotNull(read);
    }

    [Fact]
    public async Task Sql_injection_looking_wallet_ids_are_stored_and_read_back_literally()
    {
        const string hostile = "w1'; DROP TABLE shares;--";
        const string quoteOr = "x' OR '1'='1";
        var share = RandomShare();
        await using var store = await OpenAsync();
        await store.PutPendingAsync("w1", 1, RandomShare(), Ct);
        await store.CommitAsync("w1", 1, Ct);
        await store.PutPendingAsync(hostile, 1, share, Ct);
        await store.CommitAsync(hostile, 1, Ct);
        await store.SetWalletInfoAsync(hostile, "{\"note\":\"'); DELETE FROM wallets;--\"}", Ct);

        using (var read = await store.GetCommittedAsync(hostile, Ct))
        {
            Assert.Equal(hostile, read!.WalletId);
            Assert.Equal(share, read.Share.Span.ToArray());
        }

        Assert.Null(await store.GetCommittedAsync(quoteOr, Ct));
        Assert.Equal(["w1", hostile], await store.ListCommittedWalletsAsync(Ct));
        Assert.Equal("{\"note\":\"'); DELETE FROM wallets;--\"}", await store.GetWalletInfoAsync(hostile, Ct));
        Assert.Equal(1, await CountRowsAsync(hostile));
    }

    [Fact]
    public async Task Wallet_info_is_stored_in_clear_and_replaced_on_update()
    {
        const string info = """{"keyType":"secp256k1","threshold":2,"parties":["n1","n2","n3"],"publicKey":"02ab"}""";
        await using var store = await OpenAsync();
        Assert.Null(await store.GetWalletInfoAsync("wallet-1", Ct));
        await store.SetWalletInfoAsync("wallet-1", "old", Ct);
        await store.SetWalletInfoAsync("wallet-1", info, Ct);
        Assert.Equal(info, await store.GetWalletInfoAsync("wallet-1", Ct));
    }

    [Fact]
    public async Task The_database_file_holds_no_share_in_clear_and_is_owner_only()
    {
        var share = RandomShare();
        await using (var store = await OpenAsync())
        {
            await store.PutPendingAsync("wallet-1", 1, share, Ct);
            await store.CommitAsync("wallet-1", 1, Ct);
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(DatabasePath));
        foreach (var file in Directory.GetFiles(_dir.Path, "node.db*"))
        {
            var bytes = await File.ReadAllBytesAsync(file, Ct);
            Assert.True(bytes.AsSpan().IndexOf(share.AsSpan(0, 16)) < 0, $"{file} contains share bytes in clear");
        }
    }

    [Fact]
    public async Task Disposing_the_store_wipes_the_data_key()
    {
        var store = await OpenAsync();
        var dataKey = store.DataKeyForTests;
        Assert.False(dataKey.IsDisposed);
        await store.DisposeAsync();
        Assert.True(dataKey.IsDisposed);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.GetCommittedAsync("wallet-1", Ct));
    }

    [Fact]
    public async Task Committing_a_share_that_was_never_written_is_refused()
    {
        await using var store = await OpenAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CommitAsync("wallet-1", 1, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.ReplaceAsync("wallet-1", 1, 2, Ct));
    }

    private static byte[] RandomShare() => RandomNumberGenerator.GetBytes(77 + (35 * 3));

    private static void AssertNamesNoShareBytes(CryptographicException e, byte[] share)
    {
        Assert.Null(e.InnerException);
        var text = e.ToString();
        Assert.DoesNotContain(Convert.ToHexString(share.AsSpan(0, 8)), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(share.AsSpan(0, 6)), text, StringComparison.Ordinal);
    }

    private async Task<ShareStore> OpenAsync(string nodeId = "node-1")
    {
        using var root = await SoftwareRootKeyProvider.OpenOrCreateAsync(_dir.File("root.key"), Ct);
        return await ShareStore.OpenAsync(DatabasePath, nodeId, root, Ct);
    }

    private async Task<SqliteConnection> RawAsync()
    {
        var raw = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await raw.OpenAsync(Ct);
        return raw;
    }

    private async Task<long> CountRowsAsync(string walletId)
    {
        await using var raw = await RawAsync();
        await using var count = raw.CreateCommand();
        count.CommandText = "SELECT count(*) FROM shares WHERE wallet_id = $wallet;";
        count.Parameters.AddWithValue("$wallet", walletId);
        return (long)(await count.ExecuteScalarAsync(Ct))!;
    }

    private async Task FlipLastByteAsync(string walletId, int keyVersion)
    {
        await using var raw = await RawAsync();
        await using var command = raw.CreateCommand();
        command.CommandText = "SELECT sealed_share FROM shares WHERE wallet_id = $wallet AND key_version = $version;";
        command.Parameters.AddWithValue("$wallet", walletId);
        command.Parameters.AddWithValue("$version", keyVersion);
        var sealedShare = (byte[])(await command.ExecuteScalarAsync(Ct))!;
        sealedShare[^1] ^= 0x01;
        command.CommandText = "UPDATE shares SET sealed_share = $sealed WHERE wallet_id = $wallet AND key_version = $version;";
        command.Parameters.AddWithValue("$sealed", sealedShare);
        Assert.Equal(1, await command.ExecuteNonQueryAsync(Ct));
    }
}

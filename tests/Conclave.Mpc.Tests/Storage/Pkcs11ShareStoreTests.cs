using System.Security.Cryptography;
using Conclave.Mpc.Storage;

namespace Conclave.Mpc.Tests.Storage;

public sealed class Pkcs11ShareStoreTests(SoftHsmToken token) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("conclave-pkcs11-store-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string DatabasePath => Path.Combine(_directory, "node.db");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_share_store_rooted_in_the_hsm_reads_its_shares_back_after_reopening()
    {
        var label = SoftHsmToken.NewKeyLabel("share-store");
        var share = RandomNumberGenerator.GetBytes(182);
        using (var root = Pkcs11RootKeyProvider.Open(token.Options(label)))
        {
            await using var store = await ShareStore.OpenAsync(DatabasePath, "node-1", root, Ct);
            await store.PutPendingAsync("wallet-1", 1, share, Ct);
            await store.CommitAsync("wallet-1", 1, Ct);
        }

        using var reopenedRoot = Pkcs11RootKeyProvider.Open(token.Options(label));
        await using var reopened = await ShareStore.OpenAsync(DatabasePath, "node-1", reopenedRoot, Ct);
        using var read = await reopened.GetCommittedAsync("wallet-1", Ct);
        Assert.NotNull(read);
        Assert.Equal(share, read.Share.Span.ToArray());
    }

    [Fact]
    public async Task A_share_store_does_not_open_under_another_hsm_key()
    {
        using (var root = Pkcs11RootKeyProvider.Open(token.Options(SoftHsmToken.NewKeyLabel("store-a"))))
        {
            await using var store = await ShareStore.OpenAsync(DatabasePath, "node-1", root, Ct);
        }

        using var otherRoot = Pkcs11RootKeyProvider.Open(token.Options(SoftHsmToken.NewKeyLabel("store-b")));
        await Assert.ThrowsAsync<CryptographicException>(() => ShareStore.OpenAsync(DatabasePath, "node-1", otherRoot, Ct));
    }
}

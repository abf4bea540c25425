using System.Text;
using Conclave.Kms.Tenants;
using Conclave.Mpc.Storage;

namespace Conclave.Kms.Tests.Tenants;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // checks Unix file modes
public sealed class PrincipalFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("conclave-principals-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_created_principal_is_found_again_after_reopening_with_the_same_secret()
    {
        using var root = await SoftwareRootKeyProvider.OpenOrCreateAsync(Path.Combine(_directory, "root.key"), Ct);
        var path = Path.Combine(_directory, "principals.json");
        string secret;
        KmsPrincipal principal;
        using (var file = await PrincipalFile.OpenOrCreateAsync(path, root, Ct))
        {
            var created = await file.CreateAsync("111122223333", "dev", Ct);
            using var secretBytes = created.SecretAccessKey;
            secret = Encoding.ASCII.GetString(secretBytes.Span);
            principal = created.Principal;
        }

        using var reopened = await PrincipalFile.OpenOrCreateAsync(path, root, Ct);
        var found = await reopened.FindAsync(principal.AccessKeyId, Ct);

        Assert.NotNull(found);
        using var foundSecret = found.Value.SecretAccessKey;
        Assert.Equal(principal, found.Value.Principal);
        Assert.Equal(secret, Encoding.ASCII.GetString(foundSecret.Span));
        Assert.Matches("^AKIA[A-Z2-7]{16}$", principal.AccessKeyId);
        Assert.Equal(40, secret.Length);
        Assert.Null(await reopened.FindAsync("AKIAUNKNOWN000000000", Ct));
        Assert.DoesNotContain(secret, await File.ReadAllTextAsync(path, Ct), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task Another_root_key_cannot_open_the_file()
    {
        using var root = await SoftwareRootKeyProvider.OpenOrCreateAsync(Path.Combine(_directory, "root.key"), Ct);
        using var otherRoot = await SoftwareRootKeyProvider.OpenOrCreateAsync(Path.Combine(_directory, "other.key"), Ct);
        var path = Path.Combine(_directory, "principals.json");
        using (var file = await PrincipalFile.OpenOrCreateAsync(path, root, Ct))
        {
            (await file.CreateAsync("111122223333", "dev", Ct)).SecretAccessKey.Dispose();
        }

        await Assert.ThrowsAnyAsync<System.Security.Cryptography.CryptographicException>(async () => await PrincipalFile.OpenOrCreateAsync(path, otherRoot, Ct));
    }

    [Fact]
    public async Task Concurrent_writers_through_separate_instances_lose_no_principal()
    {
        using var root = await SoftwareRootKeyProvider.OpenOrCreateAsync(Path.Combine(_directory, "root.key"), Ct);
        var path = Path.Combine(_directory, "principals.json");
        var opened = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => PrincipalFile.OpenOrCreateAsync(path, root, Ct)));
        var files = opened.ToList();
        try
        {
            using (var first = await PrincipalFile.OpenOrCreateAsync(path, root, Ct))
            {
                Assert.Equal(0, first.Count); // all opened one file (one file key), not three
            }

            var doomed = await files[0].CreateAsync("111122223333", "doomed", Ct);
            doomed.SecretAccessKey.Dispose();
            var creates = files.SelectMany((file, i) => Enumerable.Range(0, 8).Select(j => Task.Run(async () =>
            {
                var (principal, secret) = await file.CreateAsync("111122223333", $"user-{i}-{j}", Ct);
                secret.Dispose();
                return principal.AccessKeyId;
            }, Ct))).ToList();
            var deleting = Task.Run(async () => await files[2].DeleteAsync(doomed.Principal.AccessKeyId, Ct), Ct);
            var created = await Task.WhenAll(creates);
            Assert.True(await deleting);

            using var reopened = await PrincipalFile.OpenOrCreateAsync(path, root, Ct);
            Assert.Equal(created.Order(StringComparer.Ordinal), reopened.List().Select(p => p.AccessKeyId));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path + ".lock"));
        }
        finally
        {
            files.ForEach(f => f.Dispose());
        }
    }

    [Fact]
    public async Task A_write_waits_while_another_writer_holds_the_lock()
    {
        using var root = await SoftwareRootKeyProvider.OpenOrCreateAsync(Path.Combine(_directory, "root.key"), Ct);
        var path = Path.Combine(_directory, "principals.json");
        using var file = await PrincipalFile.OpenOrCreateAsync(path, root, Ct);
        Task<(KmsPrincipal Principal, Conclave.Crypto.SecretBytes SecretAccessKey)> creating;
        using (new FileStream(path + ".lock", FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            creating = file.CreateAsync("111122223333", "waiting", Ct);
            await Task.Delay(300, Ct);
            Assert.False(creating.IsCompleted);
            using var reader = await PrincipalFile.OpenOrCreateAsync(path, root, Ct); // readers take no lock
            Assert.Equal(0, reader.Count);
        }

        (await creating).SecretAccessKey.Dispose();
        Assert.Equal(1, file.Count);
    }
}

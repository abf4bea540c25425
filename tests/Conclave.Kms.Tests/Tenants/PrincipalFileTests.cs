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
}

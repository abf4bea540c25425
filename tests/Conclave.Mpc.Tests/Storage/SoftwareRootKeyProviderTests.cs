using System.Security.Cryptography;
using Conclave.Crypto;
using Conclave.Mpc.Storage;

namespace Conclave.Mpc.Tests.Storage;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // checks Unix file modes
public sealed class SoftwareRootKeyProviderTests
{
    private static readonly byte[] Context = "node-1 data key"u8.ToArray();

    [Fact]
    public async Task A_missing_key_file_is_created_owner_only_with_32_random_bytes()
    {
        using var dir = new TempDirectory();
        var path = dir.File("root.key");
        using (await SoftwareRootKeyProvider.OpenOrCreateAsync(path, TestContext.Current.CancellationToken))
        {
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(32, bytes.Length);
        Assert.Contains(bytes, b => b != 0);
        Assert.Single(Directory.GetFiles(dir.Path)); // no temporary file left behind
    }

    [Fact]
    public async Task Two_created_key_files_hold_different_keys()
    {
        using var dir = new TempDirectory();
        using (await SoftwareRootKeyProvider.OpenOrCreateAsync(dir.File("a.key"), TestContext.Current.CancellationToken))
        using (await SoftwareRootKeyProvider.OpenOrCreateAsync(dir.File("b.key"), TestContext.Current.CancellationToken))
        {
        }

        Assert.NotEqual(await File.ReadAllBytesAsync(dir.File("a.key"), TestContext.Current.CancellationToken), await File.ReadAllBytesAsync(dir.File("b.key"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_key_wrapped_before_reopening_the_key_file_unwraps_after()
    {
        using var dir = new TempDirectory();
        var path = dir.File("root.key");
        using var dataKey = SecretBytes.Copy(RandomNumberGenerator.GetBytes(32));
        byte[] wrapped;
        using (var provider = await SoftwareRootKeyProvider.OpenOrCreateAsync(path, TestContext.Current.CancellationToken))
        {
            wrapped = await provider.WrapAsync(dataKey, Context, TestContext.Current.CancellationToken);
        }

        Assert.False(wrapped.AsSpan().IndexOf(dataKey.Span) >= 0, "the wrapped key contains the data key in clear");
        using var reopened = await SoftwareRootKeyProvider.OpenOrCreateAsync(path, TestContext.Current.CancellationToken);
        using var unwrapped = await reopened.UnwrapAsync(wrapped, Context, TestContext.Current.CancellationToken);
        Assert.True(unwrapped.Span.SequenceEqual(dataKey.Span));
    }

    [Fact]
    public async Task Wrapping_twice_uses_fresh_nonces()
    {
        using var dir = new TempDirectory();
        using var provider = await SoftwareRootKeyProvider.OpenOrCreateAsync(dir.File("root.key"), TestContext.Current.CancellationToken);
        using var dataKey = SecretBytes.Copy(new byte[32]);
        var first = await provider.WrapAsync(dataKey, Context, TestContext.Current.CancellationToken);
        var second = await provider.WrapAsync(dataKey, Context, TestContext.Current.CancellationToken);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Unwrapping_with_another_root_key_throws_a_cryptographic_exception()
    {
        using var dir = new TempDirectory();
        using var a = await SoftwareRootKeyProvider.OpenOrCreateAsync(dir.File("a.key"), TestContext.Current.CancellationToken);
        using var b = await SoftwareRootKeyProvider.OpenOrCreateAsync(dir.File("b.key"), TestContext.Current.CancellationToken);
        using var dataKey = SecretBytes.Copy(RandomNumberGenerator.GetBytes(32));
        var wrapped = await a.WrapAsync(dataKey, Context, TestContext.Current.CancellationToken);
        var e = await Assert.ThrowsAsync<CryptographicException>(async () => await b.UnwrapAsync(wrapped, Context, TestContext.Current.CancellationToken));
        Assert.Contains("not the root key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unwrapping_with_another_context_fails()
    {
        using var dir = new TempDirectory();
        using var provider = await SoftwareRootKeyProvider.OpenOrCreateAsync(dir.File("root.key"), TestContext.Current.CancellationToken);
        using var dataKey = SecretBytes.Copy(RandomNumberGenerator.GetBytes(32));
        var wrapped = await provider.WrapAsync(dataKey, Context, TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<CryptographicException>(async () => await provider.UnwrapAsync(wrapped, "node-2 data key"u8.ToArray(), TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(0b110_100_100)] // 0644
    [InlineData(0b110_110_000)] // 0660
    [InlineData(0b110_000_100)] // 0604
    public async Task A_key_file_readable_by_group_or_others_is_refused(int mode)
    {
        using var dir = new TempDirectory();
        var path = dir.File("root.key");
        using (await SoftwareRootKeyProvider.OpenOrCreateAsync(path, TestContext.Current.CancellationToken))
        {
        }

        File.SetUnixFileMode(path, (UnixFileMode)mode);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => SoftwareRootKeyProvider.OpenOrCreateAsync(path, TestContext.Current.CancellationToken));
        Assert.Contains("0600", e.Message, StringComparison.Ordinal);
        Assert.Contains("group or others", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_file_readable_only_by_its_owner_is_accepted()
    {
        using var dir = new TempDirectory();
        var path = dir.File("root.key");
        using (await SoftwareRootKeyProvider.OpenOrCreateAsync(path, TestContext.Current.CancellationToken))
        {
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead);
        using var provider = await SoftwareRootKeyProvider.OpenOrCreateAsync(path, TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public async Task A_key_file_of_the_wrong_length_is_refused(int length)
    {
        using var dir = new TempDirectory();
        var path = dir.File("root.key");
        await using (var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        {
            await stream.WriteAsync(RandomNumberGenerator.GetBytes(length), TestContext.Current.CancellationToken);
        }

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => SoftwareRootKeyProvider.OpenOrCreateAsync(path, TestContext.Current.CancellationToken));
        Assert.Contains($"holds {length} bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains("exactly 32 bytes", e.Message, StringComparison.Ordinal);
    }
}

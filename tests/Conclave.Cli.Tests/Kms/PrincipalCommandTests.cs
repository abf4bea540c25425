using System.Globalization;
using System.Security.Cryptography;
using Conclave.Cli.Tests.Up;

namespace Conclave.Cli.Tests.Kms;

/// <summary><c>conclave principal</c> against the data directory of a running <c>conclave server</c>.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PrincipalCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "conclave-principal-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_created_principal_works_on_the_running_server_in_its_own_account_and_stops_working_once_deleted()
    {
        var data = Path.Combine(_dir, "data");
        var port = ConclaveProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        var noServer = await KeysCommandTests.RunAsync([], "principal", "list", "--data-dir", data);
        Assert.Equal(1, noServer.Exit);
        Assert.Contains("no KMS root key", noServer.Stderr, StringComparison.Ordinal);

        using var server = new ConclaveProcess("server", "--data-dir", data, "--api-port", port);
        await server.WaitForLineAsync("ready kms=", TimeSpan.FromSeconds(90));

        var created = await KeysCommandTests.RunAsync([], "principal", "create", "--account", "123456789012", "--name", "ci", "--data-dir", data);
        Assert.True(created.Exit == 0, created.Stderr);
        var env = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = KeysCommandTests.Value(created.Stdout, "AWS_ACCESS_KEY_ID"),
            ["AWS_SECRET_ACCESS_KEY"] = KeysCommandTests.Value(created.Stdout, "AWS_SECRET_ACCESS_KEY"),
            ["AWS_ENDPOINT_URL_KMS"] = $"http://127.0.0.1:{port}",
        };
        var list = await KeysCommandTests.RunAsync([], "principal", "list", "--data-dir", data);
        Assert.Contains(env["AWS_ACCESS_KEY_ID"] + "\t123456789012\tci", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(env["AWS_SECRET_ACCESS_KEY"], list.Stdout, StringComparison.Ordinal);

        var key = await RetryAsync(() => KeysCommandTests.RunAsync(env, "keys", "create"), r => r.Exit == 0);
        Assert.Contains(":123456789012:key/", key.Stdout, StringComparison.Ordinal);

        var deleted = await KeysCommandTests.RunAsync([], "principal", "delete", env["AWS_ACCESS_KEY_ID"], "--data-dir", data);
        Assert.Equal(0, deleted.Exit);
        var refused = await RetryAsync(() => KeysCommandTests.RunAsync(env, "keys", "list"), r => r.Exit != 0);
        Assert.Equal(1, refused.Exit);
        Assert.Equal(1, (await KeysCommandTests.RunAsync([], "principal", "delete", env["AWS_ACCESS_KEY_ID"], "--data-dir", data)).Exit);
        Assert.Equal(2, (await KeysCommandTests.RunAsync([], "principal", "create", "--account", "12", "--name", "x", "--data-dir", data)).Exit);
    }

    /// <summary>The server checks the file at most once per second: retry for a few seconds.</summary>
    private static async Task<(int Exit, string Stdout, string Stderr)> RetryAsync(Func<Task<(int Exit, string Stdout, string Stderr)>> run, Func<(int Exit, string Stdout, string Stderr), bool> done)
    {
        var result = await run();
        for (var attempt = 0; attempt < 10 && !done(result); attempt++)
        {
            await Task.Delay(500, TestContext.Current.CancellationToken);
            result = await run();
        }

        return result;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Conclave.Cli.Tests.Up;

namespace Conclave.Cli.Tests.Kms;

/// <summary>
/// <c>conclave keys</c> as users run it: real <c>conclave keys ...</c> processes against a real
/// <c>conclave server</c> on a free loopback port, with the credentials it printed.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class KeysCommandTests : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "conclave-keys-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)));
    private ConclaveProcess? _server;
    private Dictionary<string, string> _env = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var port = ConclaveProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        _server = new ConclaveProcess("server", "--data-dir", Path.Combine(_dir, "data"), "--api-port", port, "--dev-principal");
        await _server.WaitForLineAsync("ready kms=", StartTimeout);
        var credentials = await File.ReadAllTextAsync(Path.Combine(_dir, "data", "dev-credentials.env"), Ct);
        _env = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = Value(credentials, "AWS_ACCESS_KEY_ID"),
            ["AWS_SECRET_ACCESS_KEY"] = Value(credentials, "AWS_SECRET_ACCESS_KEY"),
            ["AWS_ENDPOINT_URL_KMS"] = $"http://127.0.0.1:{port}",
            ["AWS_REGION"] = "us-east-1",
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.InterruptAsync(TimeSpan.FromSeconds(60));
            _server.Dispose();
        }

        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task Create_then_public_key_raw_gives_the_compressed_secp256k1_point_of_the_SPKI()
    {
        var keyId = await CreateAsync("ECC_SECG_P256K1");

        var raw = await RunAsync(_env, "keys", "public-key", keyId, "--raw");
        var pem = await RunAsync(_env, "keys", "public-key", keyId);

        Assert.Equal(0, raw.Exit);
        Assert.Equal(0, pem.Exit);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", pem.Stdout, StringComparison.Ordinal);
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pem.Stdout);
        var q = ecdsa.ExportParameters(false).Q;
        byte[] expected = [(byte)(0x02 | (q.Y![^1] & 1)), .. q.X!];
        var bytes = Convert.FromHexString(raw.Stdout.Trim());
        Assert.Equal(33, bytes.Length);
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public async Task Public_key_raw_of_an_Ed25519_key_is_its_32_bytes()
    {
        var keyId = await CreateAsync("ECC_NIST_EDWARDS25519");

        var raw = await RunAsync(_env, "keys", "public-key", keyId, "--raw");
        var pem = await RunAsync(_env, "keys", "public-key", keyId);

        Assert.Equal(0, raw.Exit);
        var spki = PemEncoding.Find(pem.Stdout) is var fields ? Convert.FromBase64String(pem.Stdout[fields.Base64Data]) : [];
        Assert.Equal(44, spki.Length);
        Assert.Equal(spki[12..], Convert.FromHexString(raw.Stdout.Trim()));
    }

    [Fact]
    public async Task Public_key_raw_of_an_RSA_key_fails_with_exit_1_and_a_clear_message()
    {
        var keyId = await CreateAsync("RSA_2048");

        var raw = await RunAsync(_env, "keys", "public-key", keyId, "--raw");

        Assert.Equal(1, raw.Exit);
        Assert.Contains("RSA keys have no raw form", raw.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", raw.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync(_env, "keys", "public-key", keyId)).Exit);
    }

    [Fact]
    public async Task List_and_describe_show_a_created_key()
    {
        var keyId = await CreateAsync("SYMMETRIC_DEFAULT", "--description", "from the cli");

        var list = await RunAsync(_env, "keys", "list");
        var describe = await RunAsync(_env, "keys", "describe", keyId);

        Assert.Equal(0, list.Exit);
        Assert.Contains(keyId, list.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, describe.Exit);
        using var json = JsonDocument.Parse(describe.Stdout);
        Assert.Equal("from the cli", json.RootElement.GetProperty("Description").GetString());
        Assert.Equal("ENCRYPT_DECRYPT", json.RootElement.GetProperty("KeyUsage").GetString());
    }

    [Fact]
    public async Task Bad_credentials_an_unknown_key_and_bad_usage_fail_clearly()
    {
        var wrongSecret = new Dictionary<string, string>(_env) { ["AWS_SECRET_ACCESS_KEY"] = "wrong-secret-wrong-secret-wrong-secret00" };
        var badCredentials = await RunAsync(wrongSecret, "keys", "list");
        var noCredentials = await RunAsync(new Dictionary<string, string>(_env) { ["AWS_ACCESS_KEY_ID"] = "" }, "keys", "list");
        var unknown = await RunAsync(_env, "keys", "describe", Guid.NewGuid().ToString());
        var unreachable = await RunAsync(_env, "keys", "list", "--endpoint-url", $"http://127.0.0.1:{ConclaveProcess.FreePort()}");
        var usage = await RunAsync(_env, "keys", "describe");

        Assert.Equal(1, badCredentials.Exit);
        Assert.Contains("keys: ", badCredentials.Stderr, StringComparison.Ordinal);
        Assert.Contains("signature", badCredentials.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("wrong-secret", badCredentials.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", badCredentials.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, noCredentials.Exit);
        Assert.Contains("AWS_ACCESS_KEY_ID", noCredentials.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("NotFoundException", unknown.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, unreachable.Exit);
        Assert.Contains("cannot reach the KMS", unreachable.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, usage.Exit);
    }

    private async Task<string> CreateAsync(string keySpec, params string[] extra)
    {
        var created = await RunAsync(_env, ["keys", "create", "--key-spec", keySpec, .. extra]);
        Assert.True(created.Exit == 0, created.Stderr);
        using var json = JsonDocument.Parse(created.Stdout);
        Assert.Equal(keySpec, json.RootElement.GetProperty("KeySpec").GetString());
        return json.RootElement.GetProperty("KeyId").GetString()!;
    }

    /// <summary>Runs <c>conclave</c> to completion with <paramref name="env"/> set (and any inherited AWS variables cleared).</summary>
    internal static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(Dictionary<string, string> env, params string[] arguments)
    {
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "conclave.dll"), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var name in psi.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            psi.Environment.Remove(name);
        }

        foreach (var (name, value) in env)
        {
            psi.Environment[name] = value;
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    internal static string Value(string text, string name)
    {
        var marker = $"export {name}=";
        var start = text.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(start >= 0, $"{name} is missing");
        start += marker.Length;
        var end = text.IndexOfAny(['\n', '\r'], start);
        return (end < 0 ? text[start..] : text[start..end]).Trim();
    }
}

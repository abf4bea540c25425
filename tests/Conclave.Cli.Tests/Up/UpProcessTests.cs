using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Conclave.Crypto.Signatures;

namespace Conclave.Cli.Tests.Up;

/// <summary>
/// <c>conclave up</c> as users run it: a real process serving the bridge API on a loopback port,
/// in both shapes (in-process nodes; one process per node over gRPC with mutual TLS).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class UpProcessTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "conclave-up-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)));
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(5) };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Up_serves_the_bridge_keeps_wallets_across_a_restart_and_stops_on_ctrl_c()
    {
        var port = ConclaveProcess.FreePort();
        var data = Path.Combine(_dir, "data");
        var bridge = $"http://127.0.0.1:{port}";
        string publicKey;
        string storeId;
        string checkpointKey;
        using (var up = new ConclaveProcess("up", "--data-dir", data, "--bridge-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--api-port", "0"))
        {
            await up.WaitForLineAsync("Press Ctrl-C to stop.", StartTimeout);
            Assert.Contains($"bridge API {bridge}", up.Output, StringComparison.Ordinal);
            storeId = System.Text.RegularExpressions.Regex.Match(up.Output, "custom key store (cks-[0-9a-f]{17}) ").Groups[1].Value;
            Assert.NotEmpty(storeId);
            Assert.Contains($"aws kms create-key --custom-key-store-id {storeId} --key-spec ECC_SECG_P256K1 --key-usage SIGN_VERIFY", up.Output, StringComparison.Ordinal);
            var keygen = await PostAsync($"{bridge}/keygen", """{"walletID":"w1","keyType":"ed25519","threshold":2,"totalParties":3}""");
            publicKey = keygen.GetProperty("publicKey").GetString()!;
            await SignEd25519Async(bridge, "w1", publicKey, null);
            Assert.Contains("audit log  signed every 60 s by MPC wallet conclave-kms-audit", up.Output, StringComparison.Ordinal);
            checkpointKey = await WaitForSignedCheckpointsAsync(data, 1);
            Assert.Equal(0, await up.InterruptAsync(TimeSpan.FromSeconds(60)));
        }

        using (var up = new ConclaveProcess("up", "--data-dir", data, "--bridge-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--api-port", "0"))
        {
            await up.WaitForLineAsync("Press Ctrl-C to stop.", StartTimeout);
            Assert.Contains($"custom key store {storeId} ", up.Output, StringComparison.Ordinal); // registered once, reconnected on restart
            var pubkey = await GetAsync($"{bridge}/pubkey/w1");
            Assert.Equal(publicKey, pubkey.GetProperty("publicKey").GetString());
            await SignEd25519Async(bridge, "w1", publicKey, ["node2", "node3"]);
            Assert.Equal(checkpointKey, await WaitForSignedCheckpointsAsync(data, 2));
            Assert.Equal(0, await up.InterruptAsync(TimeSpan.FromSeconds(60)));
        }

        // The restarted system signed the new head with the same (pinned) threshold key, and a
        // verifier pinning another key refuses the log.
        using (var verify = new ConclaveProcess("audit", "verify", "--data-dir", data, "--checkpoint-key", checkpointKey))
        {
            await verify.WaitForLineAsync("(pinned)", TimeSpan.FromSeconds(30));
            Assert.Equal(0, await verify.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Matches("audit: [2-9] signed checkpoints verified", verify.Output);
        }

        using var wrongKey = new ConclaveProcess("audit", "verify", "--data-dir", data, "--checkpoint-key", new string('1', 64));
        await wrongKey.WaitForLineAsync("is not signed by the pinned checkpoint key", TimeSpan.FromSeconds(30));
        Assert.Equal(1, await wrongKey.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>Runs <c>conclave audit verify</c> until the log has <paramref name="count"/> signed checkpoints (one is taken in the background at each start); answers their key.</summary>
    private static async Task<string> WaitForSignedCheckpointsAsync(string data, int count)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            using var verify = new ConclaveProcess("audit", "verify", "--data-dir", data);
            Assert.Equal(0, await verify.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            var found = System.Text.RegularExpressions.Regex.Match(verify.Output, "audit: ([0-9]+) signed checkpoints verified, .* key ([0-9a-f]{64}) \\(not pinned");
            if (found.Success && int.Parse(found.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= count)
            {
                return found.Groups[2].Value;
            }

            Assert.True(DateTime.UtcNow < deadline, "no signed audit checkpoint appeared: " + verify.Output);
            await Task.Delay(500, Ct);
        }
    }

    [Fact]
    public async Task Processes_mode_signs_both_key_types_over_grpc_and_keeps_signing_without_one_node()
    {
        var basePort = ConclaveProcess.FreeBasePort(3);
        var port = ConclaveProcess.FreePort();
        var data = Path.Combine(_dir, "data");
        Directory.CreateDirectory(data, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using (var init = new ConclaveProcess("cluster", "init", "--nodes", "3", "--dir", Path.Combine(data, "mpc"), "--base-port", basePort.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            await init.WaitForLineAsync("cluster of 3 nodes", TimeSpan.FromSeconds(60));
        }

        var bridge = $"http://127.0.0.1:{port}";
        using var up = new ConclaveProcess("up", "--processes", "--data-dir", data, "--bridge-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--api-port", "0");
        await up.WaitForLineAsync("Press Ctrl-C to stop.", StartTimeout);
        Assert.Contains($"[node2] ready node2 grpc=127.0.0.1:{basePort + 2}", up.Output, StringComparison.Ordinal);

        var ed = await PostAsync($"{bridge}/keygen", """{"walletID":"sol","keyType":"ed25519","threshold":2,"totalParties":3}""");
        var edKey = ed.GetProperty("publicKey").GetString()!;
        await SignEd25519Async(bridge, "sol", edKey, ["node1", "node3"]);

        // secp256k1: CGGMP21 keygen with each node's own fresh safe primes, then presign+sign.
        var ec = await PostAsync($"{bridge}/keygen", """{"walletID":"eth","keyType":"secp256k1","threshold":2,"totalParties":3,"chainType":"ethereum"}""");
        Assert.Equal("ethereum", ec.GetProperty("chainType").GetString());
        var ecKey = Convert.FromHexString(ec.GetProperty("publicKey").GetString()!);
        var hash = RandomNumberGenerator.GetBytes(32);
        var signed = await PostAsync($"{bridge}/sign", $$"""{"walletID":"eth","messageHash":"{{Convert.ToHexStringLower(hash)}}"}""");
        var signature = Convert.FromHexString(signed.GetProperty("signature").GetString()!);
        Assert.True(IndependentVerifier.VerifyEcdsaSecp256k1(ecKey, hash, signature));
        Assert.Equal(ecKey, EcdsaSecp256k1.Recover(hash, signature, signed.GetProperty("v").GetInt32()));

        // node3 dies: health degrades, the default signer set still signs, a set naming node3 is refused with 503.
        Assert.Equal(1, ConclaveProcess.KillWhereCommandLineContains(Path.Combine(data, "mpc", "node3.json")));
        var health = await GetAsync($"{bridge}/health");
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        await SignEd25519Async(bridge, "sol", edKey, null);
        using var refused = await _http.PostAsync($"{bridge}/sign", Json($$"""{"walletID":"sol","message":"00","signers":["node1","node3"]}"""), Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(0, await up.InterruptAsync(TimeSpan.FromSeconds(30)));
    }

    public void Dispose()
    {
        _http.Dispose();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");

    private async Task SignEd25519Async(string bridge, string walletId, string publicKeyHex, string[]? signers)
    {
        var message = RandomNumberGenerator.GetBytes(48);
        var signersJson = signers is null ? string.Empty : $",\"signers\":[{string.Join(',', signers.Select(s => $"\"{s}\""))}]";
        var signed = await PostAsync($"{bridge}/sign", $$"""{"walletID":"{{walletId}}","message":"{{Convert.ToHexStringLower(message)}}"{{signersJson}}}""");
        Assert.True(IndependentVerifier.VerifyEd25519(Convert.FromHexString(publicKeyHex), message, Convert.FromHexString(signed.GetProperty("signature").GetString()!)));
        if (signers is not null)
        {
            Assert.Equal(signers, signed.GetProperty("signers").EnumerateArray().Select(s => s.GetString()));
        }
    }

    private async Task<JsonElement> PostAsync(string url, string body)
    {
        using var response = await _http.PostAsync(url, Json(body), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private Task<JsonElement> GetAsync(string url) => _http.GetFromJsonAsync<JsonElement>(url, Ct);
}

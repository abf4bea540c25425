using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

namespace Conclave.Cli.Tests.Up;

/// <summary>
/// Real node processes started one by one with <c>conclave node run</c> on free loopback ports,
/// node1 with <c>--bridge-port</c> as coordinator: both key types through the bridge, and nodes
/// SIGKILLed before, during a sign and during a keygen, then restarted from their stores.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NodeProcessTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(90);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "conclave-nodes-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)));
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(5) };
    private readonly Dictionary<int, ConclaveProcess> _nodes = [];
    private string _bridge = string.Empty;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Five_nodes_sign_both_key_types_three_of_five_with_default_and_explicit_signers()
    {
        await StartClusterAsync(5);

        var ed = await PostOkAsync("/keygen", """{"walletID":"sol5","keyType":"ed25519","threshold":3,"totalParties":5}""");
        var edKey = Convert.FromHexString(ed.GetProperty("publicKey").GetString()!);
        var signed = await SignEd25519Async("sol5", edKey, null);
        Assert.Equal(["node1", "node2", "node3"], Signers(signed));
        await SignEd25519Async("sol5", edKey, ["node2", "node4", "node5"]);

        var ec = await PostOkAsync("/keygen", """{"walletID":"eth5","keyType":"secp256k1","threshold":3,"totalParties":5}""");
        var ecKey = Convert.FromHexString(ec.GetProperty("publicKey").GetString()!);
        signed = await SignSecp256k1Async("eth5", ecKey, null);
        Assert.Equal(["node1", "node2", "node3"], Signers(signed));
        await SignSecp256k1Async("eth5", ecKey, ["node1", "node3", "node5"]);
    }

    [Fact]
    public async Task A_node_killed_before_a_sign_is_refused_by_name_and_signs_again_after_a_restart()
    {
        await StartClusterAsync(3);
        var ed = await PostOkAsync("/keygen", """{"walletID":"sol","keyType":"ed25519","threshold":2,"totalParties":3}""");
        var edKey = Convert.FromHexString(ed.GetProperty("publicKey").GetString()!);

        Kill(3);
        var (status, error) = await PostAsync("/sign", """{"walletID":"sol","message":"00","signers":["node1","node3"]}""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("no_quorum", error.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("node3", error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        var signed = await SignEd25519Async("sol", edKey, null);
        Assert.Equal(["node1", "node2"], Signers(signed));

        await StartNodeAsync(3);
        await WaitReachableAsync("node3");
        Assert.Equal("ok", (await GetAsync("/health")).Body.GetProperty("status").GetString());
        await SignEd25519Async("sol", edKey, ["node2", "node3"]);
    }

    [Fact]
    public async Task A_node_killed_during_a_keygen_leaves_no_wallet_and_one_killed_during_a_sign_ends_the_request()
    {
        await StartClusterAsync(3);

        // Kill during keygen: secp256k1 keygen (aux info takes seconds), node3 SIGKILLed ~1 s in.
        var keygen = PostAsync("/keygen", """{"walletID":"half","keyType":"secp256k1","threshold":2,"totalParties":3}""");
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        Kill(3);
        var (status, body) = await WithinAsync(keygen);
        Assert.True(status is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable, $"keygen answered {(int)status}: {body}");
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/pubkey/half")).Status);

        await StartNodeAsync(3);
        await WaitReachableAsync("node3");
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/pubkey/half")).Status);
        var ec = await PostOkAsync("/keygen", """{"walletID":"half","keyType":"secp256k1","threshold":2,"totalParties":3}""");
        var ecKey = Convert.FromHexString(ec.GetProperty("publicKey").GetString()!);
        Assert.Equal(["node1", "node2", "node3"], ec.GetProperty("parties").EnumerateArray().Select(p => p.GetString()));

        // Kill during sign: presigning runs ~1 s; node2 SIGKILLed ~200 ms after the request.
        var hash = RandomNumberGenerator.GetBytes(32);
        var sign = PostAsync("/sign", $$"""{"walletID":"half","messageHash":"{{Convert.ToHexStringLower(hash)}}","signers":["node1","node2"]}""");
        await Task.Delay(TimeSpan.FromMilliseconds(200), Ct);
        Kill(2);
        (status, body) = await WithinAsync(sign);
        Assert.True(status is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable, $"sign answered {(int)status}: {body}");
        var error = body.GetProperty("error");
        Assert.Equal(status == HttpStatusCode.BadGateway ? "protocol_abort" : "no_quorum", error.GetProperty("code").GetString());
        var named = error.TryGetProperty("culprits", out var culprits)
            ? culprits.EnumerateArray().Select(c => c.GetString()).ToList()
            : [];
        Assert.True(named.Contains("node2") || error.GetProperty("message").GetString()!.Contains("node2", StringComparison.Ordinal), $"the error does not name node2: {body}");

        var signed = await SignSecp256k1Async("half", ecKey, null);
        Assert.Equal(["node1", "node3"], Signers(signed));
    }

    public void Dispose()
    {
        foreach (var node in _nodes.Values)
        {
            node.Dispose();
        }

        _http.Dispose();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static List<string?> Signers(JsonElement signed) => [.. signed.GetProperty("signers").EnumerateArray().Select(s => s.GetString())];

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");

    private static async Task<T> WithinAsync<T>(Task<T> request)
    {
        var watch = Stopwatch.StartNew();
        var answer = await request.WaitAsync(AnswerTimeout, Ct);
        TestContext.Current.TestOutputHelper?.WriteLine($"answered after {watch.Elapsed.TotalSeconds:F1} s");
        return answer;
    }

    private string Config(int k) => Path.Combine(_dir, "mpc", $"node{k}.json");

    private async Task StartClusterAsync(int n)
    {
        var basePort = ConclaveProcess.FreeBasePort(n);
        Directory.CreateDirectory(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using (var init = new ConclaveProcess("cluster", "init", "--nodes", n.ToString(CultureInfo.InvariantCulture), "--dir", Path.Combine(_dir, "mpc"), "--base-port", basePort.ToString(CultureInfo.InvariantCulture)))
        {
            await init.WaitForLineAsync($"cluster of {n} nodes", TimeSpan.FromSeconds(60));
        }

        var port = ConclaveProcess.FreePort();
        _bridge = $"http://127.0.0.1:{port}";
        await Task.WhenAll(Enumerable.Range(1, n).Select(StartNodeAsync));
        Assert.Contains($"ready node1 grpc=127.0.0.1:{basePort + 1} bridge={_bridge}", _nodes[1].Output, StringComparison.Ordinal);
        Assert.Contains($"ready node{n} grpc=127.0.0.1:{basePort + n}", _nodes[n].Output, StringComparison.Ordinal);

        // Just after start every node is busy (JIT, safe primes for its pool): the coordinator's first
        // probes (5 s each) can miss one, so wait until it sees them all before the first keygen.
        await WaitReachableAsync([.. Enumerable.Range(1, n).Select(k => $"node{k}")]);
    }

    private async Task StartNodeAsync(int k)
    {
        string[] args = k == 1
            ? ["node", "run", "--config", Config(k), "--bridge-port", new Uri(_bridge).Port.ToString(CultureInfo.InvariantCulture)]
            : ["node", "run", "--config", Config(k)];
        if (_nodes.Remove(k, out var old))
        {
            old.Dispose();
        }

        var node = new ConclaveProcess(args);
        _nodes[k] = node; // the synchronous part of each start runs in turn, so no lock

        await node.WaitForLineAsync($"ready node{k} ", StartTimeout);
    }

    private void Kill(int k) => Assert.Equal(1, ConclaveProcess.KillWhereCommandLineContains(Config(k)));

    /// <summary>Polls the coordinator's <c>/health</c> until it reports every one of <paramref name="nodeIds"/> reachable.</summary>
    private async Task WaitReachableAsync(params string[] nodeIds)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var health = await _http.GetFromJsonAsync<JsonElement>($"{_bridge}/health", Ct);
            var reachable = health.GetProperty("nodes").EnumerateArray().Where(n => n.GetProperty("reachable").GetBoolean()).Select(n => n.GetProperty("id").GetString()).ToList();
            if (nodeIds.All(reachable.Contains))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{string.Join(", ", nodeIds)} not all reachable from the coordinator within 60 s: {health}");
            await Task.Delay(TimeSpan.FromMilliseconds(250), Ct);
        }
    }

    private async Task<JsonElement> SignEd25519Async(string walletId, byte[] publicKey, string[]? signers)
    {
        var message = RandomNumberGenerator.GetBytes(48);
        var signed = await PostOkAsync("/sign", $$"""{"walletID":"{{walletId}}","message":"{{Convert.ToHexStringLower(message)}}"{{SignersJson(signers)}}}""");
        Assert.True(IndependentVerifier.VerifyEd25519(publicKey, message, Convert.FromHexString(signed.GetProperty("signature").GetString()!)));
        if (signers is not null)
        {
            Assert.Equal(signers, Signers(signed));
        }

        return signed;
    }

    private async Task<JsonElement> SignSecp256k1Async(string walletId, byte[] publicKey, string[]? signers)
    {
        var hash = RandomNumberGenerator.GetBytes(32);
        var signed = await PostOkAsync("/sign", $$"""{"walletID":"{{walletId}}","messageHash":"{{Convert.ToHexStringLower(hash)}}"{{SignersJson(signers)}}}""");
        Assert.True(IndependentVerifier.VerifyEcdsaSecp256k1(publicKey, hash, Convert.FromHexString(signed.GetProperty("signature").GetString()!)));
        if (signers is not null)
        {
            Assert.Equal(signers, Signers(signed));
        }

        return signed;
    }

    private static string SignersJson(string[]? signers) =>
        signers is null ? string.Empty : $",\"signers\":[{string.Join(',', signers.Select(s => $"\"{s}\""))}]";

    private async Task<JsonElement> PostOkAsync(string path, string body)
    {
        var (status, answer) = await WithinAsync(PostAsync(path, body));
        Assert.True(status == HttpStatusCode.OK, $"{path} answered {(int)status}: {answer}");
        return answer;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string body)
    {
        using var response = await _http.PostAsync($"{_bridge}{path}", Json(body), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path)
    {
        using var response = await _http.GetAsync($"{_bridge}{path}", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }
}

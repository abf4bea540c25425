using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;

namespace Conclave.Benchmarks;

/// <summary>
/// End to end as a client sees it: <c>conclave cluster init --nodes 3</c> on loopback ports, three
/// <c>conclave node run</c> processes talking gRPC to each other (node1 also serves the bridge API),
/// and HTTP requests to the bridge. Every request goes bridge → coordinator → nodes over gRPC, and
/// the sessions' sealed envelopes go node to node over gRPC. Uses the Release build of the CLI
/// (<c>src/Conclave.Cli/bin/Release/net10.0/conclave.dll</c>), building it first if it is missing,
/// or the <c>conclave.dll</c> named by the environment variable <c>CONCLAVE_BENCH_CLI</c>.
/// Setup prints each wallet's keygen latency, then makes <see cref="WarmUpSignatures"/> ed25519
/// signatures so the processes are warm. The secp256k1 wallet is created only for
/// <see cref="CggmpSign_Http_Grpc"/>: its keygen waits for the nodes' real safe-prime pools, which
/// fill in the background after the processes start (minutes on a busy machine).
/// </summary>
[MedianColumn]
[MinColumn]
[MaxColumn]
[Config(typeof(PercentileConfig))]
public class MpcGrpcBenchmarks
{
    /// <summary>How many signing requests <see cref="FrostSign_Http_Grpc_32Concurrent"/> sends at once.</summary>
    public const int Concurrency = 32;

    /// <summary>
    /// Signatures made in setup before anything is measured (16 at a time), so the three processes
    /// are past JIT tiering and the measurement is the steady state (the Quick job's two warm-up
    /// iterations are far too few for three fresh processes).
    /// </summary>
    public const int WarmUpSignatures = 600;

    private const string FrostWallet = "bench-ed25519";
    private const string CggmpWallet = "bench-secp256k1";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan CggmpKeygenTimeout = TimeSpan.FromMinutes(15);

    private readonly List<Process> _nodes = [];
    private string _directory = "";
    private HttpClient? _http;
    private string _messageHex = "";

    [GlobalSetup(Targets = [nameof(FrostSign_Http_Grpc), nameof(FrostSign_Http_Grpc_32Concurrent)])]
    public void SetupFrost() => SetupAsync(cggmp: false).GetAwaiter().GetResult();

    [GlobalSetup(Target = nameof(CggmpSign_Http_Grpc))]
    public void SetupCggmp() => SetupAsync(cggmp: true).GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _http?.Dispose();
        _http = null;
        foreach (var node in _nodes)
        {
            if (!node.HasExited)
            {
                node.Kill(entireProcessTree: true);
                node.WaitForExit(10_000);
            }

            node.Dispose();
        }

        _nodes.Clear();
        if (_directory.Length > 0 && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>One <c>POST /sign</c> with the ed25519 wallet (FROST 2-of-3, the first two nodes).</summary>
    [Benchmark]
    public Task<JsonObject> FrostSign_Http_Grpc() => SignAsync(FrostWallet, "message");

    /// <summary>
    /// <see cref="Concurrency"/> <c>POST /sign</c> requests at once; the reported time is per
    /// signature (OperationsPerInvoke), so signatures/s = 1 / mean.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Concurrency)]
    public Task FrostSign_Http_Grpc_32Concurrent() =>
        Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => SignAsync(FrostWallet, "message")));

    /// <summary>One <c>POST /sign</c> with the secp256k1 wallet (CGGMP21 2-of-3: presigning and signing in one request).</summary>
    [Benchmark]
    public Task<JsonObject> CggmpSign_Http_Grpc() => SignAsync(CggmpWallet, "messageHash");

    private static string RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Conclave.slnx")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Conclave.slnx not found above the benchmark's directory.");
    }

    private static async Task<string> CliAsync(string root)
    {
        // CONCLAVE_BENCH_CLI points at another build (for example of an earlier commit, to compare).
        if (Environment.GetEnvironmentVariable("CONCLAVE_BENCH_CLI") is { Length: > 0 } other)
        {
            return other;
        }

        var dll = Path.Combine(root, "src", "Conclave.Cli", "bin", "Release", "net10.0", "conclave.dll");
        if (!File.Exists(dll))
        {
            var (code, output) = await RunToEndAsync("dotnet", ["build", Path.Combine(root, "src", "Conclave.Cli"), "-c", "Release"]);
            if (code != 0 || !File.Exists(dll))
            {
                throw new InvalidOperationException($"Building the CLI failed:\n{output}");
            }
        }

        return dll;
    }

    private static async Task<(int Code, string Output)> RunToEndAsync(string file, string[] arguments)
    {
        var psi = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Cannot start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A base port b with b+1..b+count all free on 127.0.0.1 (what <c>cluster init --base-port</c> needs).</summary>
    private static int FreeBasePort(int count)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var b = RandomNumberGenerator.GetInt32(20000, 60000);
            if (Enumerable.Range(b + 1, count).All(IsFree))
            {
                return b;
            }
        }

        throw new InvalidOperationException("No free port range found.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private async Task SetupAsync(bool cggmp)
    {
        var root = RepositoryRoot();
        var dll = await CliAsync(root);
        _directory = Path.Combine(Path.GetTempPath(), $"conclave-grpc-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
        var cluster = Path.Combine(_directory, "mpc");
        var basePort = FreeBasePort(3).ToString(CultureInfo.InvariantCulture);
        var (code, output) = await RunToEndAsync("dotnet", [dll, "cluster", "init", "--nodes", "3", "--dir", cluster, "--base-port", basePort]);
        if (code != 0)
        {
            throw new InvalidOperationException($"cluster init failed ({code}):\n{output}");
        }

        var bridgePort = FreePort();
        var ready = new List<Task>();
        foreach (var (config, k) in Directory.GetFiles(cluster, "node*.json").Order(StringComparer.Ordinal).Select((c, k) => (c, k)))
        {
            string[] arguments = k == 0
                ? [dll, "node", "run", "--config", config, "--bridge-port", bridgePort.ToString(CultureInfo.InvariantCulture)]
                : [dll, "node", "run", "--config", config];
            ready.Add(Start(arguments));
        }

        var all = Task.WhenAll(ready);
        if (await Task.WhenAny(all, Task.Delay(StartTimeout)) != all)
        {
            throw new TimeoutException("The node processes did not all print their ready line.");
        }

        await all;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{bridgePort}"), Timeout = CggmpKeygenTimeout };
        await WaitUntilHealthyAsync();
        _messageHex = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await KeygenAsync(FrostWallet, "ed25519");
        var warming = Stopwatch.StartNew();
        for (var done = 0; done < WarmUpSignatures; done += 16)
        {
            await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => SignAsync(FrostWallet, "message")));
        }

        Console.WriteLine($"// warm-up: {WarmUpSignatures} ed25519 signs in {warming.Elapsed.TotalSeconds:F1} s");
        if (cggmp)
        {
            await KeygenAsync(CggmpWallet, "secp256k1");
        }
    }

    private Task Start(string[] arguments)
    {
        var psi = new ProcessStartInfo("dotnet", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var process = new Process { StartInfo = psi };
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("ready ", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => { }; // one line per node event: drained, not kept
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"A node process exited with {process.ExitCode}."));
        process.EnableRaisingEvents = true;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _nodes.Add(process);
        return ready.Task;
    }

    private async Task WaitUntilHealthyAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            try
            {
                var health = JsonNode.Parse(await _http!.GetStringAsync(new Uri("/health", UriKind.Relative)));
                if ((string?)health?["status"] == "ok")
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not serving yet
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("GET /health did not report ok in time.");
    }

    private async Task KeygenAsync(string walletId, string keyType)
    {
        var started = Stopwatch.GetTimestamp();
        await PostAsync("/keygen", new JsonObject { ["walletID"] = walletId, ["keyType"] = keyType, ["threshold"] = 2, ["totalParties"] = 3 });
        Console.WriteLine($"// keygen {keyType} 2-of-3 over gRPC (POST /keygen): {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F1} ms");
    }

    private Task<JsonObject> SignAsync(string walletId, string field) =>
        PostAsync("/sign", new JsonObject { ["walletID"] = walletId, [field] = _messageHex });

    private async Task<JsonObject> PostAsync(string path, JsonObject body)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _http!.PostAsync(new Uri(path, UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {text}");
        }

        return JsonNode.Parse(text)!.AsObject();
    }

    private sealed class PercentileConfig : BenchmarkDotNet.Configs.ManualConfig
    {
        public PercentileConfig() => AddColumn(BenchmarkDotNet.Columns.StatisticColumn.P95, BenchmarkDotNet.Columns.StatisticColumn.OperationsPerSecond);
    }
}

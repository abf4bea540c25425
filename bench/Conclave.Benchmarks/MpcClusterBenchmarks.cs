using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Conclave.Mpc.Coordination;
using Conclave.Mpc.Node;
using Conclave.Testing;

namespace Conclave.Benchmarks;

/// <summary>
/// End to end through an <see cref="EmbeddedCluster"/>: three nodes in this process over the
/// in-memory transport, each with its own data directory, store and identity, driven by the
/// <see cref="Coordinator"/> as the API would drive it (reachability probe, wallet lookup, session,
/// commit). Setup makes one ed25519 (FROST) and one secp256k1 (CGGMP21, TEST-ONLY fixture Paillier
/// primes) 2-of-3 wallet. CGGMP21 signing of a <c>messageHash</c> presigns per request; pooled
/// presignatures (one-round <c>message</c> signs) are measured by <see cref="MpcPooledSignLoad"/>.
/// </summary>
[MedianColumn]
[MinColumn]
[MaxColumn]
[Config(typeof(PercentileConfig))]
public class MpcClusterBenchmarks
{
    /// <summary>How many signing requests <see cref="FrostSign_2of3_32Concurrent"/> runs at once.</summary>
    public const int Concurrency = 32;

    private const string FrostWallet = "bench-ed25519";
    private const string CggmpWallet = "bench-secp256k1";

    private string _dataDirectory = "";
    private EmbeddedCluster? _cluster;
    private string _messageHex = "";
    private int _keygens;

    private Coordinator Coordinator => _cluster!.Coordinator;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _cluster?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _cluster = null;
        Directory.Delete(_dataDirectory, recursive: true);
    }

    /// <summary>One FROST ed25519 signature of a 32-byte message by the first two nodes.</summary>
    [Benchmark]
    public Task<SignResult> FrostSign_2of3() => Coordinator.SignAsync(FrostWallet, _messageHex, null);

    /// <summary>
    /// <see cref="Concurrency"/> FROST signing requests at once; the reported time is per signature
    /// (OperationsPerInvoke), so signatures/s = 1 / mean = 32 / (time for the batch).
    /// </summary>
    [Benchmark(OperationsPerInvoke = Concurrency)]
    public Task FrostSign_2of3_32Concurrent() =>
        Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Coordinator.SignAsync(FrostWallet, _messageHex, null)));

    /// <summary>One CGGMP21 secp256k1 signature of a 32-byte hash: presigning and signing in one request.</summary>
    [Benchmark]
    public Task<SignResult> CggmpSign_2of3() => Coordinator.SignAsync(CggmpWallet, null, _messageHex);

    /// <summary>A FROST ed25519 2-of-3 wallet: DKG among three nodes plus the commit (a new wallet id per call).</summary>
    [Benchmark]
    public Task<WalletInfo> FrostKeygen_2of3() =>
        Coordinator.KeygenAsync($"bench-keygen-{Interlocked.Increment(ref _keygens)}", KeyTypes.Ed25519, 2, 3);

    private async Task SetupAsync()
    {
        // A fresh data directory each run: the cluster directory under it must not exist yet.
        _dataDirectory = Path.Combine(Path.GetTempPath(), $"conclave-bench-{Guid.NewGuid():N}");
        _messageHex = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _cluster = await EmbeddedCluster.StartAsync(_dataDirectory, options: new MpcNodeOptions { PaillierKeySource = TestOnlySafePrimes.KeySource() });
        if (!_cluster.Created)
        {
            throw new InvalidOperationException($"The cluster under {_dataDirectory} already existed.");
        }

        await Coordinator.KeygenAsync(FrostWallet, KeyTypes.Ed25519, 2, 3);
        await Coordinator.KeygenAsync(CggmpWallet, KeyTypes.Secp256k1, 2, 3);
    }

    private sealed class PercentileConfig : BenchmarkDotNet.Configs.ManualConfig
    {
        public PercentileConfig() => AddColumn(BenchmarkDotNet.Columns.StatisticColumn.P95, BenchmarkDotNet.Columns.StatisticColumn.OperationsPerSecond);
    }
}

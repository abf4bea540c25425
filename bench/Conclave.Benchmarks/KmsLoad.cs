using System.Diagnostics;
using System.Globalization;

namespace Conclave.Benchmarks;

/// <summary>
/// <c>kms-load [seconds] [concurrency] [filter] [--postgres]</c>: a loopback load generator against an in-process
/// <see cref="KmsBenchHarness"/> (its store SQLite, or with <c>--postgres</c> a throwaway real PostgreSQL server on 127.0.0.1). For each scenario (SDK Encrypt+Decrypt of 1 KiB, SDK P-256 Sign,
/// the recorded SDK requests replayed with a plain HttpClient (server cost without the SDK), the SDK
/// against a stub that answers recorded responses (SDK cost without the server), and SDK-free calls
/// on the service in process) it keeps <c>concurrency</c> workers busy for
/// <c>seconds</c> (defaults 15 and 32), timing every operation with a <see cref="Stopwatch"/>, and
/// prints operations/s, p50, p99 and max. An Encrypt+Decrypt pair counts as one operation.
/// </summary>
public static class KmsLoad
{
    public static async Task RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var postgres = args.Contains("--postgres", StringComparer.Ordinal);
        args = args.Where(a => a != "--postgres").ToArray();
        var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 15;
        var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 32;
        var only = args.Length > 2 ? args[2] : null;
        await using var harness = await KmsBenchHarness.StartAsync(postgres).ConfigureAwait(false);
        Console.WriteLine($"kms-load: store {(postgres ? "postgres" : "sqlite")}, {seconds} s per scenario, {concurrency} in flight, {Environment.ProcessorCount} logical CPUs, .NET {Environment.Version}");
        Console.WriteLine($"{"scenario",-38} {"ops",9} {"ops/s",9} {"p50 ms",8} {"p99 ms",8} {"max ms",8}");
        (string Name, Func<Task> Operation)[] scenarios =
        [
            ("sdk encrypt+decrypt 1KiB (pair)", harness.SdkEncryptDecryptAsync),
            ("sdk sign p256", harness.SdkSignAsync),
            ("replay encrypt+decrypt 1KiB (pair)", harness.ReplayEncryptDecryptAsync),
            ("replay sign p256", harness.ReplaySignAsync),
            ("stub-sdk encrypt+decrypt 1KiB (pair)", harness.StubSdkEncryptDecryptAsync),
            ("service encrypt+decrypt 1KiB (pair)", harness.ServiceEncryptDecryptAsync),
            ("service sign p256", harness.ServiceSignAsync),
        ];
        foreach (var (name, operation) in scenarios)
        {
            if (only is not null && !name.Contains(only, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // A short warmup at the same concurrency so tiering and connection pools settle.
            await RunAsync(operation, TimeSpan.FromSeconds(Math.Min(2, seconds / 5)), concurrency).ConfigureAwait(false);
            var (count, elapsed, latencies) = await RunAsync(operation, TimeSpan.FromSeconds(seconds), concurrency).ConfigureAwait(false);
            Array.Sort(latencies);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-38} {count,9} {count / elapsed.TotalSeconds,9:F0} {Percentile(latencies, 0.50),8:F2} {Percentile(latencies, 0.99),8:F2} {latencies[^1],8:F2}"));
        }
    }

    private static async Task<(long Count, TimeSpan Elapsed, double[] LatenciesMs)> RunAsync(Func<Task> operation, TimeSpan duration, int concurrency)
    {
        var total = Stopwatch.StartNew();
        var perWorker = new List<double>[concurrency];
        var workers = new Task[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            var latencies = perWorker[i] = new List<double>(1 << 14);
            workers[i] = Task.Run(async () =>
            {
                while (total.Elapsed < duration)
                {
                    var start = Stopwatch.GetTimestamp();
                    await operation().ConfigureAwait(false);
                    latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            });
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        var elapsed = total.Elapsed;
        var all = perWorker.SelectMany(l => l).ToArray();
        return (all.Length, elapsed, all);
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

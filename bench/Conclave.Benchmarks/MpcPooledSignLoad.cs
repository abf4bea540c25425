using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Conclave.Mpc.Coordination;
using Conclave.Mpc.Node;
using Conclave.Testing;

namespace Conclave.Benchmarks;

/// <summary>
/// <c>mpc-pool-load [signs] [pool]</c>: sequential secp256k1 signs through an in-memory
/// <see cref="EmbeddedCluster"/> (three nodes, TEST-ONLY fixture Paillier primes) with a
/// presignature pool of <c>pool</c> (default 4). For each of <c>signs</c> (default 40) rounds it
/// first waits until the pool is full again (the background refill is not timed), then times one
/// <c>message</c> sign (pooled, one round) with a <see cref="Stopwatch"/>, and afterwards the same
/// number of <c>messageHash</c> signs (fresh presignature per request). Prints p50, p90 and max.
/// </summary>
public static class MpcPooledSignLoad
{
    private const string Wallet = "bench-pooled";

    public static async Task RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var signs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 40;
        var poolSize = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4;
        var directory = Path.Combine(Path.GetTempPath(), $"conclave-bench-{Guid.NewGuid():N}");
        try
        {
            var cluster = await EmbeddedCluster.StartAsync(directory, 3, new MpcNodeOptions { PaillierKeySource = TestOnlySafePrimes.KeySource() }, false, new CoordinatorOptions { PresignaturePoolSize = poolSize }).ConfigureAwait(false);
            await using (cluster.ConfigureAwait(false))
            {
                var coordinator = cluster.Coordinator;
                await coordinator.KeygenAsync(Wallet, KeyTypes.Secp256k1, 2, 3).ConfigureAwait(false);
                Console.WriteLine($"mpc-pool-load: {signs} signs each, pool {poolSize}, {Environment.ProcessorCount} logical CPUs, .NET {Environment.Version}");
                Console.WriteLine($"{"scenario",-36} {"n",5} {"p50 ms",8} {"p90 ms",8} {"max ms",8}");
                var message = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
                var pooled = new List<double>();
                for (var i = 0; i < signs + 3; i++)
                {
                    await coordinator.RefillsForTests(Wallet).ConfigureAwait(false);
                    var started = Stopwatch.GetTimestamp();
                    await coordinator.SignAsync(Wallet, message, null, null, "sha256").ConfigureAwait(false);
                    if (i >= 3)
                    {
                        pooled.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds); // the first three warm up
                    }
                }

                Print("message sign, pooled presignature", pooled);
                var fresh = new List<double>();
                for (var i = 0; i < Math.Max(5, signs / 4) + 1; i++)
                {
                    await coordinator.RefillsForTests(Wallet).ConfigureAwait(false);
                    var started = Stopwatch.GetTimestamp();
                    await coordinator.SignAsync(Wallet, null, message).ConfigureAwait(false);
                    if (i >= 1)
                    {
                        fresh.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                }

                Print("messageHash sign, fresh presign", fresh);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void Print(string name, List<double> latencies)
    {
        latencies.Sort();
        double At(double q) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-36} {latencies.Count,5} {At(0.5),8:F2} {At(0.9),8:F2} {latencies[^1],8:F2}"));
    }
}

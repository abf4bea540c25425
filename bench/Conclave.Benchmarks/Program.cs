using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace Conclave.Benchmarks;

/// <summary>
/// Entry point. Without a <c>--job</c>/<c>-j</c> argument every benchmark runs the "Quick" job
/// (1 launch, 2 warmup and 10 measured iterations), which is what docs/BENCHMARKS.md records;
/// pass <c>--job default</c> for BenchmarkDotNet's full statistics. Median and Min are shown
/// besides the mean: on a busy or virtualized machine other work inflates the mean and the error,
/// while the minimum stays close to the uncontended cost. <c>kms-load [seconds] [concurrency]</c>
/// runs the loopback KMS load generator (<see cref="KmsLoad"/>) instead, and
/// <c>mpc-pool-load [signs] [pool]</c> the pooled-presignature sign latency (<see cref="MpcPooledSignLoad"/>).
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 0 && args[0] == "kms-load")
        {
            KmsLoad.RunAsync(args.Skip(1).ToArray()).GetAwaiter().GetResult();
            return;
        }

        if (args.Length > 0 && args[0] == "mpc-pool-load")
        {
            MpcPooledSignLoad.RunAsync(args.Skip(1).ToArray()).GetAwaiter().GetResult();
            return;
        }

        var config = DefaultConfig.Instance
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.Median, StatisticColumn.Min);
        if (!args.Any(a => a is "--job" or "-j" || a.StartsWith("--job=", StringComparison.Ordinal)))
        {
            config = config.AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(10).WithId("Quick").AsDefault());
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}

using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Conclave.Mpc.Node;

namespace Conclave.Cli.Up;

/// <summary>
/// <c>conclave up --processes</c>: one <c>conclave node run</c> child process per node of the local
/// cluster in <c>&lt;data-dir&gt;/mpc</c> (written on first use), node1 also serving the bridge API.
/// Child output is forwarded prefixed with the node id; a child that dies is reported and the rest
/// keep running (degraded, as a real cluster would). On Ctrl-C the children get SIGTERM and
/// are killed if they have not stopped within ten seconds.
/// </summary>
internal static partial class ProcessCluster
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    internal static async Task<int> RunAsync(string dataDirectory, int bridgePort, Conclave.Server.KmsServer kms, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        string clusterDirectory;
        bool created;
        try
        {
            (clusterDirectory, created) = await EmbeddedCluster.EnsureAsync(dataDirectory, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (CliFailure.IsExpected(e))
        {
            await stderr.WriteLineAsync($"up: {CliFailure.OneLine(e)}").ConfigureAwait(false);
            return 1;
        }

        var configs = Directory.GetFiles(clusterDirectory, "node*.json").Order(StringComparer.Ordinal).ToList();
        var children = new List<Process>();
        try
        {
            var ready = new List<Task>();
            for (var k = 0; k < configs.Count; k++)
            {
                var nodeId = Path.GetFileNameWithoutExtension(configs[k]);
                string[] arguments = k == 0
                    ? ["node", "run", "--config", configs[k], "--bridge-port", bridgePort.ToString(System.Globalization.CultureInfo.InvariantCulture)]
                    : ["node", "run", "--config", configs[k]];
                var (process, started) = Start(nodeId, arguments, stdout, stderr);
                children.Add(process);
                ready.Add(started);
            }

            var all = Task.WhenAll(ready);
            if (await Task.WhenAny(all, Task.Delay(StartTimeout, cancellationToken)).ConfigureAwait(false) != all || children.Any(c => c.HasExited))
            {
                await stderr.WriteLineAsync("up: the node processes did not all start (see their output above).").ConfigureAwait(false);
                return 1;
            }

            var bridge = new Uri($"http://127.0.0.1:{bridgePort}");
            if (!await WaitUntilHealthyAsync(bridge, cancellationToken).ConfigureAwait(false))
            {
                await stderr.WriteLineAsync("up: the nodes did not all reach each other in time; the cluster runs degraded (GET /health tells which).").ConfigureAwait(false);
            }

            await UpCommand.PrintBannerAsync(stdout, $"{children.Count} MPC node processes over gRPC with mutual TLS on loopback", Path.GetFullPath(dataDirectory), created, bridge, kms).ConfigureAwait(false);
            foreach (var (child, k) in children.Select((c, k) => (c, k)))
            {
                var nodeId = Path.GetFileNameWithoutExtension(configs[k]);
                child.Exited += (_, _) =>
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        return; // stopping on purpose
                    }

                    lock (stderr)
                    {
                        stderr.WriteLine($"up: {nodeId} exited (code {child.ExitCode}); the cluster runs degraded until restarted.");
                    }
                };
            }

            await UpCommand.WaitForStopAsync(cancellationToken).ConfigureAwait(false);
            await stdout.WriteLineAsync("stopping…").ConfigureAwait(false);
            return 0;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }
        finally
        {
            await StopAllAsync(children).ConfigureAwait(false);
        }
    }

    /// <summary>Polls the bridge's /health until every node is reachable (the first calls also set up the nodes' mutual-TLS channels).</summary>
    private static async Task<bool> WaitUntilHealthyAsync(Uri bridge, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var health = await http.GetStringAsync(new Uri(bridge, "/health"), cancellationToken).ConfigureAwait(false);
                if (health.Contains("\"status\":\"ok\"", StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // not serving yet
            }

            await Task.Delay(250, cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    private static (Process Process, Task Ready) Start(string nodeId, string[] arguments, TextWriter stdout, TextWriter stderr)
    {
        var info = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot find this program's path to start node processes.");
        info.FileName = self;
        if (string.Equals(Path.GetFileNameWithoutExtension(self), "dotnet", StringComparison.Ordinal))
        {
            info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location); // run as `dotnet conclave.dll`
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            if (e.Data.StartsWith("ready ", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }

            lock (stdout)
            {
                stdout.WriteLine($"[{nodeId}] {e.Data}");
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.WriteLine($"[{nodeId}] {e.Data}");
                }
            }
        };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"{nodeId} exited"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, ready.Task);
    }

    private static async Task StopAllAsync(List<Process> children)
    {
        foreach (var child in children.Where(c => !c.HasExited))
        {
            _ = Kill(child.Id, 15); // SIGTERM: the node closes its store and stops serving
        }

        using var timeout = new CancellationTokenSource(StopTimeout);
        foreach (var child in children)
        {
            try
            {
                await child.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                child.Kill(entireProcessTree: true);
            }

            child.Dispose();
        }
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}

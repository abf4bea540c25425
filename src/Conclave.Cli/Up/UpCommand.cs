using System.CommandLine;
using Conclave.Mpc.Bridge;
using Conclave.Mpc.Node;
using Conclave.Mpc.Observability;

namespace Conclave.Cli.Up;

/// <summary>
/// <c>conclave up [--data-dir ./.conclave] [--bridge-port 6000] [--processes]</c>: the embedded
/// local system. By default three MPC nodes run in this process over the in-memory transport with
/// the bridge API on 127.0.0.1; with <c>--processes</c> each node is its own
/// <c>conclave node run</c> process talking gRPC with mutual TLS on loopback, node1 serving the
/// bridge. Both shapes use the same data directory, so wallets carry over between them and across
/// restarts. Stops cleanly on Ctrl-C. Exit codes: 0 stopped, 1 failed to start, 2 usage.
/// </summary>
internal static class UpCommand
{
    internal const string DefaultDataDirectory = ".conclave";

    internal static Command Create()
    {
        var dataDir = new Option<string>("--data-dir") { Description = "Where keys, shares and configuration live (created 0700).", DefaultValueFactory = _ => DefaultDataDirectory };
        var bridgePort = new Option<int>("--bridge-port") { Description = "Port of the bridge API on 127.0.0.1.", DefaultValueFactory = _ => BridgeHost.DefaultPort };
        bridgePort.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 65535)
            {
                result.AddError("--bridge-port must be 1 to 65535.");
            }
        });
        var processes = new Option<bool>("--processes") { Description = "Run each node as its own process over gRPC with mutual TLS (node K on 127.0.0.1:710K)." };
        var command = new Command("up", "Start the local system: three MPC nodes and the bridge API.");
        command.Options.Add(dataDir);
        command.Options.Add(bridgePort);
        command.Options.Add(processes);
        command.SetAction((parse, cancellationToken) => parse.GetValue(processes)
            ? ProcessCluster.RunAsync(parse.GetRequiredValue(dataDir), parse.GetValue(bridgePort), Console.Out, Console.Error, cancellationToken)
            : RunEmbeddedAsync(parse.GetRequiredValue(dataDir), parse.GetValue(bridgePort), Console.Out, Console.Error, cancellationToken));
        return command;
    }

    internal static async Task<int> RunEmbeddedAsync(string dataDirectory, int bridgePort, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        using var logging = CliLogging.Create();
        var metrics = new MpcMetrics();
        var options = new MpcNodeOptions { Metrics = metrics, LoggerFactory = logging };
        EmbeddedCluster cluster;
        try
        {
            cluster = await EmbeddedCluster.StartAsync(dataDirectory, options: options, usePrimePools: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (CliFailure.IsExpected(e))
        {
            await stderr.WriteLineAsync($"up: {CliFailure.OneLine(e)}").ConfigureAwait(false);
            return 1;
        }

        await using (cluster.ConfigureAwait(false))
        {
            BridgeHost bridge;
            try
            {
                bridge = await BridgeHost.StartAsync(cluster.Coordinator, bridgePort, metrics, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                await stderr.WriteLineAsync($"up: cannot serve the bridge API on 127.0.0.1:{bridgePort}: {CliFailure.OneLine(e)} (choose another with --bridge-port)").ConfigureAwait(false);
                return 1;
            }

            await using (bridge.ConfigureAwait(false))
            {
                var shape = $"{cluster.Nodes.Count} MPC nodes in this process (in-memory transport)";
                await PrintBannerAsync(stdout, shape, Path.GetFullPath(dataDirectory), cluster.Created, bridge.Address).ConfigureAwait(false);
                await WaitForStopAsync(cancellationToken).ConfigureAwait(false);
                await stdout.WriteLineAsync("stopping…").ConfigureAwait(false);
            }
        }

        return 0;
    }

    internal static async Task PrintBannerAsync(TextWriter stdout, string shape, string dataDirectory, bool created, Uri bridge)
    {
        var url = bridge.ToString().TrimEnd('/');
        await stdout.WriteLineAsync($"Conclave is up: {shape}.").ConfigureAwait(false);
        await stdout.WriteLineAsync($"  data       {dataDirectory}{(created ? "  (new: node keys and a software root key were created; development only)" : string.Empty)}").ConfigureAwait(false);
        await stdout.WriteLineAsync($"  bridge API {url}  (POST /keygen, POST /sign, GET /pubkey/{{walletID}}, GET /health; metrics at {url}/metrics)").ConfigureAwait(false);
        await stdout.WriteLineAsync("Try:").ConfigureAwait(false);
        await stdout.WriteLineAsync($"  curl -s -X POST {url}/keygen -H 'content-type: application/json' -d '{{\"walletID\":\"demo\",\"keyType\":\"ed25519\",\"threshold\":2,\"totalParties\":3}}'").ConfigureAwait(false);
        await stdout.WriteLineAsync($"  curl -s -X POST {url}/sign -H 'content-type: application/json' -d '{{\"walletID\":\"demo\",\"message\":\"68656c6c6f\"}}'").ConfigureAwait(false);
        await stdout.WriteLineAsync($"  curl -s {url}/health").ConfigureAwait(false);
        await stdout.WriteLineAsync("Press Ctrl-C to stop.").ConfigureAwait(false);
        await stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }

    internal static async Task WaitForStopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C or SIGTERM
        }
    }
}

using System.CommandLine;
using Conclave.Mpc.Bridge;
using Conclave.Mpc.Node;
using Conclave.Mpc.Observability;
using Conclave.Server;

namespace Conclave.Cli.Up;

/// <summary>
/// <c>conclave up [--data-dir ./.conclave] [--bridge-port 6000] [--api-port 7600] [--processes]</c>: the embedded
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
        var apiPort = Server.ServerCommand.PortOption("--api-port", "Port of the KMS API (AWS KMS compatible) on 127.0.0.1.", KmsApiHost.DefaultPort);
        var processes = new Option<bool>("--processes") { Description = "Run each node as its own process over gRPC with mutual TLS (node K on 127.0.0.1:710K)." };
        var command = new Command("up", "Start the local system: three MPC nodes, the bridge API and the KMS API.");
        command.Options.Add(dataDir);
        command.Options.Add(bridgePort);
        command.Options.Add(apiPort);
        command.Options.Add(processes);
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetRequiredValue(dataDir), parse.GetValue(bridgePort), parse.GetValue(apiPort), parse.GetValue(processes), Console.Out, Console.Error, cancellationToken));
        return command;
    }

    /// <summary>Starts the KMS server (with the development principal), then the MPC nodes and the bridge in the chosen shape.</summary>
    internal static async Task<int> RunAsync(string dataDirectory, int bridgePort, int apiPort, bool processes, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        using var logging = CliLogging.Create();
        KmsServer kms;
        try
        {
            if (!Directory.Exists(dataDirectory) && !OperatingSystem.IsWindows())
            {
                // Owner-only, as the node key store demands of its data directory.
                Directory.CreateDirectory(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            kms = await KmsServer.StartAsync(
                new KmsServerOptions { DataDirectory = dataDirectory, ApiPort = apiPort, CreateDevelopmentPrincipal = true },
                logging,
                cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await stderr.WriteLineAsync($"up: cannot serve the KMS API on 127.0.0.1:{apiPort}: {CliFailure.OneLine(e)} (choose another with --api-port)").ConfigureAwait(false);
            return 1;
        }
        catch (Exception e) when (CliFailure.IsExpected(e))
        {
            await stderr.WriteLineAsync($"up: {CliFailure.OneLine(e)}").ConfigureAwait(false);
            return 1;
        }

        await using (kms.ConfigureAwait(false))
        {
            return processes
                ? await ProcessCluster.RunAsync(dataDirectory, bridgePort, kms, stdout, stderr, cancellationToken).ConfigureAwait(false)
                : await RunEmbeddedAsync(dataDirectory, bridgePort, kms, stdout, stderr, cancellationToken).ConfigureAwait(false);
        }
    }

    internal static async Task<int> RunEmbeddedAsync(string dataDirectory, int bridgePort, KmsServer kms, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
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
                await PrintBannerAsync(stdout, shape, Path.GetFullPath(dataDirectory), cluster.Created, bridge.Address, kms).ConfigureAwait(false);
                await WaitForStopAsync(cancellationToken).ConfigureAwait(false);
                await stdout.WriteLineAsync("stopping…").ConfigureAwait(false);
            }
        }

        return 0;
    }

    /// <summary>How often <c>conclave up</c> signs a checkpoint of the KMS audit log with its own cluster.</summary>
    internal static readonly TimeSpan AuditCheckpointInterval = TimeSpan.FromMinutes(1);

    internal static async Task PrintBannerAsync(TextWriter stdout, string shape, string dataDirectory, bool created, Uri bridge, KmsServer kms)
    {
        var url = bridge.ToString().TrimEnd('/');
        await stdout.WriteLineAsync($"Conclave is up: {shape}.").ConfigureAwait(false);
        await stdout.WriteLineAsync($"  data       {dataDirectory}{(created ? "  (new: node keys and a software root key were created; development only)" : string.Empty)}").ConfigureAwait(false);
        await stdout.WriteLineAsync($"  bridge API {url}  (POST /keygen, POST /sign, POST /reshare, GET /pubkey/{{walletID}}, GET /health; metrics at {url}/metrics)").ConfigureAwait(false);
        var kmsUrl = kms.Address.ToString().TrimEnd('/');
        await stdout.WriteLineAsync($"  KMS API    {kmsUrl}  (AWS KMS JSON 1.1 with SigV4: point an AWS SDK or the AWS CLI at it)").ConfigureAwait(false);
        if (kms.Development is { } development)
        {
            await stdout.WriteLineAsync($"KMS development credentials (also in {development.FilePath}):").ConfigureAwait(false);
            foreach (var line in development.Exports)
            {
                await stdout.WriteLineAsync($"  {line}").ConfigureAwait(false);
            }

            await stdout.WriteLineAsync("  aws kms create-key   # with the exports above").ConfigureAwait(false);
            await PrintLocalKeyStoreAsync(stdout, bridge, kms).ConfigureAwait(false);
        }

        if (kms.AuditCheckpointer is null)
        {
            kms.StartAuditCheckpoints(bridge, AuditCheckpointInterval);
        }

        await stdout.WriteLineAsync($"  audit log  signed every {AuditCheckpointInterval.TotalSeconds:0} s by MPC wallet {kms.AuditCheckpointer!.WalletId}; check it with: conclave audit verify --data-dir {dataDirectory}").ConfigureAwait(false);

        await stdout.WriteLineAsync("Try:").ConfigureAwait(false);
        await stdout.WriteLineAsync($"  curl -s -X POST {url}/keygen -H 'content-type: application/json' -d '{{\"walletID\":\"demo\",\"keyType\":\"ed25519\",\"threshold\":2,\"totalParties\":3}}'").ConfigureAwait(false);
        await stdout.WriteLineAsync($"  curl -s -X POST {url}/sign -H 'content-type: application/json' -d '{{\"walletID\":\"demo\",\"message\":\"68656c6c6f\"}}'").ConfigureAwait(false);
        await stdout.WriteLineAsync($"  curl -s {url}/health").ConfigureAwait(false);
        await stdout.WriteLineAsync("Press Ctrl-C to stop.").ConfigureAwait(false);
        await stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Registers and connects the embedded cluster as the development account's custom key store, and says how to use it.</summary>
    private static async Task PrintLocalKeyStoreAsync(TextWriter stdout, Uri bridge, KmsServer kms)
    {
        try
        {
            var id = await kms.EnsureLocalCustomKeyStoreAsync(bridge, CancellationToken.None).ConfigureAwait(false);
            await stdout.WriteLineAsync($"  custom key store {id} ({KmsServer.LocalCustomKeyStoreName}: threshold keys on these MPC nodes)").ConfigureAwait(false);
            await stdout.WriteLineAsync($"  aws kms create-key --custom-key-store-id {id} --key-spec ECC_SECG_P256K1 --key-usage SIGN_VERIFY").ConfigureAwait(false);
        }
        catch (Exception e) when (CliFailure.IsExpected(e) || e is Conclave.Kms.Api.KmsException)
        {
            await stdout.WriteLineAsync($"  (custom key store {KmsServer.LocalCustomKeyStoreName} not registered: {CliFailure.OneLine(e)})").ConfigureAwait(false);
        }
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

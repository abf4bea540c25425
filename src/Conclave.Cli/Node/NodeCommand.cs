using System.CommandLine;
using System.Text.Json;
using Conclave.Mpc.Node;

namespace Conclave.Cli.Node;

/// <summary>
/// <c>conclave node init --id &lt;id&gt; --data-dir &lt;dir&gt; [--root-key software|pkcs11]</c>: creates a
/// node's long-term Ed25519 identity key, X25519 key and TLS certificate in its data directory
/// (private keys sealed under the root key: the software <c>root.key</c> by default, or the HSM key
/// named by <c>HSM_LIB_PATH</c>, <c>HSM_PIN</c>, <c>HSM_SLOT</c>, <c>HSM_KEY_LABEL</c>; see
/// docs/design/node-setup.md) and prints its public identity as one JSON object. Exit codes: 0
/// created, 1 failed (already initialized, invalid id, HSM setting or login, I/O), 2 usage.
/// </summary>
internal static class NodeCommand
{
    internal static Command Create()
    {
        var id = new Option<string>("--id") { Description = "The node id: 1 to 32 characters of [a-z0-9-].", Required = true };
        var dataDir = new Option<string>("--data-dir") { Description = "The node's data directory (created 0700 if missing).", Required = true };
        var rootKey = RootKeyOption();
        var init = new Command("init", "Create the node's identity keys and TLS certificate in its data directory and print its public identity as JSON.");
        init.Options.Add(id);
        init.Options.Add(dataDir);
        init.Options.Add(rootKey);
        init.SetAction((parse, cancellationToken) => InitAsync(parse.GetRequiredValue(id), parse.GetRequiredValue(dataDir), parse.GetRequiredValue(rootKey), Console.Out, Console.Error, environment: null, cancellationToken));
        var config = new Option<string>("--config") { Description = "The node's config file (see `conclave cluster init`).", Required = true };
        var bridgePort = new Option<int?>("--bridge-port") { Description = "Also act as coordinator and serve the bridge API on 127.0.0.1 at this port (default: the config's bridgePort, else none)." };
        bridgePort.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } p && p is < 1 or > 65535)
            {
                result.AddError("--bridge-port must be 1 to 65535.");
            }
        });
        var metricsPort = new Option<int?>("--metrics-port") { Description = "Without --bridge-port: serve Prometheus /metrics on 127.0.0.1 at this port (a coordinator serves it on the bridge port)." };
        metricsPort.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } p && p is < 1 or > 65535)
            {
                result.AddError("--metrics-port must be 1 to 65535.");
            }
        });
        var run = new Command("run", "Run one MPC node: gRPC with mutual TLS on its listen address, its share store, and optionally the bridge API.");
        run.Options.Add(config);
        run.Options.Add(bridgePort);
        run.Options.Add(metricsPort);
        run.SetAction((parse, cancellationToken) => RunAsync(parse.GetRequiredValue(config), parse.GetValue(bridgePort), parse.GetValue(metricsPort), Console.Out, Console.Error, cancellationToken));
        var command = new Command("node", "Set up and run an MPC node.");
        command.Subcommands.Add(init);
        command.Subcommands.Add(run);
        return command;
    }

    /// <summary>
    /// Runs the node until <paramref name="cancellationToken"/> fires (Ctrl-C, SIGTERM). Prints one
    /// line <c>ready node1 grpc=127.0.0.1:7101[ bridge=http://127.0.0.1:6000]</c> once it serves.
    /// </summary>
    internal static async Task<int> RunAsync(string configPath, int? bridgePort, int? metricsPort, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        using var logging = CliLogging.Create();
        NodeServer server;
        try
        {
            var config = await NodeConfig.LoadAsync(configPath, cancellationToken).ConfigureAwait(false);
            server = await NodeServer.StartAsync(config, bridgePort, new MpcNodeOptions { LoggerFactory = logging }, metricsPort: metricsPort, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (CliFailure.IsExpected(e))
        {
            await stderr.WriteLineAsync($"node run: {CliFailure.OneLine(e)}").ConfigureAwait(false);
            return 1;
        }

        await using (server.ConfigureAwait(false))
        {
            var bridge = server.Bridge is { } b ? $" {(server.ServesBridge ? "bridge" : "metrics")}={b.Address.ToString().TrimEnd('/')}" : string.Empty;
            await stdout.WriteLineAsync($"ready {server.Node.NodeId} grpc=127.0.0.1:{server.Host.Port}{bridge}").ConfigureAwait(false);
            await stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await stdout.WriteLineAsync($"stopping {server.Node.NodeId}").ConfigureAwait(false);
            }
        }

        return 0;
    }

    /// <summary>
    /// <c>--root-key software|pkcs11</c>: the provider whose root key seals the node's identity (and,
    /// once the node runs, its share store's data key); the node's config must name the same one.
    /// </summary>
    internal static Option<string> RootKeyOption()
    {
        var rootKey = new Option<string>("--root-key")
        {
            Description = "Root-key provider: software (root.key in the data directory; development) or pkcs11 (an HSM set up by HSM_LIB_PATH, HSM_PIN, HSM_SLOT, HSM_KEY_LABEL).",
            DefaultValueFactory = _ => NodeConfig.SoftwareRootKeyProvider,
        };
        rootKey.AcceptOnlyFromAmong(NodeConfig.SoftwareRootKeyProvider, NodeConfig.Pkcs11RootKeyProvider);
        return rootKey;
    }

    internal static Task<int> InitAsync(string id, string dataDirectory, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default) =>
        InitAsync(id, dataDirectory, NodeConfig.SoftwareRootKeyProvider, stdout, stderr, environment: null, cancellationToken);

    internal static async Task<int> InitAsync(string id, string dataDirectory, string rootKeyProvider, TextWriter stdout, TextWriter stderr, Func<string, string?>? environment, CancellationToken cancellationToken = default)
    {
        NodeKeys keys;
        try
        {
            if (rootKeyProvider == NodeConfig.SoftwareRootKeyProvider)
            {
                keys = await NodeKeyStore.CreateAsync(dataDirectory, id, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else
            {
                using var rootKey = await NodeRootKey.OpenAsync(rootKeyProvider, dataDirectory, create: true, environment, cancellationToken).ConfigureAwait(false);
                keys = await NodeKeyStore.CreateAsync(dataDirectory, id, rootKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (CliFailure.IsExpected(e))
        {
            await stderr.WriteLineAsync($"node init: {CliFailure.OneLine(e)}").ConfigureAwait(false);
            return 1;
        }

        using (keys)
        {
            await stdout.WriteLineAsync(PublicIdentityJson(keys)).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary><c>{"id","ed25519","x25519","tlsCertificateSha256"}</c>, lowercase hex.</summary>
    internal static string PublicIdentityJson(NodeKeys keys)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", keys.NodeId);
            writer.WriteString("ed25519", Convert.ToHexStringLower(keys.PublicIdentity.SigningPublicKey));
            writer.WriteString("x25519", Convert.ToHexStringLower(keys.PublicIdentity.AgreementPublicKey));
            writer.WriteString("tlsCertificateSha256", Convert.ToHexStringLower(keys.TlsCertificateSha256));
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

using System.CommandLine;
using Conclave.Mpc.Node;

namespace Conclave.Cli.Cluster;

/// <summary>
/// <c>conclave cluster init --nodes &lt;n&gt; --dir &lt;dir&gt; [--base-port 7100] [--root-key software|pkcs11]</c>:
/// writes a ready local configuration for n nodes (2 to 16) on loopback ports: an operator key, one
/// data directory and config per node, and the operator-signed membership file. With
/// <c>--root-key pkcs11</c> every node's identity is sealed under the HSM key named by the
/// <c>HSM_*</c> variables and the configs say <c>"rootKeyProvider": "pkcs11"</c>. Exit codes: 0
/// written, 1 failed (directory not empty, HSM setting or login, I/O), 2 usage (including n outside 2..16).
/// </summary>
internal static class ClusterCommand
{
    internal static Command Create()
    {
        var nodes = new Option<int>("--nodes") { Description = $"Number of nodes, {LocalClusterSetup.MinNodes} to {LocalClusterSetup.MaxNodes}.", Required = true };
        nodes.Validators.Add(result =>
        {
            var n = result.GetValueOrDefault<int>();
            if (n is < LocalClusterSetup.MinNodes or > LocalClusterSetup.MaxNodes)
            {
                result.AddError($"--nodes must be {LocalClusterSetup.MinNodes} to {LocalClusterSetup.MaxNodes}.");
            }
        });
        var dir = new Option<string>("--dir") { Description = "The cluster directory (missing or empty).", Required = true };
        var basePort = new Option<int>("--base-port") { Description = "Node K listens on 127.0.0.1:(base-port + K).", DefaultValueFactory = _ => LocalClusterSetup.DefaultBasePort };
        basePort.Validators.Add(result =>
        {
            var p = result.GetValueOrDefault<int>();
            if (p is < LocalClusterSetup.MinBasePort or > 65535 - LocalClusterSetup.MaxNodes)
            {
                result.AddError($"--base-port must be {LocalClusterSetup.MinBasePort} to {65535 - LocalClusterSetup.MaxNodes}.");
            }
        });
        var init = new Command("init", "Write a local cluster (operator key, node data directories and configs, signed membership) for n nodes on loopback ports.");
        init.Options.Add(nodes);
        init.Options.Add(dir);
        init.Options.Add(basePort);
        var rootKey = Node.NodeCommand.RootKeyOption();
        init.Options.Add(rootKey);
        init.SetAction((parse, cancellationToken) => InitAsync(parse.GetValue(nodes), parse.GetRequiredValue(dir), parse.GetValue(basePort), parse.GetRequiredValue(rootKey), Console.Out, Console.Error, environment: null, cancellationToken));
        var command = new Command("cluster", "Set up a cluster of MPC nodes.");
        command.Subcommands.Add(init);
        return command;
    }

    internal static Task<int> InitAsync(int nodes, string directory, int basePort, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default) =>
        InitAsync(nodes, directory, basePort, NodeConfig.SoftwareRootKeyProvider, stdout, stderr, environment: null, cancellationToken);

    internal static async Task<int> InitAsync(int nodes, string directory, int basePort, string rootKeyProvider, TextWriter stdout, TextWriter stderr, Func<string, string?>? environment, CancellationToken cancellationToken = default)
    {
        LocalCluster cluster;
        try
        {
            cluster = await LocalClusterSetup.CreateAsync(directory, nodes, basePort, rootKeyProvider: rootKeyProvider, environment: environment, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (CliFailure.IsExpected(e))
        {
            await stderr.WriteLineAsync($"cluster init: {CliFailure.OneLine(e)}").ConfigureAwait(false);
            return 1;
        }

        await stdout.WriteLineAsync($"cluster of {cluster.Nodes.Count} nodes in {cluster.Directory}").ConfigureAwait(false);
        await stdout.WriteLineAsync($"  operator key     {cluster.OperatorKeyPath}  (0600; in production keep the operator key offline)").ConfigureAwait(false);
        await stdout.WriteLineAsync($"  operator public  {cluster.OperatorPublicKeyHex}").ConfigureAwait(false);
        await stdout.WriteLineAsync($"  membership       {cluster.MembershipPath}  (signed, serial 1)").ConfigureAwait(false);
        await stdout.WriteLineAsync($"  root key         {(rootKeyProvider == NodeConfig.Pkcs11RootKeyProvider ? "pkcs11 (HSM_* variables; set them for `conclave node run` too)" : "software (root.key per node; development only)")}").ConfigureAwait(false);
        foreach (var node in cluster.Nodes)
        {
            await stdout.WriteLineAsync($"  {node.NodeId,-6} {node.Address,-16} data {node.DataDirectory}  config {node.ConfigPath}").ConfigureAwait(false);
        }

        return 0;
    }
}

using System.CommandLine;
using Conclave.Cli.Cluster;
using Conclave.Cli.Node;
using Conclave.Cli.SelfTest;

namespace Conclave.Cli;

/// <summary>The <c>conclave</c> command.</summary>
public static class Program
{
    /// <summary>Exit codes: 0 success, 1 a check failed or the command failed, 2 usage error.</summary>
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("Conclave: threshold key management. No single machine ever holds a whole private key.");
        root.Subcommands.Add(SelfTestCommand.Create());
        root.Subcommands.Add(NodeCommand.Create());
        root.Subcommands.Add(ClusterCommand.Create());
        root.Subcommands.Add(Up.UpCommand.Create());
        root.Subcommands.Add(Server.ServerCommand.Create());
        root.Subcommands.Add(Audit.AuditCommand.Create());
        root.Subcommands.Add(Keys.KeysCommand.Create());
        root.Subcommands.Add(Principals.PrincipalCommand.Create());
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors)
            {
                await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            }

            return 2;
        }

        return await parsed.InvokeAsync().ConfigureAwait(false);
    }
}

using System.CommandLine;
using Conclave.Cli.SelfTest;

namespace Conclave.Cli;

/// <summary>The <c>conclave</c> command.</summary>
public static class Program
{
    /// <summary>Exit codes: 0 success, 1 a check failed or the command failed, 2 usage error.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("Conclave: threshold key management. No single machine ever holds a whole private key.");
        root.Subcommands.Add(SelfTestCommand.Create());
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors)
            {
                Console.Error.WriteLine(e.Message);
            }

            return 2;
        }

        return parsed.Invoke();
    }
}

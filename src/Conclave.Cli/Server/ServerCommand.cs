using System.CommandLine;
using Conclave.Server;

namespace Conclave.Cli.Server;

/// <summary>
/// <c>conclave server [--data-dir ./.conclave] [--api-port 7600] [--root-key software|pkcs11] [--store sqlite|postgres]
/// [--audit-checkpoint-bridge URL [--audit-checkpoint-interval SECONDS] [--audit-checkpoint-wallet ID]]</c>:
/// the KMS API (AWS KMS JSON 1.1, SigV4) on 127.0.0.1; with a bridge URL, the audit log's head is
/// signed by a threshold Ed25519 key of that MPC cluster every interval (signed checkpoints). The PKCS#11 root key is configured with
/// <c>HSM_LIB_PATH</c>, <c>HSM_PIN</c>, <c>HSM_SLOT</c>, <c>HSM_KEY_LABEL</c>; the PostgreSQL store
/// with <c>CONCLAVE_KMS_POSTGRES</c> (a connection string; from the environment so no password is
/// in argv). Prints <c>ready kms=&lt;url&gt;</c> once serving; stops on SIGINT/SIGTERM.
/// Exit codes: 0 stopped, 1 failed to start, 2 usage.
/// </summary>
internal static class ServerCommand
{
    internal static Command Create()
    {
        var dataDir = new Option<string>("--data-dir") { Description = "Where the KMS keeps its files (under <dir>/kms).", DefaultValueFactory = _ => Up.UpCommand.DefaultDataDirectory };
        var apiPort = PortOption("--api-port", "Port of the KMS API on 127.0.0.1.", KmsApiHost.DefaultPort);
        var rootKey = new Option<string>("--root-key") { Description = "Root-key provider: software (development) or pkcs11 (HSM_* variables).", DefaultValueFactory = _ => "software" };
        rootKey.AcceptOnlyFromAmong("software", "pkcs11");
        var store = new Option<string>("--store") { Description = "Store: sqlite (embedded) or postgres (CONCLAVE_KMS_POSTGRES).", DefaultValueFactory = _ => "sqlite" };
        store.AcceptOnlyFromAmong("sqlite", "postgres");
        var devPrincipal = new Option<bool>("--dev-principal") { Description = "Create a development principal on first start and write <data-dir>/dev-credentials.env." };
        var checkpointBridge = new Option<Uri?>("--audit-checkpoint-bridge") { Description = "Bridge API URL of the MPC cluster whose threshold key signs audit checkpoints (none: no checkpoints)." };
        checkpointBridge.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<Uri?>() is { } uri && (!uri.IsAbsoluteUri || uri.Scheme is not ("http" or "https")))
            {
                result.AddError("--audit-checkpoint-bridge must be an absolute http or https URL.");
            }
        });
        var checkpointInterval = new Option<int>("--audit-checkpoint-interval") { Description = "Seconds between audit checkpoints.", DefaultValueFactory = _ => 60 };
        checkpointInterval.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 86_400)
            {
                result.AddError("--audit-checkpoint-interval must be 1 to 86400 seconds.");
            }
        });
        var checkpointWallet = new Option<string>("--audit-checkpoint-wallet") { Description = "The MPC wallet (ed25519, created on first use) that signs audit checkpoints.", DefaultValueFactory = _ => Conclave.Kms.Audit.AuditCheckpointer.DefaultWalletId };
        var command = new Command("server", "Serve the KMS API (AWS KMS compatible) on 127.0.0.1.");
        command.Options.Add(dataDir);
        command.Options.Add(apiPort);
        command.Options.Add(rootKey);
        command.Options.Add(store);
        command.Options.Add(devPrincipal);
        command.Options.Add(checkpointBridge);
        command.Options.Add(checkpointInterval);
        command.Options.Add(checkpointWallet);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new KmsServerOptions
            {
                DataDirectory = parse.GetRequiredValue(dataDir),
                ApiPort = parse.GetValue(apiPort),
                RootKeyProvider = parse.GetRequiredValue(rootKey),
                Store = parse.GetRequiredValue(store),
                PostgresConnectionString = Environment.GetEnvironmentVariable("CONCLAVE_KMS_POSTGRES"),
                CreateDevelopmentPrincipal = parse.GetValue(devPrincipal),
                AuditCheckpointBridge = parse.GetValue(checkpointBridge),
                AuditCheckpointInterval = TimeSpan.FromSeconds(parse.GetValue(checkpointInterval)),
                AuditCheckpointWalletId = parse.GetRequiredValue(checkpointWallet),
            };
            return await RunAsync(options, Console.Out, Console.Error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    internal static Option<int> PortOption(string name, string description, int defaultPort)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultPort };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                result.AddError($"{name} must be 0 to 65535.");
            }
        });
        return option;
    }

    private static async Task<int> RunAsync(KmsServerOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        using var logging = CliLogging.Create();
        KmsServer server;
        try
        {
            server = await KmsServer.StartAsync(options, logging, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (CliFailure.IsExpected(e) || e is ArgumentException)
        {
            await stderr.WriteLineAsync($"server: {CliFailure.OneLine(e)}").ConfigureAwait(false);
            return 1;
        }

        await using (server.ConfigureAwait(false))
        {
            if (server.Development is { } development)
            {
                foreach (var line in development.Exports)
                {
                    await stdout.WriteLineAsync(line).ConfigureAwait(false);
                }
            }

            await stdout.WriteLineAsync($"ready kms={server.Address.ToString().TrimEnd('/')}").ConfigureAwait(false);
            await stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            await Up.UpCommand.WaitForStopAsync(cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }
}

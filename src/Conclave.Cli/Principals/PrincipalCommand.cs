using System.CommandLine;
using System.Text;
using Conclave.Kms.Tenants;
using Conclave.Mpc.Storage;

namespace Conclave.Cli.Principals;

/// <summary>
/// <c>conclave principal create --account &lt;12 digits&gt; --name &lt;name&gt; | list | delete &lt;access-key-id&gt;</c>
/// on <c>&lt;data-dir&gt;/kms/principals.json</c> (secrets sealed under the root key, so the same
/// <c>--root-key</c> as the server). <c>create</c> prints the new access key id and secret access key
/// once, as shell exports on stdout; they are not shown again. A running server picks the change up
/// within about a second. Exit codes: 0 done, 1 failed (no KMS data directory, unknown access key id), 2 usage.
/// </summary>
internal static class PrincipalCommand
{
    internal static Command Create()
    {
        var dataDir = new Option<string>("--data-dir") { Description = "The data directory of the KMS (principals in <dir>/kms/principals.json).", DefaultValueFactory = _ => Up.UpCommand.DefaultDataDirectory, Recursive = true };
        var rootKey = new Option<string>("--root-key") { Description = "Root-key provider the server uses: software or pkcs11 (HSM_* variables).", DefaultValueFactory = _ => "software", Recursive = true };
        rootKey.AcceptOnlyFromAmong("software", "pkcs11");
        var principal = new Command("principal", "Manage the KMS API's principals (access keys).");
        principal.Options.Add(dataDir);
        principal.Options.Add(rootKey);

        var account = new Option<string>("--account") { Description = "The 12-digit account id (the tenant).", Required = true };
        account.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is not { Length: 12 } value || !value.All(char.IsAsciiDigit))
            {
                r.AddError("--account must be 12 digits.");
            }
        });
        var name = new Option<string>("--name") { Description = "The user name (the principal is arn:aws:iam::<account>:user/<name>).", Required = true };
        var create = new Command("create", "Create a principal and print its access key id and secret access key (once).");
        create.Options.Add(account);
        create.Options.Add(name);
        create.SetAction((parse, ct) => RunAsync(parse.GetRequiredValue(dataDir), parse.GetRequiredValue(rootKey), async file =>
        {
            var (created, secret) = await file.CreateAsync(parse.GetRequiredValue(account), parse.GetRequiredValue(name), ct).ConfigureAwait(false);
            using (secret)
            {
                await Console.Out.WriteLineAsync($"export AWS_ACCESS_KEY_ID={created.AccessKeyId}\nexport AWS_SECRET_ACCESS_KEY={Encoding.ASCII.GetString(secret.Span)}").ConfigureAwait(false);
            }

            await Console.Error.WriteLineAsync($"principal: created {created.Arn}; the secret access key above is not shown again").ConfigureAwait(false);
            return 0;
        }, ct));
        principal.Subcommands.Add(create);

        var list = new Command("list", "List the principals (access key id, account, user; never secrets).");
        list.SetAction((parse, ct) => RunAsync(parse.GetRequiredValue(dataDir), parse.GetRequiredValue(rootKey), async file =>
        {
            foreach (var p in file.List())
            {
                await Console.Out.WriteLineAsync($"{p.AccessKeyId}\t{p.AccountId}\t{p.UserName}").ConfigureAwait(false);
            }

            return 0;
        }, ct));
        principal.Subcommands.Add(list);

        var accessKeyId = new Argument<string>("access-key-id") { Description = "The access key id to delete." };
        var delete = new Command("delete", "Delete a principal: its access key stops working.");
        delete.Arguments.Add(accessKeyId);
        delete.SetAction((parse, ct) => RunAsync(parse.GetRequiredValue(dataDir), parse.GetRequiredValue(rootKey), async file =>
        {
            var id = parse.GetRequiredValue(accessKeyId);
            if (!await file.DeleteAsync(id, ct).ConfigureAwait(false))
            {
                await Console.Error.WriteLineAsync($"principal: no principal with access key id {id}").ConfigureAwait(false);
                return 1;
            }

            await Console.Out.WriteLineAsync($"principal: deleted {id}").ConfigureAwait(false);
            return 0;
        }, ct));
        principal.Subcommands.Add(delete);
        return principal;
    }

    private static async Task<int> RunAsync(string dataDirectory, string rootKeyProvider, Func<PrincipalFile, Task<int>> action, CancellationToken cancellationToken)
    {
        var directory = Path.GetFullPath(Path.Combine(dataDirectory, "kms"));
        var rootKeyFile = Path.Combine(directory, "root.key");
        if (rootKeyProvider == "software" && !File.Exists(rootKeyFile))
        {
            await Console.Error.WriteLineAsync($"principal: no KMS root key at {rootKeyFile}; start `conclave server` or `conclave up` with this --data-dir once first").ConfigureAwait(false);
            return 1;
        }

        try
        {
            IRootKeyProvider root = rootKeyProvider == "pkcs11"
                ? Pkcs11RootKeyProvider.Open(Pkcs11RootKeyOptions.FromEnvironment())
                : await SoftwareRootKeyProvider.OpenOrCreateAsync(rootKeyFile, cancellationToken).ConfigureAwait(false);
            try
            {
                using var file = await PrincipalFile.OpenOrCreateAsync(Path.Combine(directory, "principals.json"), root, cancellationToken).ConfigureAwait(false);
                return await action(file).ConfigureAwait(false);
            }
            finally
            {
                (root as IDisposable)?.Dispose();
            }
        }
        catch (Exception e) when (CliFailure.IsExpected(e))
        {
            await Console.Error.WriteLineAsync($"principal: {CliFailure.OneLine(e)}").ConfigureAwait(false);
            return 1;
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace Conclave.Cli.Tests.Up;

/// <summary>
/// <c>conclave cluster init --root-key pkcs11</c> and <c>conclave node run</c> as processes, with the
/// root key in a real SoftHSM2 token of their own (SOFTHSM2_CONF is passed to the child processes
/// only, so this test process never loads the module).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class Pkcs11NodeProcessTests : IDisposable
{
    private const string SoftHsmLibrary = "/usr/lib/softhsm/libsofthsm2.so";
    private const string Pin = "node-pin-7291";
    private const string WrongPin = "wrong-pin-1183";
    private const string TokenLabel = "conclave-node-proc";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "conclave-hsm-nodes-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)));

    public void Dispose()
    {
        ConclaveProcess.KillWhereCommandLineContains(_dir);
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Cluster_init_with_pkcs11_seals_the_nodes_in_the_hsm_and_node_run_starts_from_it()
    {
        var environment = await CreateTokenAsync();
        var cluster = Path.Combine(_dir, "cluster");
        var basePort = ConclaveProcess.FreeBasePort(2);
        using (var init = new ConclaveProcess(environment, "cluster", "init", "--nodes", "2", "--dir", cluster, "--base-port", basePort.ToString(CultureInfo.InvariantCulture), "--root-key", "pkcs11"))
        {
            Assert.True(await init.WaitForExitAsync(Timeout) == 0, init.Output);
            Assert.DoesNotContain(Pin, init.Output, StringComparison.Ordinal);
        }

        var config = Path.Combine(cluster, "node1.json");
        Assert.Contains("\"rootKeyProvider\": \"pkcs11\"", await File.ReadAllTextAsync(config, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(cluster, "node1", "root.key")));

        using (var wrong = new ConclaveProcess(new Dictionary<string, string>(environment) { ["HSM_PIN"] = WrongPin }, "node", "run", "--config", config))
        {
            Assert.Equal(1, await wrong.WaitForExitAsync(Timeout));
            Assert.Contains("PIN", wrong.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(WrongPin, wrong.Output, StringComparison.Ordinal);
        }

        using var node = new ConclaveProcess(environment, "node", "run", "--config", config);
        await node.WaitForLineAsync("ready node1 ", Timeout);
        Assert.Equal(0, await node.InterruptAsync(Timeout));
        Assert.DoesNotContain(Pin, node.Output, StringComparison.Ordinal);
    }

    /// <summary>A fresh SoftHSM2 token under <see cref="_dir"/>; returns the HSM_* variables (slot by token label) and SOFTHSM2_CONF.</summary>
    private async Task<Dictionary<string, string>> CreateTokenAsync()
    {
        Assert.True(File.Exists(SoftHsmLibrary), $"SoftHSM2 is not installed ({SoftHsmLibrary} is missing): run scripts/deps.");
        var tokens = Directory.CreateDirectory(Path.Combine(_dir, "tokens")).FullName;
        var conf = Path.Combine(_dir, "softhsm2.conf");
        await File.WriteAllTextAsync(conf, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n", TestContext.Current.CancellationToken);
        var psi = new ProcessStartInfo("softhsm2-util", ["--init-token", "--free", "--label", TokenLabel, "--pin", Pin, "--so-pin", "so-pin-5521"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["SOFTHSM2_CONF"] = conf;
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, await output + errors);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["SOFTHSM2_CONF"] = conf,
            ["HSM_LIB_PATH"] = SoftHsmLibrary,
            ["HSM_PIN"] = Pin,
            ["HSM_SLOT"] = TokenLabel,
            ["HSM_KEY_LABEL"] = "node-root",
        };
    }
}

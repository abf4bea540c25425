using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Conclave.Cli.Cluster;
using Conclave.Cli.Node;
using Conclave.Mpc.Node;
using Conclave.Mpc.Transport;
using NSec.Cryptography;

namespace Conclave.Cli.Tests;

/// <summary><c>conclave node init</c> and <c>conclave cluster init</c>: output contract, files, exit codes.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // checks Unix file modes
public sealed class NodeSetupTests : IDisposable
{
    private const UnixFileMode Mode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Mode700 = Mode600 | UnixFileMode.UserExecute;

    private readonly string _tmp = Path.Combine(Path.GetTempPath(), "conclave-cli-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)));

    public NodeSetupTests() => Directory.CreateDirectory(_tmp);

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    [Fact]
    public async Task Node_init_prints_the_public_identity_json_and_writes_owner_only_files()
    {
        var dataDir = Path.Combine(_tmp, "n1");
        var (exit, stdout, stderr) = await NodeInitAsync("node1", dataDir);
        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, stderr);

        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(["id", "ed25519", "x25519", "tlsCertificateSha256"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("node1", doc.RootElement.GetProperty("id").GetString());
        var ed = Convert.FromHexString(doc.RootElement.GetProperty("ed25519").GetString()!);
        var x = Convert.FromHexString(doc.RootElement.GetProperty("x25519").GetString()!);
        var fingerprint = Convert.FromHexString(doc.RootElement.GetProperty("tlsCertificateSha256").GetString()!);
        Assert.Equal(32, ed.Length);
        Assert.Equal(32, x.Length);
        Assert.Equal(32, fingerprint.Length);

        Assert.Equal(Mode700, File.GetUnixFileMode(dataDir));
        Assert.Equal(Mode600, File.GetUnixFileMode(Path.Combine(dataDir, "root.key")));
        Assert.Equal(Mode600, File.GetUnixFileMode(Path.Combine(dataDir, "identity.sealed")));

        // What was printed is what the data directory opens to, and tls.crt hashes to the printed fingerprint.
        using var keys = await NodeKeyStore.OpenAsync(dataDir, TestContext.Current.CancellationToken);
        Assert.Equal(ed, keys.PublicIdentity.SigningPublicKey.ToArray());
        Assert.Equal(x, keys.PublicIdentity.AgreementPublicKey.ToArray());
        using var pem = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(
            await File.ReadAllTextAsync(Path.Combine(dataDir, "tls.crt"), TestContext.Current.CancellationToken));
        Assert.Equal(fingerprint, SHA256.HashData(pem.RawData));
    }

    [Fact]
    public async Task Node_init_twice_fails_with_exit_1_and_leaves_the_files_unchanged()
    {
        var dataDir = Path.Combine(_tmp, "n1");
        Assert.Equal(0, (await NodeInitAsync("node1", dataDir)).Exit);
        var before = Snapshot(dataDir);
        var (exit, stdout, stderr) = await NodeInitAsync("node1", dataDir);
        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("already initialized", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.Equal(before, Snapshot(dataDir));
    }

    [Fact]
    public async Task Node_init_with_an_invalid_id_fails_with_a_message_and_writes_nothing()
    {
        var dataDir = Path.Combine(_tmp, "bad");
        var (exit, stdout, stderr) = await NodeInitAsync("Node_1", dataDir);
        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("[a-z0-9-]", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dataDir));
    }

    [Fact]
    public async Task Missing_options_and_out_of_range_node_counts_are_usage_errors()
    {
        Assert.Equal(2, await Program.Main(["node", "init", "--id", "node1"]));
        Assert.Equal(2, await Program.Main(["node", "init", "--data-dir", _tmp]));
        Assert.Equal(2, await Program.Main(["cluster", "init", "--nodes", "1", "--dir", Path.Combine(_tmp, "c1")]));
        Assert.Equal(2, await Program.Main(["cluster", "init", "--nodes", "17", "--dir", Path.Combine(_tmp, "c17")]));
        Assert.Equal(2, await Program.Main(["cluster", "init", "--nodes", "3", "--dir", Path.Combine(_tmp, "cp"), "--base-port", "80"]));
        Assert.False(Directory.Exists(Path.Combine(_tmp, "c1")));
    }

    [Fact]
    public async Task Cluster_init_writes_three_loopback_nodes_whose_signed_membership_matches_their_data_directories()
    {
        var dir = Path.Combine(_tmp, "cluster");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(0, await ClusterCommand.InitAsync(3, dir, 7300, stdout, stderr, TestContext.Current.CancellationToken));
        Assert.Equal(string.Empty, stderr.ToString());
        Assert.Contains("127.0.0.1:7301", stdout.ToString(), StringComparison.Ordinal);
        Assert.Equal(Mode600, File.GetUnixFileMode(Path.Combine(dir, "operator.key")));

        // The operator public key is derived from operator.key, independently of the config files.
        var seed = await File.ReadAllBytesAsync(Path.Combine(dir, "operator.key"), TestContext.Current.CancellationToken);
        using var operatorKey = Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey);
        var membership = ClusterMembership.Parse(await File.ReadAllBytesAsync(Path.Combine(dir, "membership.bin"), TestContext.Current.CancellationToken), operatorKey.PublicKey);
        Assert.Equal(3, membership.Members.Count);
        Assert.All(membership.Members, m => Assert.StartsWith("127.0.0.1:", m.Address, StringComparison.Ordinal));
        Assert.Equal(3, membership.Members.Select(m => m.Address).Distinct().Count());

        foreach (var member in membership.Members)
        {
            Assert.Equal(Mode700, File.GetUnixFileMode(Path.Combine(dir, member.NodeId)));
            using var keys = await NodeKeyStore.OpenAsync(Path.Combine(dir, member.NodeId), TestContext.Current.CancellationToken);
            Assert.Equal(member.Identity, keys.PublicIdentity);
            var config = await NodeConfig.LoadAsync(Path.Combine(dir, member.NodeId + ".json"), TestContext.Current.CancellationToken);
            config.Validate(requireLoopback: true);
            Assert.Equal(member.Address, config.ListenAddress);
            Assert.Equal(
                Convert.ToHexStringLower(operatorKey.PublicKey.Export(KeyBlobFormat.RawPublicKey)),
                Convert.ToHexStringLower(config.GetOperatorPublicKey().Export(KeyBlobFormat.RawPublicKey)));
        }
    }

    [Fact]
    public async Task Cluster_init_refuses_a_non_empty_directory_with_exit_1()
    {
        var dir = Path.Combine(_tmp, "cluster");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "keep.txt"), "x", TestContext.Current.CancellationToken);
        var stderr = new StringWriter();
        Assert.Equal(1, await ClusterCommand.InitAsync(3, dir, 7100, new StringWriter(), stderr, TestContext.Current.CancellationToken));
        Assert.Contains("not empty", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal([Path.Combine(dir, "keep.txt")], Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public async Task The_conclave_process_runs_cluster_init_with_exit_code_0()
    {
        var dir = Path.Combine(_tmp, "proc");
        var dll = Path.Combine(AppContext.BaseDirectory, "conclave.dll");
        var psi = new ProcessStartInfo("dotnet", [dll, "cluster", "init", "--nodes", "3", "--dir", dir]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var errors = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var output = await p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(string.Empty, await errors);
        Assert.Equal(0, p.ExitCode);
        Assert.Contains("node3", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir, "membership.bin")));
        Assert.True(File.Exists(Path.Combine(dir, "node3.json")));
        Assert.True(File.Exists(Path.Combine(dir, "node3", "identity.sealed")));
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> NodeInitAsync(string id, string dataDir)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await NodeCommand.InitAsync(id, dataDir, stdout, stderr, TestContext.Current.CancellationToken);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static Dictionary<string, string> Snapshot(string dir) =>
        Directory.GetFiles(dir).ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))) + File.GetUnixFileMode(f));
}

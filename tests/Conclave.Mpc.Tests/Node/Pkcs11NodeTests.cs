using System.Globalization;
using System.Security.Cryptography;
using Conclave.Mpc.Node;
using Conclave.Mpc.Storage;
using Conclave.Mpc.Tests.Storage;

namespace Conclave.Mpc.Tests.Node;

/// <summary>Nodes whose root key is in a real SoftHSM2 token (the assembly's <see cref="SoftHsmToken"/>).</summary>
public sealed class Pkcs11NodeTests(SoftHsmToken token) : IDisposable
{
    private const string WrongPin = "wrong-pin-40417";

    private readonly TempDirectory _tmp = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public async Task A_node_rooted_in_the_hsm_reads_its_share_back_after_a_restart()
    {
        var environment = Environment(SoftHsmToken.NewKeyLabel("node"));
        var config = await CreateClusterAsync(environment);
        Assert.Equal(NodeConfig.Pkcs11RootKeyProvider, config.RootKeyProvider);
        Assert.False(File.Exists(Path.Combine(config.DataDirectory, NodeKeyStore.RootKeyFileName)));
        var share = RandomNumberGenerator.GetBytes(150);
        await using (var runtime = await NodeRuntime.OpenAsync(config, environment, Ct))
        {
            await runtime.Store.PutPendingAsync("wallet-1", 1, share, Ct);
            await runtime.Store.CommitAsync("wallet-1", 1, Ct);
        }

        await using var restarted = await NodeRuntime.OpenAsync(config, environment, Ct);
        Assert.Equal("node1", restarted.Keys.NodeId);
        using var read = await restarted.Store.GetCommittedAsync("wallet-1", Ct);
        Assert.NotNull(read);
        Assert.Equal(share, read.Share.Span.ToArray());
    }

    [Fact]
    public async Task The_data_keys_of_a_pkcs11_node_do_not_unwrap_with_a_software_root_key()
    {
        var environment = Environment(SoftHsmToken.NewKeyLabel("node-sw"));
        var config = await CreateClusterAsync(environment);
        await using (var runtime = await NodeRuntime.OpenAsync(config, environment, Ct))
        {
            await runtime.Store.PutPendingAsync("wallet-1", 1, new byte[] { 1, 2, 3 }, Ct);
            await runtime.Store.CommitAsync("wallet-1", 1, Ct);
        }

        // The config switched to software finds no root.key, and says so instead of creating one.
        var asSoftware = config with { RootKeyProvider = NodeConfig.SoftwareRootKeyProvider };
        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() => NodeRuntime.OpenAsync(asSoftware, environment, Ct));
        Assert.Contains(NodeKeyStore.RootKeyFileName, missing.Message, StringComparison.Ordinal);

        // A software root key (the one a software node would have) opens neither the identity nor the share store.
        using var software = await SoftwareRootKeyProvider.OpenOrCreateAsync(_tmp.File("other-root.key"), Ct);
        await Assert.ThrowsAsync<CryptographicException>(() => NodeKeyStore.OpenAsync(config.DataDirectory, software, Ct));
        await Assert.ThrowsAsync<CryptographicException>(() => ShareStore.OpenAsync(Path.Combine(config.DataDirectory, NodeRuntime.ShareStoreFileName), config.NodeId, software, Ct));

        // Nor does another key on the same token.
        var otherLabel = Environment(SoftHsmToken.NewKeyLabel("node-other"));
        await Assert.ThrowsAsync<CryptographicException>(() => NodeRuntime.OpenAsync(config, otherLabel, Ct));
    }

    [Fact]
    public async Task A_wrong_pin_fails_clearly_without_the_pin_in_the_message()
    {
        var label = SoftHsmToken.NewKeyLabel("node-pin");
        var config = await CreateClusterAsync(Environment(label));

        // The spare token: a failed login there cannot disturb the login other tests hold on the main one.
        var wrong = Environment(label, WrongPin, token.SpareSlotId);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => NodeRuntime.OpenAsync(config, wrong, Ct));
        Assert.Contains("PIN", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongPin, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongPin, e.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HSM_LIB_PATH")]
    [InlineData("HSM_PIN")]
    [InlineData("HSM_SLOT")]
    [InlineData("HSM_KEY_LABEL")]
    public async Task A_missing_hsm_variable_is_named_in_the_error(string variable)
    {
        var environment = Environment("unused");
        Func<string, string?> without = name => name == variable ? null : environment(name);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => NodeRootKey.OpenAsync(NodeConfig.Pkcs11RootKeyProvider, _tmp.Path, create: true, without, Ct));
        Assert.Contains(variable, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SoftHsmToken.Pin, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cluster_setup_with_pkcs11_fails_before_writing_anything_when_the_hsm_is_not_configured()
    {
        var dir = _tmp.File("cluster");
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => LocalClusterSetup.CreateAsync(
            dir, 2, 7600, rootKeyProvider: NodeConfig.Pkcs11RootKeyProvider, environment: _ => null, cancellationToken: Ct));
        Assert.Contains("HSM_LIB_PATH", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }

    private async Task<NodeConfig> CreateClusterAsync(Func<string, string?> environment)
    {
        var dir = _tmp.File("cluster");
        var cluster = await LocalClusterSetup.CreateAsync(dir, 2, 7500, rootKeyProvider: NodeConfig.Pkcs11RootKeyProvider, environment: environment, cancellationToken: Ct);
        return await NodeConfig.LoadAsync(cluster.Nodes[0].ConfigPath, Ct);
    }

    private Func<string, string?> Environment(string keyLabel, string? pin = null, ulong? slot = null)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Pkcs11RootKeyOptions.LibraryPathVariable] = SoftHsmToken.LibraryPath,
            [Pkcs11RootKeyOptions.PinVariable] = pin ?? SoftHsmToken.Pin,
            [Pkcs11RootKeyOptions.SlotVariable] = (slot ?? token.SlotId).ToString(CultureInfo.InvariantCulture),
            [Pkcs11RootKeyOptions.KeyLabelVariable] = keyLabel,
        };
        return name => variables.GetValueOrDefault(name);
    }
}

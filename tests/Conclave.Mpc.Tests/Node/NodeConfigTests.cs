using Conclave.Mpc.Node;
using Conclave.Mpc.Tests.Storage;

namespace Conclave.Mpc.Tests.Node;

public sealed class NodeConfigTests
{
    private static readonly NodeConfig Valid = new()
    {
        NodeId = "node1",
        DataDirectory = "node1",
        ListenAddress = "127.0.0.1:7101",
        MembershipFile = "membership.bin",
        OperatorPublicKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", // RFC 8032 test 1 public key
    };

    [Fact]
    public void A_complete_config_validates_including_loopback()
    {
        Valid.Validate(requireLoopback: true);
        (Valid with { OperatorPublicKey = Convert.ToBase64String(Convert.FromHexString(Valid.OperatorPublicKey)) }).Validate();
        (Valid with { ListenAddress = "[::1]:7101", BridgePort = 8080 }).Validate(requireLoopback: true);
    }

    [Theory]
    [InlineData("nodeId")]
    [InlineData("dataDirectory")]
    [InlineData("listenAddress")]
    [InlineData("rootKeyProvider")]
    [InlineData("membershipFile")]
    [InlineData("operatorPublicKey")]
    [InlineData("bridgePort")]
    public void Each_invalid_field_is_named_in_the_error(string field)
    {
        var bad = field switch
        {
            "nodeId" => Valid with { NodeId = "Node 1" },
            "dataDirectory" => Valid with { DataDirectory = " " },
            "listenAddress" => Valid with { ListenAddress = "127.0.0.1" },
            "rootKeyProvider" => Valid with { RootKeyProvider = "hsm" },
            "membershipFile" => Valid with { MembershipFile = "" },
            "operatorPublicKey" => Valid with { OperatorPublicKey = "abcd" },
            _ => Valid with { BridgePort = 70000 },
        };
        var e = Assert.Throws<InvalidOperationException>(() => bad.Validate());
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Software_and_pkcs11_are_the_root_key_providers_spelled_exactly()
    {
        Assert.Equal("software", Valid.RootKeyProvider);
        (Valid with { RootKeyProvider = "pkcs11" }).Validate(requireLoopback: true);
        foreach (var bad in new[] { "PKCS11", "Software", "pkcs#11", "", "hsm" })
        {
            var e = Assert.Throws<InvalidOperationException>(() => (Valid with { RootKeyProvider = bad }).Validate());
            Assert.Contains("rootKeyProvider", e.Message, StringComparison.Ordinal);
            Assert.Contains("\"pkcs11\"", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_pkcs11_config_round_trips_as_rootKeyProvider_pkcs11_with_no_hsm_setting_in_the_file()
    {
        using var tmp = new TempDirectory();
        var path = tmp.File("node1.json");
        var pkcs11 = Valid with { RootKeyProvider = NodeConfig.Pkcs11RootKeyProvider };
        await pkcs11.SaveAsync(path, TestContext.Current.CancellationToken);
        var json = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        Assert.Contains("\"rootKeyProvider\": \"pkcs11\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("HSM", json, StringComparison.OrdinalIgnoreCase);
        var loaded = await NodeConfig.LoadAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(NodeConfig.Pkcs11RootKeyProvider, loaded.RootKeyProvider);
    }

    [Fact]
    public void A_non_loopback_address_fails_only_when_loopback_is_required()
    {
        var remote = Valid with { ListenAddress = "10.0.0.5:7101" };
        remote.Validate();
        Assert.Throws<InvalidOperationException>(() => remote.Validate(requireLoopback: true));
        Assert.True(NodeConfig.IsLoopback("127.0.0.1:1"));
        Assert.True(NodeConfig.IsLoopback("localhost:1"));
        Assert.False(NodeConfig.IsLoopback("node-a.example:1"));
    }

    [Fact]
    public async Task Save_then_load_round_trips_with_camel_case_fields_and_resolves_relative_paths()
    {
        using var tmp = new TempDirectory();
        var path = tmp.File("node1.json");
        await Valid.SaveAsync(path, TestContext.Current.CancellationToken);
        var json = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        Assert.Contains("\"listenAddress\": \"127.0.0.1:7101\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("bridgePort", json, StringComparison.Ordinal);
        var loaded = await NodeConfig.LoadAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(Valid with { DataDirectory = tmp.File("node1"), MembershipFile = tmp.File("membership.bin") }, loaded);
    }

    [Fact]
    public async Task Unknown_fields_and_invalid_values_are_refused_on_load()
    {
        using var tmp = new TempDirectory();
        var path = tmp.File("c.json");
        await File.WriteAllTextAsync(path, Valid.ToJson().Replace("\"nodeId\"", "\"nodeID\"", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<InvalidDataException>(() => NodeConfig.LoadAsync(path, TestContext.Current.CancellationToken));
        await File.WriteAllTextAsync(path, (Valid with { ListenAddress = "nowhere" }).ToJson(), TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<InvalidOperationException>(() => NodeConfig.LoadAsync(path, TestContext.Current.CancellationToken));
    }
}

using Conclave.Mpc.Node;
using Conclave.Mpc.Tests.Storage;
using Conclave.Mpc.Transport;
using NSec.Cryptography;

namespace Conclave.Mpc.Tests.Node;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // checks Unix file modes
public sealed class LocalClusterSetupTests
{
    [Fact]
    public async Task Three_nodes_get_a_signed_membership_matching_their_data_directories_and_valid_configs()
    {
        using var tmp = new TempDirectory();
        var dir = tmp.File("cluster");
        var cluster = await LocalClusterSetup.CreateAsync(dir, 3, 7200, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(3, cluster.Nodes.Count);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "operator.key")));

        using var operatorKey = await LocalClusterSetup.ReadOperatorKeyAsync(Path.Combine(dir, "operator.key"), TestContext.Current.CancellationToken);
        var membership = ClusterMembership.Parse(await File.ReadAllBytesAsync(Path.Combine(dir, "membership.bin"), TestContext.Current.CancellationToken), operatorKey.PublicKey);
        Assert.Equal(1UL, membership.Serial);
        Assert.True(membership.HasTlsPins);
        Assert.Equal(["node1", "node2", "node3"], membership.Members.Select(m => m.NodeId));
        Assert.Equal(["127.0.0.1:7201", "127.0.0.1:7202", "127.0.0.1:7203"], membership.Members.Select(m => m.Address));

        foreach (var member in membership.Members)
        {
            using var keys = await NodeKeyStore.OpenAsync(Path.Combine(dir, member.NodeId), TestContext.Current.CancellationToken);
            Assert.Equal(member.Identity, keys.PublicIdentity);
            Assert.Equal(keys.TlsCertificateSha256.ToArray(), member.TlsCertificateSha256.ToArray());

            var config = await NodeConfig.LoadAsync(Path.Combine(dir, member.NodeId + ".json"), TestContext.Current.CancellationToken);
            config.Validate(requireLoopback: true);
            Assert.Equal(member.NodeId, config.NodeId);
            Assert.Equal(member.Address, config.ListenAddress);
            Assert.Equal(Path.Combine(dir, member.NodeId), config.DataDirectory);
            Assert.Equal(Path.Combine(dir, "membership.bin"), config.MembershipFile);
            Assert.Equal(operatorKey.PublicKey.Export(KeyBlobFormat.RawPublicKey), config.GetOperatorPublicKey().Export(KeyBlobFormat.RawPublicKey));
        }

        // Another operator key does not verify the membership.
        using var other = Key.Create(SignatureAlgorithm.Ed25519);
        Assert.False(ClusterMembership.TryParse(await File.ReadAllBytesAsync(Path.Combine(dir, "membership.bin"), TestContext.Current.CancellationToken), other.PublicKey, out _, out var error));
        Assert.Equal(MembershipError.BadSignature, error);
    }

    [Fact]
    public async Task A_non_empty_directory_is_refused_and_left_alone()
    {
        using var tmp = new TempDirectory();
        await File.WriteAllTextAsync(tmp.File("keep.txt"), "x", TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<InvalidOperationException>(() => LocalClusterSetup.CreateAsync(tmp.Path, 3, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal([tmp.File("keep.txt")], Directory.GetFileSystemEntries(tmp.Path));
    }

    [Theory]
    [InlineData(1, 7100)]
    [InlineData(17, 7100)]
    [InlineData(3, 80)]
    [InlineData(3, 65534)]
    public async Task Out_of_range_node_counts_and_ports_are_refused(int nodes, int basePort)
    {
        using var tmp = new TempDirectory();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => LocalClusterSetup.CreateAsync(tmp.File("c"), nodes, basePort, cancellationToken: TestContext.Current.CancellationToken));
        Assert.False(Directory.Exists(tmp.File("c")));
    }
}

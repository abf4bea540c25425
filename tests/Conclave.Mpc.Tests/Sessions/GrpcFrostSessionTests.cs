using Conclave.Mpc.Sessions;
using Conclave.Mpc.Tests.Transport;
using Conclave.Mpc.Transport;
using Conclave.Mpc.Transport.Grpc;
using Conclave.Threshold;
using Conclave.Threshold.Frost.Ciphersuites;

namespace Conclave.Mpc.Tests.Sessions;

/// <summary>The FROST sessions of <see cref="FrostSessionTests"/>, over real gRPC hosts with pinned mutual TLS instead of the in-memory network.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // NodeKeyStore relies on Unix file modes
public sealed class GrpcFrostSessionTests
{
    private static readonly TimeSpan RoundTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Three_grpc_hosts_run_a_2_of_3_keygen_then_two_sign_and_the_signature_verifies()
    {
        string[] ids = ["node-a", "node-b", "node-c"];
        await using var nodes = await GrpcTestNodes.CreateAsync(ids);
        var membership = nodes.Membership(ids);
        var hosts = new List<GrpcNodeHost>();
        foreach (var id in ids)
        {
            hosts.Add(await nodes.StartAsync(id, membership));
        }

        GrpcTestNodes.Connect([.. hosts]);
        using var stop = new CancellationTokenSource();
        var routers = new Dictionary<string, SessionRouter>(StringComparer.Ordinal);
        var loops = new List<Task>();
        foreach (var host in hosts)
        {
            var identity = nodes.Keys[host.NodeId].Identity;
            var router = new SessionRouter(identity, membership, new EnvelopeOpener(identity, membership), host.Transport);
            routers[host.NodeId] = router;
            loops.Add(router.RunAsync(stop.Token));
        }

        var keys = new Dictionary<string, FrostKeygenResult>(StringComparer.Ordinal);
        try
        {
            var suite = Ed25519Sha512.Instance;
            foreach (var (id, result) in await GrpcTestNodes.RunSessionAsync(routers, ids, SessionId.Random(), m => new FrostKeygenSession(m, suite, ids, minSigners: 2, RoundTimeout).RunAsync(TestContext.Current.CancellationToken)))
            {
                keys[id] = result;
            }

            var publicKey = keys["node-a"].PublicKeyPackage.SerializePublicKey();
            Assert.All(keys.Values, k => Assert.Equal(publicKey, k.PublicKeyPackage.SerializePublicKey()));

            var message = "pay 1 coin to bob over grpc"u8.ToArray();
            string[] signers = ["node-b", "node-c"];
            var signatures = await GrpcTestNodes.RunSessionAsync(routers, signers, SessionId.Random(), m => new FrostSigningSession(m, keys[m.NodeId], signers, message, RoundTimeout).RunAsync(TestContext.Current.CancellationToken));

            Assert.Equal(signatures["node-b"], signatures["node-c"]);
            Assert.True(suite.Verify(publicKey, message, signatures["node-b"]));
            Assert.All(hosts, h => Assert.Equal(0, h.SendFailures));
            Assert.All(routers.Values, r => Assert.All(r.Opener.DropCounts.Values, c => Assert.Equal(0, c)));
        }
        finally
        {
            foreach (var k in keys.Values)
            {
                k.Dispose();
            }

            await stop.CancelAsync();
            foreach (var loop in loops)
            {
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
            }
        }
    }
}

using System.Threading.Channels;
using Conclave.Mpc.Sessions;
using Conclave.Mpc.Transport;
using Conclave.Mpc.Transport.Grpc;
using Conclave.Threshold;
using Conclave.Threshold.Frost.Ciphersuites;

namespace Conclave.Mpc.Tests.Transport;

/// <summary>
/// A man in the middle on node-a's outgoing gRPC link (inside the TLS tunnel, as a compromised
/// relay or a malicious member would be): every envelope node-a sends is followed by a replayed
/// copy, a copy with a flipped ciphertext byte, a copy whose sender field names node-c, and an
/// envelope node-a sealed for a session nobody runs. A node outside the membership also tries to
/// deliver. Each is dropped and counted under its reason, and keygen and signing still succeed.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class GrpcManInTheMiddleTests
{
    private static readonly TimeSpan RoundTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Forged_replayed_tampered_foreign_and_unlisted_envelopes_are_dropped_counted_and_the_sessions_still_succeed()
    {
        string[] ids = ["node-a", "node-b", "node-c"];
        await using var nodes = await GrpcTestNodes.CreateAsync([.. ids, "outsider"]);
        var membership = nodes.Membership(ids);
        var hosts = new Dictionary<string, GrpcNodeHost>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            hosts[id] = await nodes.StartAsync(id, membership);
        }

        GrpcTestNodes.Connect([.. hosts.Values]);
        var identityA = nodes.Keys["node-a"].Identity;
        var mitm = new MitmTransport(hosts["node-a"].Transport, (recipient, envelope) =>
        {
            var replay = envelope.ToArray();
            var tampered = envelope.ToArray();
            tampered[^40] ^= 0x01; // inside the ciphertext
            var forgedSender = Replace(envelope, "node-a"u8, "node-c"u8);
            membership.TryGetMember(recipient, out var member);
            var foreign = EnvelopeSealer.Seal(identityA, member!.Identity, SessionId.Random(), 1, 1, "not for this session"u8);
            return [envelope, replay, tampered, forgedSender, foreign];
        });

        using var stop = new CancellationTokenSource();
        var routers = new Dictionary<string, SessionRouter>(StringComparer.Ordinal);
        var loops = new List<Task>();
        foreach (var id in ids)
        {
            var identity = nodes.Keys[id].Identity;
            ITransport transport = id == "node-a" ? mitm : hosts[id].Transport;
            var router = new SessionRouter(identity, membership, new EnvelopeOpener(identity, membership), transport);
            routers[id] = router;
            loops.Add(router.RunAsync(stop.Token));
        }

        // A node that is not in node-b's membership cannot even open a TLS connection to it.
        var outsiderView = nodes.Membership([.. ids, "outsider"]);
        var outsider = await nodes.StartAsync("outsider", outsiderView);
        outsider.OverridePeerAddress("node-b", $"127.0.0.1:{hosts["node-b"].Port}");
        await outsider.Transport.SendAsync("node-b", [1, 2, 3], TestContext.Current.CancellationToken);

        var keys = new Dictionary<string, FrostKeygenResult>(StringComparer.Ordinal);
        try
        {
            var suite = Ed25519Sha512.Instance;
            foreach (var (id, result) in await GrpcTestNodes.RunSessionAsync(routers, ids, SessionId.Random(), m => new FrostKeygenSession(m, suite, ids, 2, RoundTimeout).RunAsync(TestContext.Current.CancellationToken)))
            {
                keys[id] = result;
            }

            var message = "through a hostile relay"u8.ToArray();
            string[] signers = ["node-a", "node-b"];
            var signatures = await GrpcTestNodes.RunSessionAsync(routers, signers, SessionId.Random(), m => new FrostSigningSession(m, keys[m.NodeId], signers, message, RoundTimeout).RunAsync(TestContext.Current.CancellationToken));
            Assert.True(suite.Verify(keys["node-a"].PublicKeyPackage.SerializePublicKey(), message, signatures["node-b"]));

            var drops = routers["node-b"].Opener.DropCounts;
            Assert.True(drops[DropReason.Replay] >= 2, $"replay {drops[DropReason.Replay]}");
            Assert.True(drops[DropReason.BadSignature] >= 4, $"bad signature {drops[DropReason.BadSignature]}"); // tampered + forged sender, per round
            Assert.True(drops[DropReason.ForeignSession] >= 2, $"foreign session {drops[DropReason.ForeignSession]}");
            Assert.True(hosts["node-b"].RefusedClients >= 1);
            Assert.True(outsider.SendFailures >= 1);
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

    private static byte[] Replace(byte[] envelope, ReadOnlySpan<byte> from, ReadOnlySpan<byte> to)
    {
        var copy = envelope.ToArray();
        var at = copy.AsSpan().IndexOf(from);
        Assert.True(at >= 0, "the sender id is in the header");
        to.CopyTo(copy.AsSpan(at));
        return copy;
    }

    /// <summary>Sends, for each envelope, whatever the attacker function makes of it.</summary>
    private sealed class MitmTransport(ITransport inner, Func<string, byte[], byte[][]> attack) : ITransport
    {
        public string NodeId => inner.NodeId;

        public ChannelReader<byte[]> Inbox => inner.Inbox;

        public async ValueTask SendAsync(string recipientNodeId, byte[] envelope, CancellationToken cancellationToken = default)
        {
            foreach (var copy in attack(recipientNodeId, envelope))
            {
                await inner.SendAsync(recipientNodeId, copy, cancellationToken);
            }
        }
    }
}

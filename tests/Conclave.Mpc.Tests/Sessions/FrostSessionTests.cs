using System.Security.Cryptography;
using Conclave.Mpc.Sessions;
using Conclave.Mpc.Transport;
using Conclave.Threshold;
using Conclave.Threshold.Frost.Ciphersuites;
using Conclave.Threshold.Frost.Keys.Dkg;

namespace Conclave.Mpc.Tests.Sessions;

public sealed class FrostSessionTests
{
    private static readonly TimeSpan RoundTimeout = TimeSpan.FromSeconds(2);

    public static TheoryData<string> Suites => new() { Ed25519Sha512.Instance.Name, Secp256k1Sha256.Instance.Name };

    [Theory]
    [MemberData(nameof(Suites))]
    public async Task Three_nodes_run_a_2_of_3_keygen_then_two_sign_and_both_get_the_same_verified_signature(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        await using var nodes = new SessionTestNodes();
        var keys = await KeygenAsync(nodes, suite, nodes.Cluster.Session);
        try
        {
            var publicKey = keys["node-a"].PublicKeyPackage.SerializePublicKey();
            foreach (var k in keys.Values)
            {
                Assert.Equal(publicKey, k.PublicKeyPackage.SerializePublicKey());
                Assert.Equal(["node-a", "node-b", "node-c"], k.Participants);
            }

            var message = "pay 1 coin to bob"u8.ToArray();
            string[] signers = ["node-a", "node-c"];
            var outcome = await nodes.RunOnAsync(signers, SessionId.Random(), m => new FrostSigningSession(m, keys[m.NodeId], signers, message, RoundTimeout).RunAsync(TestContext.Current.CancellationToken));

            var signatures = await Task.WhenAll(outcome.Values);
            Assert.Equal(signatures[0], signatures[1]);
            Assert.True(suite.Verify(publicKey, message, signatures[0]));
            Assert.All(nodes.Routers.Values, r => Assert.All(r.Opener.DropCounts.Values, c => Assert.Equal(0, c)));
        }
        finally
        {
            foreach (var k in keys.Values)
            {
                k.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_tampered_envelope_is_dropped_as_BadSignature_and_the_recipient_times_out_naming_the_sender()
    {
        await using var nodes = new SessionTestNodes();
        var tampered = 0;
        nodes.Network.Interceptor = (from, to, envelope) =>
        {
            if (from == "node-a" && to == "node-b" && Interlocked.Exchange(ref tampered, 1) == 0)
            {
                envelope[envelope.Length / 2] ^= 0x01; // inside the ciphertext
            }

            return envelope;
        };

        var outcome = await nodes.RunOnAsync(nodes.NodeIds, nodes.Cluster.Session, m => Keygen(m, Ed25519Sha512.Instance, nodes.NodeIds));

        var timeout = await Assert.ThrowsAsync<SessionTimeoutException>(() => outcome["node-b"]);
        Assert.Equal(1, timeout.Round);
        Assert.Equal(["node-a"], timeout.MissingSenders);
        Assert.Contains("node-a", timeout.Message, StringComparison.Ordinal);
        Assert.Equal(1, nodes.Cluster.OpenerB.DropCounts[DropReason.BadSignature]);
        Assert.All(outcome.Values, t => Assert.True(t.IsFaulted));
        var others = await Assert.ThrowsAsync<SessionTimeoutException>(() => outcome["node-a"]);
        Assert.Equal(["node-b"], others.MissingSenders); // node-b never reached round 2
    }

    [Fact]
    public async Task A_duplicated_envelope_is_dropped_as_Replay_and_keygen_still_succeeds()
    {
        await using var nodes = new SessionTestNodes();
        var duplicated = 0;
        nodes.Network.Interceptor = (from, to, envelope) =>
        {
            if (from == "node-c" && to == "node-a" && Interlocked.Exchange(ref duplicated, 1) == 0)
            {
                Assert.True(nodes.Network.Inject(to, (byte[])envelope.Clone()));
            }

            return envelope;
        };

        var keys = await KeygenAsync(nodes, Ed25519Sha512.Instance, nodes.Cluster.Session);
        foreach (var k in keys.Values)
        {
            k.Dispose();
        }

        Assert.Equal(1, nodes.Cluster.OpenerA.DropCounts[DropReason.Replay]);
        Assert.Equal(1, nodes.Cluster.OpenerA.DropCounts.Values.Sum());
    }

    [Fact]
    public async Task An_envelope_readdressed_to_another_session_is_dropped_as_ForeignSession()
    {
        await using var nodes = new SessionTestNodes();
        var sessionLength = nodes.Cluster.Session.Bytes.Length;
        var rehomed = 0;
        nodes.Network.Interceptor = (from, to, envelope) =>
        {
            if (from == "node-b" && to == "node-c" && Interlocked.Exchange(ref rehomed, 1) == 0)
            {
                // A copy moved into another session: header = version ‖ sidLen ‖ sessionId ‖ …
                var copy = (byte[])envelope.Clone();
                SessionId.Random().Bytes[..sessionLength].CopyTo(copy.AsSpan(2, sessionLength));
                Assert.True(nodes.Network.Inject(to, copy));
            }

            return envelope;
        };

        var keys = await KeygenAsync(nodes, Ed25519Sha512.Instance, nodes.Cluster.Session);
        foreach (var k in keys.Values)
        {
            k.Dispose();
        }

        Assert.Equal(1, nodes.Cluster.OpenerC.DropCounts[DropReason.ForeignSession]);
        Assert.Equal(1, nodes.Cluster.OpenerC.DropCounts.Values.Sum());
    }

    [Fact]
    public async Task A_dropped_envelope_makes_the_round_time_out_naming_only_the_silent_sender()
    {
        await using var nodes = new SessionTestNodes();
        nodes.Network.Interceptor = (from, to, envelope) => from == "node-c" && to == "node-a" ? null : envelope;

        var outcome = await nodes.RunOnAsync(nodes.NodeIds, nodes.Cluster.Session, m => Keygen(m, Secp256k1Sha256.Instance, nodes.NodeIds));

        var timeout = await Assert.ThrowsAsync<SessionTimeoutException>(() => outcome["node-a"]);
        Assert.Equal(["node-c"], timeout.MissingSenders);
        Assert.Equal(0, nodes.Cluster.OpenerA.DropCounts.Values.Sum());
    }

    private static async Task<Dictionary<string, FrostKeygenResult>> KeygenAsync(SessionTestNodes nodes, FrostCiphersuite suite, SessionId session)
    {
        var outcome = await nodes.RunOnAsync(nodes.NodeIds, session, m => Keygen(m, suite, nodes.NodeIds));
        var keys = new Dictionary<string, FrostKeygenResult>(StringComparer.Ordinal);
        foreach (var (node, task) in outcome)
        {
            keys[node] = await task;
        }

        return keys;
    }

    [Fact]
    public async Task A_dealer_that_sends_different_round_one_packages_is_named_by_the_echo_before_any_share_is_sent()
    {
        var suite = Ed25519Sha512.Instance;
        await using var nodes = new SessionTestNodes();
        var ct = TestContext.Current.CancellationToken;

        // node-c equivocates: one round-one package to node-a, another to node-b, then tells each an
        // echo that matches what that node saw, so only the honest nodes' echoes expose it.
        async Task<FrostKeygenResult> Equivocate(SessionMessenger m)
        {
            var (secretA, toA) = FrostDkg.Part1(suite, new ParticipantId(3), 3, 2, m.Session.Bytes);
            var (secretB, toB) = FrostDkg.Part1(suite, new ParticipantId(3), 3, 2, m.Session.Bytes);
            secretA.Dispose();
            secretB.Dispose();
            await m.SendAsync("node-a", 1, SessionPayload.Wrap(FrostPayload.DkgRound1, toA.Serialize()), ct);
            await m.SendAsync("node-b", 1, SessionPayload.Wrap(FrostPayload.DkgRound1, toB.Serialize()), ct);
            var received = await m.ReceiveRoundAsync(1, ["node-a", "node-b"], RoundTimeout, ct);
            var fromA = Round1Package.Deserialize(suite, received["node-a"].Payload.Span[1..]).Serialize();
            var fromB = Round1Package.Deserialize(suite, received["node-b"].Payload.Span[1..]).Serialize();
            byte[] View(Round1Package mine) => [.. SHA256.HashData(fromA), .. SHA256.HashData(fromB), .. SHA256.HashData(mine.Serialize())];
            await m.SendAsync("node-a", 3, SessionPayload.Wrap(FrostPayload.DkgRound1Echo, View(toA)), ct);
            await m.SendAsync("node-b", 3, SessionPayload.Wrap(FrostPayload.DkgRound1Echo, View(toB)), ct);
            var shares = await m.ReceiveRoundAsync(2, ["node-a", "node-b"], RoundTimeout, ct); // never arrive
            throw new InvalidOperationException($"node-c received {shares.Count} secret shares");
        }

        var outcome = await nodes.RunOnAsync(nodes.NodeIds, nodes.Cluster.Session, m => m.NodeId == "node-c" ? Equivocate(m) : Keygen(m, suite, nodes.NodeIds));

        foreach (var honest in new[] { "node-a", "node-b" })
        {
            var abort = await Assert.ThrowsAsync<ProtocolAbortException>(() => outcome[honest]);
            Assert.Equal(AbortReason.Equivocation, abort.Reason);
            Assert.Equal([new ParticipantId(3)], abort.Culprits);
        }

        var cheater = await Assert.ThrowsAsync<SessionTimeoutException>(() => outcome["node-c"]);
        Assert.Equal(2, cheater.Round); // the honest nodes stopped before sending their secret shares
    }

    private static Task<FrostKeygenResult> Keygen(SessionMessenger messenger, FrostCiphersuite suite, IReadOnlyList<string> participants) =>
        new FrostKeygenSession(messenger, suite, participants, minSigners: 2, RoundTimeout).RunAsync(TestContext.Current.CancellationToken);
}

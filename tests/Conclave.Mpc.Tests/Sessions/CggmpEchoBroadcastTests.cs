using System.Collections.Concurrent;
using Conclave.Crypto.Signatures;
using Conclave.Mpc.Sessions;
using Conclave.Mpc.Transport;
using Conclave.Threshold;
using Conclave.Threshold.Cggmp.Presign;

namespace Conclave.Mpc.Tests.Sessions;

/// <summary>
/// The CGGMP21 status rounds as echo broadcasts (<see cref="EchoBroadcast"/>): a signer that sends
/// different signed statements to different signers is named by everyone, never an honest signer.
/// </summary>
public sealed class CggmpEchoBroadcastTests(CggmpSessionTests.SharedKey shared) : IClassFixture<CggmpSessionTests.SharedKey>
{
    private static readonly TimeSpan RoundTimeout = TimeSpan.FromSeconds(30);
    private static readonly string[] Signers = ["node-a", "node-b", "node-c"];

    [Fact]
    public async Task A_signer_that_sends_identify_to_one_and_its_partial_signature_to_another_is_named_by_every_node()
    {
        await using var nodes = new SessionTestNodes();
        var session = SessionId.Random();
        nodes.Network.Interceptor = Tampering(nodes, session, (from, to, round) =>
            from == "node-a" && to == "node-b" && round == CggmpSigningSession.PartialSignatureRound
                ? payload => Resigned(nodes.Cluster.A, EchoBroadcast.SignStatusProtocol, session, round, CggmpPayload.EncodePresignStatus(identify: true))
                : null);

        var outcome = await nodes.RunOnAsync(Signers, session, m =>
            new CggmpSigningSession(m, shared.Keys[m.NodeId], Signers, new byte[32], new Ledger(), RoundTimeout).RunAsync(TestContext.Current.CancellationToken));

        // node-a's own code is honest: the echo shows it its own statement with other content, so it names itself too.
        var equivocator = shared.Keys["node-a"].ParticipantIdOf("node-a");
        foreach (var node in Signers)
        {
            var abort = await Assert.ThrowsAsync<ProtocolAbortException>(() => outcome[node]);
            Assert.Equal(AbortReason.Equivocation, abort.Reason);
            Assert.Equal([equivocator], abort.Culprits);
        }
    }

    [Fact]
    public async Task A_signer_that_sends_identify_to_one_and_presigned_to_another_in_the_pooled_status_round_is_named_by_every_node()
    {
        await using var nodes = new SessionTestNodes();
        var session = SessionId.Random();
        nodes.Network.Interceptor = Tampering(nodes, session, (from, to, round) =>
            from == "node-b" && to == "node-c" && round == CggmpPresignSession.StatusRound
                ? payload => Resigned(nodes.Cluster.B, EchoBroadcast.PresignStatusProtocol, session, round, CggmpPayload.EncodePresignStatus(identify: true))
                : null);

        var outcome = await nodes.RunOnAsync(Signers, session, m =>
            new CggmpPresignSession(m, shared.Keys[m.NodeId], Signers, RoundTimeout).RunAsync(TestContext.Current.CancellationToken));

        var equivocator = shared.Keys["node-a"].ParticipantIdOf("node-b");
        foreach (var node in Signers)
        {
            var abort = await Assert.ThrowsAsync<ProtocolAbortException>(() => outcome[node]);
            Assert.Equal(AbortReason.Equivocation, abort.Reason);
            Assert.Equal([equivocator], abort.Culprits);
        }
    }

    [Fact]
    public async Task An_echo_that_carries_a_statement_with_a_bad_signature_names_the_echoer_and_the_others_still_sign()
    {
        await using var nodes = new SessionTestNodes();
        var session = SessionId.Random();
        nodes.Network.Interceptor = Tampering(nodes, session, (from, to, round) =>
            from == "node-c" && to == "node-b" && round == CggmpSigningSession.StatusEchoRound
                ? payload =>
                {
                    // kind ‖ version ‖ count:u16 ‖ entries (participant:u16 ‖ digest[32] ‖ signature[64]); the first is node-a's
                    payload[4 + 2 + 32 + 10] ^= 0x01;
                    return payload;
                }
        : null);

        var hash = new byte[32];
        var outcome = await nodes.RunOnAsync(Signers, session, m =>
            new CggmpSigningSession(m, shared.Keys[m.NodeId], Signers, hash, new Ledger(), RoundTimeout).RunAsync(TestContext.Current.CancellationToken));

        var abort = await Assert.ThrowsAsync<ProtocolAbortException>(() => outcome["node-b"]);
        Assert.Equal(AbortReason.InvalidEchoedStatement, abort.Reason);
        Assert.Equal([shared.Keys["node-b"].ParticipantIdOf("node-c")], abort.Culprits);
        var publicKey = shared.Keys["node-a"].SerializePublicKey();
        foreach (var node in new[] { "node-a", "node-c" })
        {
            var signature = await outcome[node];
            Assert.True(EcdsaSecp256k1.VerifyCompact(publicKey, hash, signature.ToCompact()));
        }
    }

    [Fact]
    public async Task A_status_whose_statement_signature_does_not_verify_names_its_sender_as_malformed()
    {
        await using var nodes = new SessionTestNodes();
        var session = SessionId.Random();
        nodes.Network.Interceptor = Tampering(nodes, session, (from, to, round) =>
            from == "node-a" && to == "node-c" && round == CggmpPresignSession.StatusRound
                ? payload =>
                {
                    payload[2 + 5] ^= 0x01; // kind ‖ version ‖ signature[64] ‖ status payload
                    return payload;
                }
        : null);

        var outcome = await nodes.RunOnAsync(Signers, session, m =>
            new CggmpPresignSession(m, shared.Keys[m.NodeId], Signers, RoundTimeout).RunAsync(TestContext.Current.CancellationToken));

        var abort = await Assert.ThrowsAsync<ProtocolAbortException>(() => outcome["node-c"]);
        Assert.Equal(AbortReason.MalformedMessage, abort.Reason);
        Assert.Equal([shared.Keys["node-c"].ParticipantIdOf("node-a")], abort.Culprits);
        Assert.Contains("signature does not verify", abort.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Three_honest_signers_presign_through_the_echoed_status_round()
    {
        await using var nodes = new SessionTestNodes();
        var echoes = new ConcurrentBag<string>();
        var session = SessionId.Random();
        nodes.Network.Interceptor = Tampering(nodes, session, (from, to, round) =>
        {
            if (round == CggmpPresignSession.StatusEchoRound)
            {
                echoes.Add($"{from}>{to}");
            }

            return null;
        });

        var outcome = await nodes.RunOnAsync(Signers, session, m =>
            new CggmpPresignSession(m, shared.Keys[m.NodeId], Signers, RoundTimeout).RunAsync(TestContext.Current.CancellationToken));

        var presignatures = new List<Presignature>();
        foreach (var task in outcome.Values)
        {
            presignatures.Add(await task);
        }

        Assert.Single(presignatures.Select(p => Convert.ToHexString(p.PublicData.Id)).Distinct());
        Assert.Equal(6, echoes.Count); // every signer echoed to every other
        foreach (var p in presignatures)
        {
            p.Dispose();
        }
    }

    [Fact]
    public void The_statement_binds_protocol_session_round_sender_and_digest_but_not_a_recipient()
    {
        var session = SessionId.Random();
        var digest = new byte[32];
        var statement = EchoBroadcast.Statement(EchoBroadcast.SignStatusProtocol, session, 4, "node-a", digest);
        var changed = new[]
        {
            EchoBroadcast.Statement(EchoBroadcast.PresignStatusProtocol, session, 4, "node-a", digest),
            EchoBroadcast.Statement(EchoBroadcast.SignStatusProtocol, SessionId.Random(), 4, "node-a", digest),
            EchoBroadcast.Statement(EchoBroadcast.SignStatusProtocol, session, 5, "node-a", digest),
            EchoBroadcast.Statement(EchoBroadcast.SignStatusProtocol, session, 4, "node-b", digest),
            EchoBroadcast.Statement(EchoBroadcast.SignStatusProtocol, session, 4, "node-a", [.. digest[..31], 1]),
        };
        Assert.All(changed, c => Assert.NotEqual(statement, c));

        using var a = NodeIdentity.Create("node-a");
        var payload = CggmpPayload.EncodePresignStatus(identify: false);
        var signed = EchoBroadcast.SignedPayload(a, EchoBroadcast.SignStatusProtocol, session, 4, payload);
        Assert.Equal(CggmpPayload.SignedStatement, signed[0]);
        Assert.Equal(payload, signed[(2 + 64)..]);
        Assert.True(NSec.Cryptography.SignatureAlgorithm.Ed25519.Verify(a.PublicIdentity.SigningKey, EchoBroadcast.Statement(EchoBroadcast.SignStatusProtocol, session, 4, "node-a", System.Security.Cryptography.SHA256.HashData(payload)), signed.AsSpan(2, 64)));
    }

    /// <summary>A signed round-4 payload as <paramref name="sender"/> itself would send it: an authentic statement with other content.</summary>
    internal static byte[] Resigned(NodeIdentity sender, string protocol, SessionId session, int round, byte[] inner) =>
        EchoBroadcast.SignedPayload(sender, protocol, session, round, inner);

    /// <summary>
    /// An interceptor that, for every envelope <paramref name="rule"/> gives a tamper function for,
    /// replaces the payload and seals it again with the sender's own identity and sequence number, so
    /// the recipient accepts it as authentic (the sender "sent" it).
    /// </summary>
    internal static Func<string, string, byte[], byte[]?> Tampering(SessionTestNodes nodes, SessionId session, Func<string, string, int, Func<byte[], byte[]>?> rule)
    {
        var identities = new[] { nodes.Cluster.A, nodes.Cluster.B, nodes.Cluster.C }.ToDictionary(i => i.NodeId, StringComparer.Ordinal);
        var openers = identities.ToDictionary(kv => kv.Key, kv =>
        {
            var opener = new EnvelopeOpener(kv.Value, nodes.Cluster.Membership);
            opener.AddSession(session);
            return opener;
        }, StringComparer.Ordinal);
        var gate = new Lock();
        return (from, to, envelope) =>
        {
            OpenedMessage? message;
            lock (gate)
            {
                if (!openers[to].TryOpen(envelope, out message, out _))
                {
                    return envelope;
                }
            }

            using (message)
            {
                var tamper = rule(from, to, message.Round);
                if (tamper is null)
                {
                    return envelope;
                }

                Assert.True(nodes.Cluster.Membership.TryGetMember(to, out var recipient));
                return EnvelopeSealer.Seal(identities[from], recipient.Identity, session, message.Round, message.Sequence, tamper(message.Payload.ToArray()));
            }
        };
    }

    private sealed class Ledger : IPresignatureLedger
    {
        private readonly ConcurrentDictionary<string, bool> _used = new(StringComparer.Ordinal);

        public bool TryMarkUsed(ReadOnlySpan<byte> presignatureId) => _used.TryAdd(Convert.ToHexString(presignatureId), true);
    }
}

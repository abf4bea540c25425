using System.Security.Cryptography;
using Conclave.Mpc.Coordination;
using Conclave.Mpc.Node;
using Conclave.Mpc.Sessions;
using Conclave.Mpc.Tests.Storage;
using Conclave.Mpc.Transport;
using Conclave.Testing;
using Conclave.Threshold;

namespace Conclave.Mpc.Tests.Coordination;

/// <summary>
/// A CGGMP21 signer that equivocates in the fresh signing path's round 4 ("identify" to one signer,
/// its σ to another) through the coordinator of an embedded three-node cluster: the request's error,
/// which is the bridge's 502 body, names the equivocator and no honest node.
/// </summary>
public sealed class EmbeddedClusterCggmpEquivocationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_coordinator_names_the_equivocating_signer_and_no_honest_node()
    {
        using var dir = new TempDirectory();
        var options = new MpcNodeOptions { PaillierKeySource = TestOnlySafePrimes.KeySource() };
        var coordinatorOptions = CoordinatorOptions.Default with { PresignaturePoolSize = 0 }; // the fresh path, with its status round
        await using var cluster = await EmbeddedCluster.StartAsync(dir.File("data"), 3, options, false, coordinatorOptions, Ct);
        var wallet = await cluster.Coordinator.KeygenAsync("eth-eq", KeyTypes.Secp256k1, 2, 3, "ethereum", Ct);

        cluster.Network.Interceptor = Equivocating(cluster, "node1", "node2");
        var hash = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var error = await Assert.ThrowsAsync<MpcRequestException>(() => cluster.Coordinator.SignAsync(wallet.WalletId, null, hash, ["node1", "node2", "node3"], Ct));

        Assert.Equal(MpcErrorCode.ProtocolAbort, error.Code);
        Assert.Equal(["node1"], error.Culprits);
        Assert.Contains("Equivocation", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Replaces <paramref name="from"/>'s round-4 σ to <paramref name="to"/> by a request to identify,
    /// signed and sealed by <paramref name="from"/> itself (so it is an authentic statement).
    /// </summary>
    private static Func<string, string, byte[], byte[]?> Equivocating(EmbeddedCluster cluster, string from, string to)
    {
        var opener = new EnvelopeOpener(cluster.IdentityOf(to), cluster.Membership);
        var gate = new Lock();
        Assert.True(cluster.Membership.TryGetMember(to, out var recipient));
        return (f, t, envelope) =>
        {
            if (f != from || t != to || EnvelopeFormat.TryReadHeader(envelope, out var header) != DropReason.None || header.Round != CggmpSigningSession.PartialSignatureRound)
            {
                return envelope;
            }

            OpenedMessage? message;
            lock (gate)
            {
                opener.AddSession(header.Session);
                if (!opener.TryOpen(envelope, out message, out _))
                {
                    return envelope;
                }
            }

            using (message)
            {
                if (message.Payload.Span[0] != CggmpPayload.SignedStatement)
                {
                    return envelope;
                }

                var inner = CggmpPayload.EncodePresignStatus(identify: true);
                var payload = EchoBroadcast.SignedPayload(cluster.IdentityOf(from), EchoBroadcast.SignStatusProtocol, header.Session, header.Round, inner);
                return EnvelopeSealer.Seal(cluster.IdentityOf(from), recipient.Identity, header.Session, header.Round, message.Sequence, payload);
            }
        };
    }
}

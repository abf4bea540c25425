using System.Security.Cryptography;
using Conclave.Mpc.Coordination;
using Conclave.Mpc.Node;
using Conclave.Mpc.Tests.Storage;
using Conclave.Testing;

namespace Conclave.Mpc.Tests.Coordination;

/// <summary>Ed25519 (FROST) wallets end to end through the coordinator of an embedded three-node cluster.</summary>
public sealed class EmbeddedClusterFrostTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Keygen_then_sign_verifies_and_survives_a_restart()
    {
        using var dir = new TempDirectory();
        WalletInfo wallet;
        var message = RandomNumberGenerator.GetBytes(100);
        await using (var cluster = await EmbeddedCluster.StartAsync(dir.File("data"), cancellationToken: Ct))
        {
            Assert.True(cluster.Created);
            wallet = await cluster.Coordinator.KeygenAsync("w1", KeyTypes.Ed25519, 2, 3, "solana", Ct);
            Assert.Equal(["node1", "node2", "node3"], wallet.Parties);
            Assert.Equal(64, wallet.PublicKey.Length);
            var signed = await cluster.Coordinator.SignAsync("w1", Convert.ToHexStringLower(message), null, null, Ct);
            Assert.Equal(["node1", "node2"], signed.Signers);
            Assert.True(IndependentVerifier.VerifyEd25519(Convert.FromHexString(wallet.PublicKey), message, Convert.FromHexString(signed.Signature)));
            Assert.Null(signed.RecoveryId);
        }

        await using (var cluster = await EmbeddedCluster.StartAsync(dir.File("data"), cancellationToken: Ct))
        {
            Assert.False(cluster.Created);
            Assert.Equal(wallet, await cluster.Coordinator.GetWalletAsync("w1", Ct), WalletComparer.Instance);
            var signed = await cluster.Coordinator.SignAsync("w1", Convert.ToHexStringLower(message), null, ["node2", "node3"], Ct);
            Assert.Equal(["node2", "node3"], signed.Signers);
            Assert.True(IndependentVerifier.VerifyEd25519(Convert.FromHexString(wallet.PublicKey), message, Convert.FromHexString(signed.Signature)));
        }
    }

    [Fact]
    public async Task Errors_are_classified_and_leave_nothing_behind()
    {
        using var dir = new TempDirectory();
        await using var cluster = await EmbeddedCluster.StartAsync(dir.File("data"), cancellationToken: Ct);
        var c = cluster.Coordinator;
        await c.KeygenAsync("w1", KeyTypes.Ed25519, 2, 3, null, Ct);

        await AssertCode(MpcErrorCode.WalletExists, () => c.KeygenAsync("w1", KeyTypes.Ed25519, 2, 3, null, Ct));
        await AssertCode(MpcErrorCode.WalletNotFound, () => c.SignAsync("nope", "00", null, null, Ct));
        await AssertCode(MpcErrorCode.InvalidRequest, () => c.KeygenAsync("w2", KeyTypes.Ed25519, 4, 3, null, Ct));
        await AssertCode(MpcErrorCode.InvalidRequest, () => c.KeygenAsync("w2", KeyTypes.Ed25519, 1, 3, null, Ct));
        await AssertCode(MpcErrorCode.InvalidRequest, () => c.KeygenAsync("w2", "rsa", 2, 3, null, Ct));
        await AssertCode(MpcErrorCode.InvalidRequest, () => c.KeygenAsync("bad id/..", KeyTypes.Ed25519, 2, 3, null, Ct));
        await AssertCode(MpcErrorCode.InvalidRequest, () => c.SignAsync("w1", "zz", null, null, Ct));
        await AssertCode(MpcErrorCode.InvalidRequest, () => c.SignAsync("w1", null, new string('0', 64), null, Ct));
        await AssertCode(MpcErrorCode.InvalidRequest, () => c.SignAsync("w1", "00", null, ["node1"], Ct));
        await AssertCode(MpcErrorCode.InvalidRequest, () => c.SignAsync("w1", "00", null, ["node1", "node9"], Ct));
        await AssertCode(MpcErrorCode.InvalidRequest, () => c.SignAsync("w1", "00", null, ["node1", "node1"], Ct));

        // Nothing half-stored: w2 never existed on any node, and no session is left open.
        foreach (var node in cluster.Nodes)
        {
            Assert.Null(await node.GetWalletAsync("w2", Ct));
            var health = await node.HealthAsync(Ct);
            Assert.Equal(1, health.Wallets);
            Assert.Equal(0, health.ActiveSessions);
        }
    }

    [Fact]
    public async Task A_node_runs_only_what_it_checked_itself()
    {
        using var dir = new TempDirectory();
        await using var cluster = await EmbeddedCluster.StartAsync(dir.File("data"), cancellationToken: Ct);
        await cluster.Coordinator.KeygenAsync("w1", KeyTypes.Ed25519, 2, 3, null, Ct);
        var node1 = cluster.Nodes[0];
        var request = new SessionRequest
        {
            Kind = SessionRequest.SignKind,
            WalletId = "w1",
            KeyType = KeyTypes.Ed25519,
            Threshold = 2,
            Parties = ["node1", "node2"],
            Message = "00",
            Nonce = SessionRequest.NewNonce(),
        };

        // Not prepared → not run; a request that names a wrong threshold or a foreign signer is refused at prepare.
        await AssertCode(MpcErrorCode.InvalidRequest, () => node1.RunAsync(request, Ct));
        await AssertCode(MpcErrorCode.InvalidRequest, () => node1.PrepareAsync(request with { Threshold = 3, Parties = ["node1", "node2", "node3"] }, Ct));
        await AssertCode(MpcErrorCode.InvalidRequest, () => node1.PrepareAsync(request with { Parties = ["node2", "node3"] }, Ct));
        await AssertCode(MpcErrorCode.InvalidRequest, () => node1.PrepareAsync(request with { KeyType = KeyTypes.Secp256k1, Message = new string('0', 64) }, Ct));

        // The same request cannot be prepared twice (its session id is taken).
        await node1.PrepareAsync(request, Ct);
        await AssertCode(MpcErrorCode.InvalidRequest, () => node1.PrepareAsync(request, Ct));
        await node1.AbortAsync(request, Ct);
        Assert.Equal(0, (await node1.HealthAsync(Ct)).ActiveSessions);
    }

    [Fact]
    public async Task A_policy_refusal_is_reported_and_a_silent_signer_is_named()
    {
        using var dir = new TempDirectory();
        var refuse = new RefusingPolicy();
        var options = new MpcNodeOptions { SigningPolicy = refuse, RoundTimeout = TimeSpan.FromSeconds(2) };
        await using var cluster = await EmbeddedCluster.StartAsync(dir.File("data"), options: options, cancellationToken: Ct);
        await cluster.Coordinator.KeygenAsync("w1", KeyTypes.Ed25519, 2, 3, null, Ct);

        refuse.Refuse = true;
        var denied = await AssertCode(MpcErrorCode.PolicyDenied, () => cluster.Coordinator.SignAsync("w1", "00", null, null, Ct));
        Assert.Contains("not today", denied.Message, StringComparison.Ordinal);
        refuse.Refuse = false;
        var ok = await cluster.Coordinator.SignAsync("w1", "00", null, null, Ct);
        Assert.Equal(128, ok.Signature.Length);

        // node2 goes silent (everything it sends is lost): with signers fixed by the caller the
        // request fails naming node2; left to the coordinator it is retried without node2.
        cluster.Network.Interceptor = (from, _, envelope) => from == "node2" ? null : envelope;
        var abort = await AssertCode(MpcErrorCode.ProtocolAbort, () => cluster.Coordinator.SignAsync("w1", "00", null, ["node1", "node2"], Ct));
        Assert.Equal(["node2"], abort.Culprits);
        var retried = await cluster.Coordinator.SignAsync("w1", "00", null, null, Ct);
        Assert.Equal(["node1", "node3"], retried.Signers);
    }

    private static async Task<MpcRequestException> AssertCode(MpcErrorCode code, Func<Task> action)
    {
        var e = await Assert.ThrowsAsync<MpcRequestException>(action);
        Assert.Equal(code, e.Code);
        return e;
    }

    private sealed class RefusingPolicy : ISigningPolicy
    {
        public volatile bool Refuse;

        public ValueTask<string?> CheckAsync(SessionRequest request, WalletInfo wallet, CancellationToken cancellationToken) =>
            ValueTask.FromResult(Refuse ? "not today" : null);
    }

    private sealed class WalletComparer : IEqualityComparer<WalletInfo>
    {
        public static readonly WalletComparer Instance = new();

        public bool Equals(WalletInfo? x, WalletInfo? y) => x is not null && y is not null && x.SameAs(y);

        public int GetHashCode(WalletInfo obj) => obj.WalletId.GetHashCode(StringComparison.Ordinal);
    }
}

using System.Security.Cryptography;
using Conclave.Crypto.Signatures;
using Conclave.Mpc.Coordination;
using Conclave.Mpc.Node;
using Conclave.Mpc.Observability;
using Conclave.Mpc.Tests.Storage;
using Conclave.Testing;

namespace Conclave.Mpc.Tests.Coordination;

/// <summary>
/// The reshare request kind over an embedded three-node cluster, for both key types (test-only
/// Paillier primes for secp256k1): same public key, key version v → v + 1, new shares on every
/// node that sign in every 2-subset, nothing committed when a party fails, stored presignatures
/// gone after the commit, and each node's own checks of the request.
/// </summary>
public sealed class ReshareTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> KeyTypeNames => new(KeyTypes.Ed25519, KeyTypes.Secp256k1);

    [Theory]
    [MemberData(nameof(KeyTypeNames))]
    public async Task Reshare_keeps_the_public_key_bumps_the_version_replaces_every_share_and_signs(string keyType)
    {
        using var dir = new TempDirectory();
        var metrics = new MpcMetrics();
        var options = new MpcNodeOptions { PaillierKeySource = TestOnlySafePrimes.KeySource(), Metrics = metrics };
        await using var cluster = await EmbeddedCluster.StartAsync(dir.File("data"), 3, options, false, new CoordinatorOptions { PresignaturePoolSize = 0 }, Ct);
        var wallet = await cluster.Coordinator.KeygenAsync("w1", keyType, 2, 3, "chain", Ct);
        Assert.Equal(MpcNode.InitialKeyVersion, wallet.KeyVersion);
        var before = await SharesAsync(cluster);

        var refreshed = await cluster.Coordinator.ReshareAsync("w1", Ct);
        Assert.Equal(wallet with { KeyVersion = 2 }, refreshed, WalletComparer.Instance);
        Assert.Equal(refreshed, await cluster.Coordinator.GetWalletAsync("w1", Ct), WalletComparer.Instance);
        var after = await SharesAsync(cluster);
        foreach (var node in cluster.Nodes)
        {
            Assert.Equal(2, after[node.NodeId].Version);
            Assert.NotEqual(before[node.NodeId].Bytes, after[node.NodeId].Bytes);
            Assert.Equal(2, (await node.GetWalletAsync("w1", Ct))!.KeyVersion);
        }

        foreach (var signers in new[] { new[] { "node1", "node2" }, ["node1", "node3"], ["node2", "node3"] })
        {
            await SignAndCheckAsync(cluster.Coordinator, wallet, signers);
        }

        Assert.Equal(3, (await cluster.Coordinator.ReshareAsync("w1", Ct)).KeyVersion);
        await SignAndCheckAsync(cluster.Coordinator, wallet, null);

        var text = await MetricsTextAsync(metrics);
        var protocol = keyType == KeyTypes.Ed25519 ? "frost" : "cggmp21";
        Assert.Contains($"conclave_sessions_completed_total{{node=\"node1\",protocol=\"{protocol}\",kind=\"reshare\"}} 2", text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(KeyTypeNames))]
    public async Task A_party_failing_mid_reshare_commits_nothing_and_version_v_keeps_signing(string keyType)
    {
        using var dir = new TempDirectory();
        var options = new MpcNodeOptions { PaillierKeySource = TestOnlySafePrimes.KeySource() };
        await using var cluster = await EmbeddedCluster.StartAsync(dir.File("data"), 3, options, false, new CoordinatorOptions { PresignaturePoolSize = 0 }, Ct);
        var wallet = await cluster.Coordinator.KeygenAsync("w1", keyType, 2, 3, null, Ct);
        var before = await SharesAsync(cluster);

        // node3 runs its part (its pending v + 1 is written) and then fails before reporting.
        await using var faulty = new Coordinator([cluster.Nodes[0], cluster.Nodes[1], new FailingAfterRun(cluster.Nodes[2])], options: new CoordinatorOptions { PresignaturePoolSize = 0 });
        var failure = await Assert.ThrowsAsync<MpcRequestException>(() => faulty.ReshareAsync("w1", Ct));
        Assert.Equal(MpcErrorCode.ProtocolAbort, failure.Code);
        Assert.Equal(["node3"], failure.Culprits);

        Assert.Equal(wallet, await cluster.Coordinator.GetWalletAsync("w1", Ct), WalletComparer.Instance);
        var after = await SharesAsync(cluster);
        foreach (var node in cluster.Nodes)
        {
            Assert.Equal(1, after[node.NodeId].Version);
            Assert.Equal(before[node.NodeId].Bytes, after[node.NodeId].Bytes);
            Assert.False(await node.StoreForTests.DiscardPendingAsync("w1", 2, Ct), $"{node.NodeId} kept a pending version 2");
        }

        await SignAndCheckAsync(cluster.Coordinator, wallet, ["node1", "node3"]);

        // A retry with every party healthy succeeds.
        Assert.Equal(2, (await cluster.Coordinator.ReshareAsync("w1", Ct)).KeyVersion);
        await SignAndCheckAsync(cluster.Coordinator, wallet, ["node2", "node3"]);
    }

    [Fact]
    public async Task Stored_presignatures_and_the_pool_index_are_gone_after_a_reshare()
    {
        using var dir = new TempDirectory();
        var options = new MpcNodeOptions { PaillierKeySource = TestOnlySafePrimes.KeySource() };
        await using var cluster = await EmbeddedCluster.StartAsync(dir.File("data"), 3, options, false, new CoordinatorOptions { PresignaturePoolSize = 2 }, Ct);
        var wallet = await cluster.Coordinator.KeygenAsync("w1", KeyTypes.Secp256k1, 2, 3, null, Ct);
        string[] signers = ["node1", "node2"];
        await cluster.Coordinator.RefillsForTests("w1");
        var old = cluster.Coordinator.PooledPresignatureIdsForTests("w1", signers);
        Assert.Equal(2, old.Count);

        await cluster.Coordinator.ReshareAsync("w1", Ct);
        foreach (var id in old)
        {
            Assert.DoesNotContain(id, cluster.Coordinator.PooledPresignatureIdsForTests("w1", signers));
            foreach (var node in cluster.Nodes)
            {
                Assert.False(await node.StoreForTests.HasPresignatureAsync("w1", Convert.FromHexString(id), Ct), $"{node.NodeId} kept presignature {id}");
            }
        }

        // The pool refills from the new shares, and a pooled message sign verifies under the same key.
        await cluster.Coordinator.RefillsForTests("w1");
        Assert.Equal(2, cluster.Coordinator.PooledPresignatureIdsForTests("w1", signers).Count);
        var message = RandomNumberGenerator.GetBytes(50);
        var signed = await cluster.Coordinator.SignAsync("w1", Convert.ToHexStringLower(message), null, null, null, Ct);
        Assert.True(IndependentVerifier.VerifyEcdsaSecp256k1(Convert.FromHexString(wallet.PublicKey), SHA256.HashData(message), Convert.FromHexString(signed.Signature)));
    }

    [Fact]
    public async Task Nodes_refuse_a_reshare_that_does_not_match_their_wallet_and_the_coordinator_classifies_errors()
    {
        using var dir = new TempDirectory();
        await using var cluster = await EmbeddedCluster.StartAsync(dir.File("data"), 3, null, false, new CoordinatorOptions { PresignaturePoolSize = 0 }, Ct);
        var wallet = await cluster.Coordinator.KeygenAsync("w1", KeyTypes.Ed25519, 2, 2, null, Ct);
        Assert.Equal(["node1", "node2"], wallet.Parties);

        await AssertCode(MpcErrorCode.WalletNotFound, () => cluster.Coordinator.ReshareAsync("nobody", Ct));
        await AssertCode(MpcErrorCode.InvalidRequest, () => cluster.Coordinator.ReshareAsync("bad id/..", Ct));

        var node1 = cluster.Nodes[0];
        var good = new SessionRequest
        {
            Kind = SessionRequest.ReshareKind,
            WalletId = "w1",
            KeyType = KeyTypes.Ed25519,
            Threshold = 2,
            Parties = ["node1", "node2"],
            KeyVersion = 1,
            Nonce = SessionRequest.NewNonce(),
        };
        await AssertCode(MpcErrorCode.InvalidRequest, () => node1.PrepareAsync(good with { Parties = ["node1", "node2", "node3"] }, Ct)); // another committee
        await AssertCode(MpcErrorCode.InvalidRequest, () => node1.PrepareAsync(good with { Parties = ["node2", "node3"] }, Ct)); // not a member
        await AssertCode(MpcErrorCode.InvalidRequest, () => node1.PrepareAsync(good with { KeyVersion = 2 }, Ct)); // not its version
        await AssertCode(MpcErrorCode.InvalidRequest, () => node1.PrepareAsync(good with { KeyVersion = null }, Ct));
        await AssertCode(MpcErrorCode.InvalidRequest, () => node1.PrepareAsync(good with { KeyType = KeyTypes.Secp256k1 }, Ct));
        await AssertCode(MpcErrorCode.InvalidRequest, () => node1.PrepareAsync(good with { Message = "00" }, Ct));
        await AssertCode(MpcErrorCode.WalletNotFound, () => cluster.Nodes[2].PrepareAsync(good with { Parties = ["node1", "node3"] }, Ct));
        await AssertCode(MpcErrorCode.InvalidRequest, () => node1.CommitAsync(good, Ct)); // nothing ran

        // A node that went down makes the reshare 503 (every party is needed) and changes nothing.
        await cluster.Nodes[1].DisposeAsync();
        var down = await Assert.ThrowsAsync<MpcRequestException>(() => cluster.Coordinator.ReshareAsync("w1", Ct));
        Assert.Equal(MpcErrorCode.NoQuorum, down.Code);
        Assert.Empty(down.Culprits); // as every no_quorum: culprits are for aborts (502); the message names the node
        Assert.Contains("node2", down.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await node1.GetWalletAsync("w1", Ct))!.KeyVersion);
    }

    [Fact]
    public void Session_request_validation_ties_the_key_version_to_reshare()
    {
        var reshare = new SessionRequest
        {
            Kind = SessionRequest.ReshareKind,
            WalletId = "w1",
            KeyType = KeyTypes.Secp256k1,
            Threshold = 2,
            Parties = ["node1", "node2", "node3"],
            KeyVersion = 4,
            Nonce = SessionRequest.NewNonce(),
        };
        reshare.Validate();
        Assert.NotEqual(reshare.DeriveSessionId(), (reshare with { KeyVersion = 5 }).DeriveSessionId());
        Assert.Throws<MpcRequestException>(() => (reshare with { KeyVersion = 0 }).Validate());
        Assert.Throws<MpcRequestException>(() => (reshare with { Threshold = 4 }).Validate());
        Assert.Throws<MpcRequestException>(() => (reshare with { ChainType = "x" }).Validate());
        Assert.Throws<MpcRequestException>(() => (reshare with { Hash = SessionRequest.Sha256Hash }).Validate());
        Assert.Throws<MpcRequestException>(() => (reshare with { Kind = SessionRequest.KeygenKind }).Validate()); // a keygen has no key version
    }

    private static async Task<Dictionary<string, (int Version, byte[] Bytes)>> SharesAsync(EmbeddedCluster cluster)
    {
        var shares = new Dictionary<string, (int, byte[])>(StringComparer.Ordinal);
        foreach (var node in cluster.Nodes)
        {
            using var share = await node.StoreForTests.GetCommittedAsync("w1", Ct);
            if (share is not null)
            {
                shares[node.NodeId] = (share.KeyVersion, share.Share.Span.ToArray());
            }
        }

        return shares;
    }

    private static async Task SignAndCheckAsync(Coordinator coordinator, WalletInfo wallet, IReadOnlyList<string>? signers)
    {
        var publicKey = Convert.FromHexString(wallet.PublicKey);
        if (wallet.KeyType == KeyTypes.Ed25519)
        {
            var message = RandomNumberGenerator.GetBytes(64);
            var signed = await coordinator.SignAsync(wallet.WalletId, Convert.ToHexStringLower(message), null, signers, Ct);
            Assert.True(IndependentVerifier.VerifyEd25519(publicKey, message, Convert.FromHexString(signed.Signature)));
            return;
        }

        var hash = RandomNumberGenerator.GetBytes(32);
        var ecdsa = await coordinator.SignAsync(wallet.WalletId, null, Convert.ToHexStringLower(hash), signers, Ct);
        var signature = Convert.FromHexString(ecdsa.Signature);
        Assert.True(IndependentVerifier.VerifyEcdsaSecp256k1(publicKey, hash, signature));
        Assert.Equal(publicKey, EcdsaSecp256k1.Recover(hash, signature, ecdsa.RecoveryId!.Value));
    }

    private static async Task<string> MetricsTextAsync(MpcMetrics metrics)
    {
        using var stream = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(stream, Ct);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static async Task AssertCode(MpcErrorCode code, Func<Task> action)
    {
        var e = await Assert.ThrowsAsync<MpcRequestException>(action);
        Assert.Equal(code, e.Code);
    }

    private sealed class WalletComparer : IEqualityComparer<WalletInfo>
    {
        public static readonly WalletComparer Instance = new();

        public bool Equals(WalletInfo? x, WalletInfo? y) => x is not null && y is not null && x.SameAs(y);

        public int GetHashCode(WalletInfo obj) => obj.WalletId.GetHashCode(StringComparison.Ordinal);
    }

    /// <summary>A node that runs its part of a session and then reports a failure naming itself.</summary>
    private sealed class FailingAfterRun(INodeControl inner) : INodeControl
    {
        public string NodeId => inner.NodeId;

        public Task PrepareAsync(SessionRequest request, CancellationToken cancellationToken = default) => inner.PrepareAsync(request, cancellationToken);

        public async Task<SessionOutcome> RunAsync(SessionRequest request, CancellationToken cancellationToken = default)
        {
            await inner.RunAsync(request, cancellationToken);
            throw new MpcRequestException(MpcErrorCode.ProtocolAbort, $"Node {NodeId} failed after its run.", [NodeId]);
        }

        public Task CommitAsync(SessionRequest request, CancellationToken cancellationToken = default) => inner.CommitAsync(request, cancellationToken);

        public Task AbortAsync(SessionRequest request, CancellationToken cancellationToken = default) => inner.AbortAsync(request, cancellationToken);

        public Task<WalletInfo?> GetWalletAsync(string walletId, CancellationToken cancellationToken = default) => inner.GetWalletAsync(walletId, cancellationToken);

        public Task<NodeHealth> HealthAsync(CancellationToken cancellationToken = default) => inner.HealthAsync(cancellationToken);
    }
}

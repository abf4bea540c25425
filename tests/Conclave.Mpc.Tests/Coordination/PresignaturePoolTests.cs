using System.Security.Cryptography;
using Conclave.Crypto.Signatures;
using Conclave.Mpc.Coordination;
using Conclave.Mpc.Node;
using Conclave.Mpc.Observability;
using Conclave.Mpc.Tests.Storage;
using Conclave.Testing;

namespace Conclave.Mpc.Tests.Coordination;

/// <summary>
/// The per-wallet CGGMP21 presignature pool of an embedded three-node cluster (test-only Paillier
/// primes): it fills after keygen, a <c>message</c> sign uses one pooled presignature in one round,
/// each presignature is used once, a <c>messageHash</c> sign keeps the fresh path, and a signer
/// missing its presignature makes the sign fall back.
/// </summary>
public sealed class PresignaturePoolTests(PresignaturePoolTests.PooledWallet fixture) : IClassFixture<PresignaturePoolTests.PooledWallet>
{
    private static readonly string[] DefaultSigners = ["node1", "node2"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Coordinator Coordinator => fixture.Cluster.Coordinator;

    [Fact]
    public async Task The_pool_fills_after_keygen_with_the_same_ids_stored_on_the_default_signers()
    {
        await Coordinator.RefillsForTests(PooledWallet.WalletId);
        var ids = Coordinator.PooledPresignatureIdsForTests(PooledWallet.WalletId, DefaultSigners);
        Assert.Equal(PooledWallet.PoolSize, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        foreach (var node in fixture.Cluster.Nodes.Where(n => DefaultSigners.Contains(n.NodeId)))
        {
            foreach (var id in ids)
            {
                Assert.True(await node.StoreForTests.HasPresignatureAsync(PooledWallet.WalletId, Convert.FromHexString(id), Ct));
            }
        }

        Assert.Equal(0, await fixture.Cluster.Nodes.Single(n => n.NodeId == "node3").StoreForTests.CountPresignaturesAsync(PooledWallet.WalletId, Ct));
        Assert.Contains($"conclave_presignatures_pooled {PooledWallet.PoolSize}", await fixture.MetricsTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_signs_use_two_different_pooled_presignatures_once_each_and_verify_over_sha256_of_the_message()
    {
        await Coordinator.RefillsForTests(PooledWallet.WalletId);
        var before = Coordinator.PooledPresignatureIdsForTests(PooledWallet.WalletId, DefaultSigners);
        var used = await fixture.CounterAsync("conclave_presignatures_used_total");

        var first = await SignMessageAndCheckAsync(RandomNumberGenerator.GetBytes(100));
        var second = await SignMessageAndCheckAsync([]);
        Assert.Equal(DefaultSigners, first.Signers);
        Assert.Equal(DefaultSigners, second.Signers);
        Assert.Equal(used + 2, await fixture.CounterAsync("conclave_presignatures_used_total"));

        // The two oldest ids were used (FIFO), once each: gone from every signer's store, in every signer's ledger.
        foreach (var id in before.Take(2))
        {
            Assert.DoesNotContain(id, Coordinator.PooledPresignatureIdsForTests(PooledWallet.WalletId, DefaultSigners));
            foreach (var node in fixture.Cluster.Nodes.Where(n => DefaultSigners.Contains(n.NodeId)))
            {
                Assert.False(await node.StoreForTests.HasPresignatureAsync(PooledWallet.WalletId, Convert.FromHexString(id), Ct));
                Assert.False(node.LedgerForTests.TryMarkUsed(Convert.FromHexString(id))); // a restored copy would be refused
            }
        }

        // Replaying a used id straight at the nodes: they refuse to prepare it.
        var replay = new SessionRequest
        {
            Kind = SessionRequest.SignKind,
            WalletId = PooledWallet.WalletId,
            KeyType = KeyTypes.Secp256k1,
            Threshold = 2,
            Parties = DefaultSigners,
            Message = "00",
            Hash = SessionRequest.Sha256Hash,
            PresignatureId = before[0],
            Nonce = SessionRequest.NewNonce(),
        };
        var refused = await Assert.ThrowsAsync<MpcRequestException>(() => fixture.Cluster.Nodes[0].PrepareAsync(replay, Ct));
        Assert.Equal(MpcErrorCode.InvalidRequest, refused.Code);

        await Coordinator.RefillsForTests(PooledWallet.WalletId); // refilled after use
        Assert.Equal(PooledWallet.PoolSize, Coordinator.PooledPresignatures(PooledWallet.WalletId, DefaultSigners));
    }

    [Fact]
    public async Task A_messageHash_sign_takes_the_fresh_path_and_leaves_the_pool_alone()
    {
        await Coordinator.RefillsForTests(PooledWallet.WalletId);
        var ids = Coordinator.PooledPresignatureIdsForTests(PooledWallet.WalletId, DefaultSigners);
        var used = await fixture.CounterAsync("conclave_presignatures_used_total");
        var hash = RandomNumberGenerator.GetBytes(32);
        var signed = await Coordinator.SignAsync(PooledWallet.WalletId, null, Convert.ToHexStringLower(hash), null, Ct);
        Assert.True(IndependentVerifier.VerifyEcdsaSecp256k1(fixture.PublicKey, hash, Convert.FromHexString(signed.Signature)));
        Assert.Equal(used, await fixture.CounterAsync("conclave_presignatures_used_total"));
        Assert.Equal(ids, Coordinator.PooledPresignatureIdsForTests(PooledWallet.WalletId, DefaultSigners));
    }

    [Fact]
    public async Task A_signer_missing_the_pooled_presignature_makes_the_sign_fall_back_to_a_fresh_session()
    {
        await Coordinator.RefillsForTests(PooledWallet.WalletId);
        var next = Coordinator.PooledPresignatureIdsForTests(PooledWallet.WalletId, DefaultSigners)[0];
        var node2 = fixture.Cluster.Nodes.Single(n => n.NodeId == "node2");
        using (var taken = await node2.StoreForTests.TakePresignatureAsync(PooledWallet.WalletId, Convert.FromHexString(next), Ct))
        {
            Assert.NotNull(taken);
        }

        var fallbacks = await fixture.CounterAsync("conclave_presignature_fallbacks_total");
        var used = await fixture.CounterAsync("conclave_presignatures_used_total");
        await SignMessageAndCheckAsync(RandomNumberGenerator.GetBytes(40));
        Assert.Equal(fallbacks + 1, await fixture.CounterAsync("conclave_presignature_fallbacks_total"));
        Assert.Equal(used, await fixture.CounterAsync("conclave_presignatures_used_total"));
        Assert.DoesNotContain(next, Coordinator.PooledPresignatureIdsForTests(PooledWallet.WalletId, DefaultSigners));
    }

    [Fact]
    public async Task A_message_sign_with_a_signer_set_that_has_no_pool_signs_fresh()
    {
        var signed = await SignMessageAndCheckAsync(RandomNumberGenerator.GetBytes(10), ["node2", "node3"]);
        Assert.Equal(["node2", "node3"], signed.Signers);
    }

    [Fact]
    public async Task Keccak256_is_refused_until_the_nodes_have_a_vetted_implementation()
    {
        var refused = await Assert.ThrowsAsync<MpcRequestException>(() => Coordinator.SignAsync(PooledWallet.WalletId, "00", null, null, "keccak256", Ct));
        Assert.Equal(MpcErrorCode.InvalidRequest, refused.Code);
        var both = await Assert.ThrowsAsync<MpcRequestException>(() => Coordinator.SignAsync(PooledWallet.WalletId, null, new string('0', 64), null, "sha256", Ct));
        Assert.Equal(MpcErrorCode.InvalidRequest, both.Code);
    }

    private async Task<SignResult> SignMessageAndCheckAsync(byte[] message, IReadOnlyList<string>? signers = null)
    {
        var signed = await Coordinator.SignAsync(PooledWallet.WalletId, Convert.ToHexStringLower(message), null, signers, null, Ct);
        var signature = Convert.FromHexString(signed.Signature);
        var digest = SHA256.HashData(message);
        Assert.True(IndependentVerifier.VerifyEcdsaSecp256k1(fixture.PublicKey, digest, signature)); // .NET ECDsa over SHA-256(message)
        Assert.Equal(fixture.PublicKey, EcdsaSecp256k1.Recover(digest, signature, signed.RecoveryId!.Value));
        return signed;
    }

    /// <summary>An embedded cluster with one 2-of-3 secp256k1 wallet and a pool of <see cref="PoolSize"/>.</summary>
    public sealed class PooledWallet : IAsyncLifetime
    {
        public const string WalletId = "pooled-1";
        public const int PoolSize = 3;

        private readonly TempDirectory _directory = new();
        private readonly MpcMetrics _metrics = new();
        private EmbeddedCluster? _cluster;

        public EmbeddedCluster Cluster => _cluster ?? throw new InvalidOperationException("Not initialized.");

        public byte[] PublicKey { get; private set; } = [];

        public async ValueTask InitializeAsync()
        {
            var options = new MpcNodeOptions { PaillierKeySource = TestOnlySafePrimes.KeySource(), Metrics = _metrics };
            _cluster = await EmbeddedCluster.StartAsync(_directory.File("data"), 3, options, false, new CoordinatorOptions { PresignaturePoolSize = PoolSize, Metrics = _metrics }, TestContext.Current.CancellationToken);
            var wallet = await _cluster.Coordinator.KeygenAsync(WalletId, KeyTypes.Secp256k1, 2, 3, null, TestContext.Current.CancellationToken);
            PublicKey = Convert.FromHexString(wallet.PublicKey);
        }

        public async Task<string> MetricsTextAsync()
        {
            using var stream = new MemoryStream();
            await _metrics.Registry.CollectAndExportAsTextAsync(stream, TestContext.Current.CancellationToken);
            return System.Text.Encoding.UTF8.GetString(stream.ToArray());
        }

        public async Task<double> CounterAsync(string name)
        {
            var line = (await MetricsTextAsync()).Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal));
            return line is null ? 0 : double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }

        public async ValueTask DisposeAsync()
        {
            if (_cluster is not null)
            {
                await _cluster.DisposeAsync();
            }

            _directory.Dispose();
        }
    }
}

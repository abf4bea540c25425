using System.Security.Cryptography;
using Conclave.Kms.Audit;
using Conclave.Kms.CustomKeyStores;
using Conclave.Kms.Storage;
using Conclave.Kms.Storage.Sqlite;
using NSec.Cryptography;

namespace Conclave.Kms.Tests.Storage;

/// <summary>
/// Signed audit checkpoints over a real SQLite store, with a bridge that signs with an Ed25519 key
/// in memory (the real MPC cluster is exercised by the server tests).
/// </summary>
public sealed class AuditCheckpointTests : IDisposable
{
    private static readonly Uri BridgeUri = new("http://127.0.0.1:6000/");
    private readonly string _directory = Directory.CreateTempSubdirectory("conclave-kms-checkpoints-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_checkpoint_signs_the_head_with_a_key_created_by_keygen_and_verifies()
    {
        await using var store = await OpenAsync();
        using var bridge = new SigningBridge();
        using var checkpointer = new AuditCheckpointer(store, bridge, BridgeUri);
        await AppendAsync(store, 3);

        var checkpoint = await checkpointer.CheckpointAsync(Ct);

        Assert.NotNull(checkpoint);
        Assert.Equal(3, checkpoint.Sequence);
        Assert.Equal((1, 2, 3), (bridge.Keygens, bridge.LastThreshold, bridge.LastTotal));
        Assert.Equal(bridge.PublicKeyBytes, checkpoint.PublicKey);
        Assert.True(checkpoint.HasValidSignature());
        var (records, hashes) = await ReadAsync(store);
        var verification = AuditCheckpointVerification.Check(await store.ListAuditCheckpointsAsync(1, Ct), hashes, records, bridge.PublicKeyBytes);
        Assert.True(verification.IsValid, verification.Problem);
        Assert.Equal(1, verification.Verified);

        // The checkpoint itself is audited; that record alone does not make a new checkpoint, the next request does.
        Assert.Equal(AuditCheckpointer.CheckpointAction, (await store.GetAuditHeadAsync(Ct))!.Entry.Action);
        Assert.Null(await checkpointer.CheckpointAsync(Ct));
        await AppendAsync(store, 1);
        var next = await checkpointer.CheckpointAsync(Ct);
        Assert.Equal(5, next!.Sequence);
        Assert.Equal(1, bridge.Keygens);
        Assert.Equal(2, bridge.Signs);
    }

    [Fact]
    public async Task Nothing_is_signed_while_the_log_is_empty_or_its_head_has_a_checkpoint()
    {
        await using var store = await OpenAsync();
        using var bridge = new SigningBridge();
        using var checkpointer = new AuditCheckpointer(store, bridge, BridgeUri);

        Assert.Null(await checkpointer.CheckpointAsync(Ct));
        Assert.Equal(0, bridge.Signs);

        await AppendAsync(store, 1);
        Assert.NotNull(await checkpointer.CheckpointAsync(Ct));
        Assert.Null(await checkpointer.CheckpointAsync(Ct)); // only the checkpoint's own audit record is new
        using var second = new AuditCheckpointer(store, bridge, BridgeUri);
        Assert.Null(await second.CheckpointAsync(Ct)); // a restarted server finds the head covered
        Assert.Equal(1, bridge.Signs);
    }

    [Fact]
    public async Task An_existing_wallet_is_used_without_a_new_keygen()
    {
        await using var store = await OpenAsync();
        using var bridge = new SigningBridge { WalletExists = true };
        using var checkpointer = new AuditCheckpointer(store, bridge, BridgeUri);
        await AppendAsync(store, 1);

        var checkpoint = await checkpointer.CheckpointAsync(Ct);

        Assert.Equal(0, bridge.Keygens);
        Assert.Equal(bridge.PublicKeyBytes, checkpoint!.PublicKey);
    }

    [Fact]
    public async Task A_signature_that_does_not_verify_is_refused_and_nothing_is_stored()
    {
        await using var store = await OpenAsync();
        using var bridge = new SigningBridge { Tamper = true };
        using var checkpointer = new AuditCheckpointer(store, bridge, BridgeUri);
        await AppendAsync(store, 2);

        var error = await Assert.ThrowsAsync<ThresholdBridgeException>(async () => await checkpointer.CheckpointAsync(Ct));

        Assert.Equal(ThresholdBridgeFailure.InvalidResponse, error.Failure);
        Assert.Empty(await store.ListAuditCheckpointsAsync(1, Ct));
        Assert.Equal(2, (await store.GetAuditHeadAsync(Ct))!.Sequence);
    }

    [Fact]
    public async Task A_wallet_replaced_on_the_cluster_cannot_sign_under_the_pinned_key()
    {
        await using var store = await OpenAsync();
        using var bridge = new SigningBridge();
        await AppendAsync(store, 1);
        using (var first = new AuditCheckpointer(store, bridge, BridgeUri))
        {
            Assert.NotNull(await first.CheckpointAsync(Ct));
        }

        bridge.ReplaceKey();
        using var restarted = new AuditCheckpointer(store, bridge, BridgeUri);
        await AppendAsync(store, 1);

        await Assert.ThrowsAsync<ThresholdBridgeException>(async () => await restarted.CheckpointAsync(Ct));
        Assert.Single(await store.ListAuditCheckpointsAsync(1, Ct));
    }

    [Fact]
    public async Task A_log_rewritten_with_a_recomputed_chain_still_verifies_as_a_chain_but_fails_its_checkpoint()
    {
        await using var store = await OpenAsync();
        using var bridge = new SigningBridge();
        using var checkpointer = new AuditCheckpointer(store, bridge, BridgeUri);
        await AppendAsync(store, 4);
        var checkpoint = (await checkpointer.CheckpointAsync(Ct))!;
        var records = new List<AuditRecord>();
        await foreach (var record in store.ReadAuditAsync(1, Ct))
        {
            records.Add(record);
        }

        // Whoever can write the database rewrites record 2 and recomputes every hash after it.
        var rewritten = new List<AuditRecord>();
        var previous = AuditChain.GenesisHash();
        foreach (var record in records)
        {
            var entry = record.Sequence == 2 ? record.Entry with { Outcome = "AccessDeniedException" } : record.Entry;
            var hash = AuditChain.ComputeHash(record.Sequence, previous, entry);
            rewritten.Add(new AuditRecord(record.Sequence, entry, previous, hash));
            previous = hash;
        }

        Assert.True(AuditChain.Verify(rewritten).IsValid);
        var hashes = rewritten.ToDictionary(r => r.Sequence, r => r.Hash);
        var verification = AuditCheckpointVerification.Check([checkpoint], hashes, rewritten.Count, []);

        Assert.False(verification.IsValid);
        Assert.Equal(4, verification.FirstBadSequence);
        Assert.Contains("differs from its signed checkpoint", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_log_cut_short_before_a_checkpoint_fails_it()
    {
        await using var store = await OpenAsync();
        using var bridge = new SigningBridge();
        using var checkpointer = new AuditCheckpointer(store, bridge, BridgeUri);
        await AppendAsync(store, 5);
        var checkpoint = (await checkpointer.CheckpointAsync(Ct))!;
        var (_, hashes) = await ReadAsync(store);

        var verification = AuditCheckpointVerification.Check([checkpoint], hashes, 3, []);

        Assert.False(verification.IsValid);
        Assert.Equal(5, verification.FirstBadSequence);
        Assert.Contains("truncated", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checkpoints_under_another_key_fail_against_a_pinned_key_or_each_other()
    {
        await using var store = await OpenAsync();
        using var bridge = new SigningBridge();
        using var checkpointer = new AuditCheckpointer(store, bridge, BridgeUri);
        await AppendAsync(store, 2);
        var genuine = (await checkpointer.CheckpointAsync(Ct))!;
        var (records, hashes) = await ReadAsync(store);

        // An attacker's own key signs a second checkpoint of a record the log has.
        using var attacker = Key.Create(SignatureAlgorithm.Ed25519);
        var attackerKey = attacker.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        var forged = Sign(attacker, 3, hashes.GetValueOrDefault(3) ?? [], genuine.Time, attackerKey);
        hashes[3] = forged.Hash;

        Assert.True(forged.HasValidSignature());
        var unpinned = AuditCheckpointVerification.Check([genuine, forged], hashes, records, []);
        Assert.Equal(3, unpinned.FirstBadSequence);
        Assert.Contains("another key", unpinned.Problem, StringComparison.Ordinal);
        var pinned = AuditCheckpointVerification.Check([forged], hashes, records, bridge.PublicKeyBytes);
        Assert.Equal(3, pinned.FirstBadSequence);
        Assert.Contains("pinned", pinned.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_signed_statement_binds_every_field()
    {
        using var key = Key.Create(SignatureAlgorithm.Ed25519);
        var publicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        var checkpoint = Sign(key, 9, RandomNumberGenerator.GetBytes(32), DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000), publicKey);
        Assert.True(checkpoint.HasValidSignature());

        var otherHash = checkpoint.Hash.ToArray();
        otherHash[0] ^= 1;
        Assert.False((checkpoint with { Sequence = 10 }).HasValidSignature());
        Assert.False((checkpoint with { Hash = otherHash }).HasValidSignature());
        Assert.False((checkpoint with { Time = checkpoint.Time.AddMilliseconds(1) }).HasValidSignature());
        Assert.False((checkpoint with { WalletId = "other" }).HasValidSignature());
        Assert.False((checkpoint with { PublicKey = new byte[32] }).HasValidSignature());
        Assert.False((checkpoint with { Signature = checkpoint.Signature[..63] }).HasValidSignature());
        Assert.NotEqual(
            AuditCheckpoint.Statement(1, otherHash, checkpoint.Time, "ab", publicKey),
            AuditCheckpoint.Statement(1, otherHash, checkpoint.Time, "a", publicKey));
    }

    private static AuditCheckpoint Sign(Key key, long sequence, byte[] hash, DateTimeOffset time, byte[] publicKey)
    {
        if (hash.Length != 32)
        {
            hash = RandomNumberGenerator.GetBytes(32);
        }

        var statement = AuditCheckpoint.Statement(sequence, hash, time, AuditCheckpointer.DefaultWalletId, publicKey);
        return new AuditCheckpoint(sequence, hash, time, AuditCheckpointer.DefaultWalletId, publicKey, SignatureAlgorithm.Ed25519.Sign(key, statement));
    }

    private async Task<IKmsStore> OpenAsync() => await SqliteKmsStore.OpenAsync(Path.Combine(_directory, "kms.db"), Ct);

    private static async Task AppendAsync(IKmsStore store, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await store.CommitAsync([], new AuditEntry(DateTimeOffset.UtcNow, "arn:aws:iam::111122223333:user/dev", "111122223333", "ListKeys", null, null, Guid.NewGuid().ToString(), AuditEntry.Success, new byte[32]), Ct);
        }
    }

    private static async Task<(long Records, Dictionary<long, byte[]> Hashes)> ReadAsync(IKmsStore store)
    {
        var hashes = new Dictionary<long, byte[]>();
        await foreach (var record in store.ReadAuditAsync(1, Ct))
        {
            hashes[record.Sequence] = record.Hash;
        }

        return (hashes.Count, hashes);
    }

    /// <summary>A bridge whose "cluster" signs with one Ed25519 key in memory.</summary>
    private sealed class SigningBridge : IThresholdBridge, IDisposable
    {
        private Key _key = Key.Create(SignatureAlgorithm.Ed25519);

        public bool WalletExists { get; set; }

        public bool Tamper { get; init; }

        public int Keygens { get; private set; }

        public int Signs { get; private set; }

        public int LastThreshold { get; private set; }

        public int LastTotal { get; private set; }

        public byte[] PublicKeyBytes => _key.PublicKey.Export(KeyBlobFormat.RawPublicKey);

        public void ReplaceKey()
        {
            _key.Dispose();
            _key = Key.Create(SignatureAlgorithm.Ed25519);
        }

        public ValueTask<IReadOnlyList<(string Id, bool Reachable)>> HealthAsync(Uri bridge, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IReadOnlyList<(string, bool)>>([("node1", true), ("node2", true), ("node3", true)]);

        public ValueTask<byte[]> KeygenAsync(Uri bridge, string walletId, string keyType, int threshold, int totalParties, CancellationToken cancellationToken = default)
        {
            Assert.Equal("ed25519", keyType);
            Keygens++;
            (LastThreshold, LastTotal) = (threshold, totalParties);
            WalletExists = true;
            return ValueTask.FromResult(PublicKeyBytes);
        }

        public ValueTask<byte[]> PublicKeyAsync(Uri bridge, string walletId, string keyType, CancellationToken cancellationToken = default) =>
            WalletExists
                ? ValueTask.FromResult(PublicKeyBytes)
                : ValueTask.FromException<byte[]>(new ThresholdBridgeException(ThresholdBridgeFailure.WalletNotFound, "no such wallet"));

        public ValueTask<byte[]> SignAsync(Uri bridge, string walletId, string keyType, ReadOnlyMemory<byte> payload, bool payloadIsHash, CancellationToken cancellationToken = default)
        {
            Assert.False(payloadIsHash);
            Signs++;
            var signature = SignatureAlgorithm.Ed25519.Sign(_key, payload.Span);
            if (Tamper)
            {
                signature[10] ^= 1;
            }

            return ValueTask.FromResult(signature);
        }

        public void Dispose() => _key.Dispose();
    }
}

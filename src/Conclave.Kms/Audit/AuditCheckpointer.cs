using System.Security.Cryptography;
using Conclave.Kms.CustomKeyStores;
using Conclave.Kms.Storage;

namespace Conclave.Kms.Audit;

/// <summary>
/// Takes signed audit checkpoints: the head of the audit log (sequence and chain hash) signed by a
/// threshold Ed25519 key of an MPC cluster, reached through its bridge API, then stored with the log
/// (<see cref="InsertAuditCheckpoint"/>, itself audited as <c>conclave:AuditCheckpoint</c>).
/// <para>
/// The key is the FROST wallet <see cref="WalletId"/>, created by a DKG on first use (threshold
/// n/2+1 of the cluster's n nodes) or found on the cluster. Once a checkpoint is stored, its key is
/// pinned: a later signature that does not verify under it (the wallet was replaced, or the bridge
/// answered something else) is refused and nothing is stored.
/// </para>
/// </summary>
public sealed class AuditCheckpointer : IDisposable
{
    /// <summary>The wallet id used when none is configured.</summary>
    public const string DefaultWalletId = "conclave-kms-audit";

    /// <summary>The audit action of a stored checkpoint.</summary>
    public const string CheckpointAction = "conclave:AuditCheckpoint";

    private const string KeyType = "ed25519";
    private const string SystemPrincipal = "conclave:system";

    private readonly IKmsStore _store;
    private readonly IThresholdBridge _bridge;
    private readonly Uri _bridgeUri;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AuditCheckpoint? _latest;
    private bool _loaded;
    private byte[]? _publicKey;

    /// <summary>Creates a checkpointer that signs with wallet <paramref name="walletId"/> of the cluster behind <paramref name="bridgeUri"/>.</summary>
    public AuditCheckpointer(IKmsStore store, IThresholdBridge bridge, Uri bridgeUri, string walletId = DefaultWalletId, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(bridge);
        ArgumentNullException.ThrowIfNull(bridgeUri);
        ArgumentException.ThrowIfNullOrEmpty(walletId);
        if (walletId.Length > AuditCheckpoint.MaxWalletIdLength)
        {
            throw new ArgumentException($"A wallet id has at most {AuditCheckpoint.MaxWalletIdLength} characters.", nameof(walletId));
        }

        _store = store;
        _bridge = bridge;
        _bridgeUri = bridgeUri;
        WalletId = walletId;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The MPC wallet whose key signs the checkpoints.</summary>
    public string WalletId { get; }

    /// <summary>The checkpoint key (32-byte Ed25519), once known.</summary>
    public ReadOnlyMemory<byte>? PublicKey => _publicKey;

    /// <summary>
    /// Signs and stores a checkpoint of the log's current head, unless the log is empty or nothing
    /// but the latest checkpoint's own audit record came after it (then it answers null). Throws <see cref="ThresholdBridgeException"/>
    /// when the cluster cannot sign or answers a signature that does not verify under the pinned key.
    /// </summary>
    public async ValueTask<AuditCheckpoint?> CheckpointAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await LoadLatestAsync(cancellationToken).ConfigureAwait(false);
            var head = await _store.GetAuditHeadAsync(cancellationToken).ConfigureAwait(false);
            var covered = _latest?.Sequence ?? 0;
            if (head is null || head.Sequence <= covered
                || (head.Sequence == covered + 1 && head.Entry.Action == CheckpointAction))
            {
                // Nothing new, or only the audit record of the latest checkpoint itself: signing it
                // would make a new record to sign, every interval, on an idle log.
                return null;
            }

            var key = _publicKey ??= await FindOrCreateKeyAsync(cancellationToken).ConfigureAwait(false);
            var now = DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds());
            var statement = AuditCheckpoint.Statement(head.Sequence, head.Hash, now, WalletId, key);
            var signature = await _bridge.SignAsync(_bridgeUri, WalletId, KeyType, statement, payloadIsHash: false, cancellationToken).ConfigureAwait(false);
            var checkpoint = new AuditCheckpoint(head.Sequence, head.Hash, now, WalletId, key, signature);
            if (!checkpoint.HasValidSignature())
            {
                throw new ThresholdBridgeException(ThresholdBridgeFailure.InvalidResponse, $"The MPC cluster's signature on the audit checkpoint of record {head.Sequence} does not verify under the checkpoint key.");
            }

            var audit = new AuditEntry(now, SystemPrincipal, "", CheckpointAction, null, null, Guid.NewGuid().ToString(), AuditEntry.Success, SHA256.HashData(statement));
            try
            {
                await _store.CommitAsync([new InsertAuditCheckpoint(checkpoint)], audit, cancellationToken).ConfigureAwait(false);
            }
            catch (KmsConflictException e) when (e.Kind == KmsConflictKind.AuditCheckpointRefused)
            {
                // Another server sharing the store checkpointed the same head first.
                _loaded = false;
                return null;
            }

            _latest = checkpoint;
            return checkpoint;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    /// <summary>Reads the checkpoints stored since the last one known (all of them the first time): the latest one's key is pinned.</summary>
    private async ValueTask LoadLatestAsync(CancellationToken cancellationToken)
    {
        if (_loaded && _latest is not null)
        {
            return;
        }

        var stored = await _store.ListAuditCheckpointsAsync((_latest?.Sequence ?? 0) + 1, cancellationToken).ConfigureAwait(false);
        if (stored.Count > 0)
        {
            _latest = stored[^1];
            if (_publicKey is not null && !_publicKey.AsSpan().SequenceEqual(_latest.PublicKey))
            {
                throw new ThresholdBridgeException(ThresholdBridgeFailure.InvalidResponse, $"The stored checkpoint of record {_latest.Sequence} names another key than the pinned checkpoint key.");
            }

            _publicKey ??= _latest.PublicKey;
        }

        _loaded = true;
    }

    private async ValueTask<byte[]> FindOrCreateKeyAsync(CancellationToken cancellationToken)
    {
        byte[] key;
        try
        {
            key = await _bridge.PublicKeyAsync(_bridgeUri, WalletId, KeyType, cancellationToken).ConfigureAwait(false);
        }
        catch (ThresholdBridgeException e) when (e.Failure == ThresholdBridgeFailure.WalletNotFound)
        {
            var nodes = await _bridge.HealthAsync(_bridgeUri, cancellationToken).ConfigureAwait(false);
            if (nodes.Count is < 2 or > 64)
            {
                throw new ThresholdBridgeException(ThresholdBridgeFailure.InvalidResponse, $"The MPC cluster reports {nodes.Count} nodes; a checkpoint key needs 2 to 64.");
            }

            key = await _bridge.KeygenAsync(_bridgeUri, WalletId, KeyType, (nodes.Count / 2) + 1, nodes.Count, cancellationToken).ConfigureAwait(false);
        }

        if (key.Length != AuditCheckpoint.PublicKeyLength
            || !NSec.Cryptography.PublicKey.TryImport(NSec.Cryptography.SignatureAlgorithm.Ed25519, key, NSec.Cryptography.KeyBlobFormat.RawPublicKey, out _))
        {
            throw new ThresholdBridgeException(ThresholdBridgeFailure.InvalidResponse, "The MPC cluster answered an invalid Ed25519 checkpoint key.");
        }

        return key;
    }
}

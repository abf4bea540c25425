namespace Conclave.Mpc.Coordination;

/// <summary>
/// The per-wallet CGGMP21 presignature pool (docs/design/cggmp-sessions.md, "Pooled
/// presignatures"): after a secp256k1 keygen and after each pooled sign the coordinator has the
/// wallet's default signer set run presign-only sessions in the background until
/// <see cref="CoordinatorOptions.PresignaturePoolSize"/> ids are indexed. A <c>message</c> sign whose
/// signer set has one takes it (one round); if any signer lacks it, the sign falls back to a fresh
/// session. The index lives only in memory: a restarted coordinator starts empty, and the unused
/// presignatures left on the nodes are dropped there once a wallet has more than
/// <c>MaxStoredPresignaturesPerWallet</c>.
/// </summary>
public sealed partial class Coordinator
{
    private readonly PresignaturePool _pool = new();
    private readonly Dictionary<string, Task> _refills = new(StringComparer.Ordinal);
    private readonly HashSet<string> _resharing = new(StringComparer.Ordinal);
    private readonly Lock _refillLock = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Stops refilling presignature pools and waits for running refills to end.</summary>
    public async ValueTask DisposeAsync()
    {
        Task[] running;
        lock (_refillLock)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            _stopping.Cancel();
            running = [.. _refills.Values];
        }

        await Task.WhenAll(running).ConfigureAwait(false); // refills end quietly
        _stopping.Dispose();
    }

    /// <summary>Presignatures indexed for <paramref name="walletId"/>'s signer set <paramref name="signers"/> (ordinal order).</summary>
    internal int PooledPresignatures(string walletId, IReadOnlyList<string> signers) => _pool.Count(walletId, signers);

    /// <summary>Test hook: the ids indexed for a signer set, oldest (next used) first.</summary>
    internal IReadOnlyList<string> PooledPresignatureIdsForTests(string walletId, IReadOnlyList<string> signers) => _pool.Ids(walletId, signers);

    /// <summary>Test hook: the wallet's running refills (or a completed task).</summary>
    internal Task RefillsForTests(string walletId)
    {
        lock (_refillLock)
        {
            return Task.WhenAll(_refills.Where(r => r.Key.StartsWith(walletId + "\n", StringComparison.Ordinal)).Select(r => r.Value));
        }
    }

    /// <summary>The signers a sign without named signers uses when every holder is reachable.</summary>
    private static List<string> DefaultSigners(WalletInfo wallet) => [.. wallet.Parties.Order(StringComparer.Ordinal).Take(wallet.Threshold)];

    /// <summary>
    /// Signs <paramref name="request"/> (a message the nodes hash) with a pooled presignature of its
    /// signer set in one round; null if none is indexed or a signer does not hold it (nothing was
    /// signed then; the caller runs a fresh session). A failed run is reported as usual: its
    /// presignature is gone either way.
    /// </summary>
    private async Task<SignResult?> TrySignPooledAsync(WalletInfo wallet, SessionRequest request, CancellationToken cancellationToken)
    {
        if (_options.PresignaturePoolSize == 0 || !_pool.TryTake(wallet.WalletId, request.Parties, out var id))
        {
            return null;
        }

        ReportPool();
        var pooled = request with { PresignatureId = id, Nonce = SessionRequest.NewNonce() };
        pooled.Validate();
        try
        {
            await PrepareAllAsync(pooled, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not MpcRequestException { Code: MpcErrorCode.PolicyDenied or MpcErrorCode.WalletNotFound })
        {
            _options.Metrics?.PresignatureFallback();
            StartRefill(wallet, request.Parties);
            return null;
        }

        _options.Metrics?.PresignatureUsed();
        try
        {
            var outcomes = await RunPreparedAsync(pooled, cancellationToken).ConfigureAwait(false);
            return Checked(wallet, pooled, outcomes);
        }
        finally
        {
            StartRefill(wallet, request.Parties); // after the sign: a presign session would compete with it for the CPU
        }
    }

    /// <summary>Starts refilling the pool of (<paramref name="wallet"/>, <paramref name="signers"/>) in the background unless it runs already, is disabled, or is not the default signer set.</summary>
    private void StartRefill(WalletInfo wallet, IReadOnlyList<string> signers)
    {
        if (_options.PresignaturePoolSize == 0 || wallet.KeyType != KeyTypes.Secp256k1 || !signers.SequenceEqual(DefaultSigners(wallet), StringComparer.Ordinal))
        {
            return;
        }

        var key = PresignaturePool.KeyOf(wallet.WalletId, signers);
        lock (_refillLock)
        {
            if (_stopping.IsCancellationRequested || _resharing.Contains(wallet.WalletId) || (_refills.TryGetValue(key, out var running) && !running.IsCompleted))
            {
                return;
            }

            _refills[key] = RefillAsync(wallet, [.. signers], _stopping.Token);
        }
    }

    private async Task RefillAsync(WalletInfo wallet, List<string> signers, CancellationToken cancellationToken)
    {
        await Task.Yield(); // never on the caller's path
        try
        {
            while (!cancellationToken.IsCancellationRequested && _pool.Count(wallet.WalletId, signers) < _options.PresignaturePoolSize)
            {
                var request = new SessionRequest
                {
                    Kind = SessionRequest.PresignKind,
                    WalletId = wallet.WalletId,
                    KeyType = wallet.KeyType,
                    Threshold = wallet.Threshold,
                    Parties = signers,
                    Nonce = SessionRequest.NewNonce(),
                };
                request.Validate();
                var outcomes = await RunSessionAsync(request, cancellationToken).ConfigureAwait(false);
                var id = outcomes[0].PresignatureId;
                if (id is not { Length: 64 } || outcomes.Any(o => !string.Equals(o.PresignatureId, id, StringComparison.Ordinal)))
                {
                    return; // the signers disagree: index nothing (each node's copy is dropped by its cap)
                }

                _pool.Add(wallet.WalletId, signers, id);
                _options.Metrics?.PresignatureRefilled();
                ReportPool();
            }
        }
        catch (Exception)
        {
            // A background task with no caller to report to: whatever failed (MpcRequestException,
            // cancellation, a transport error), nothing was indexed.
            // The pool stays short (a signer is down, busy or stopping); signs take the fresh path
            // meanwhile and the next pooled sign or keygen starts another refill.
        }
    }

    private void ReportPool() => _options.Metrics?.PresignaturesPooled(_pool.Total);
}

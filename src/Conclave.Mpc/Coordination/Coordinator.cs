using System.Collections.Concurrent;
using Conclave.Crypto.Signatures;

namespace Conclave.Mpc.Coordination;

/// <summary>
/// Turns bridge requests into sessions among the nodes (<see cref="INodeControl"/>): picks the
/// parties, prepares, runs and (for keygen) commits the session on each, and checks what comes
/// back. It holds no share and sees no secret; it verifies every signature against the wallet's
/// public key before returning it, and a sign request that aborts is retried once with another
/// valid signer set that leaves out the parties blamed, when one exists and the caller did not
/// name the signers.
/// </summary>
/// <remarks>
/// Sign requests reuse the last reachability probe and wallet lookup for up to
/// <see cref="MaxRecentLifetime"/> (one second); any failed request forgets both, and a request
/// that failed for lack of reachable signers while relying on them is tried once more with fresh
/// probes. Keygen, wallet lookups and <see cref="HealthAsync"/> always probe. The nodes check
/// every request against their own stored wallet regardless.
/// </remarks>
public sealed partial class Coordinator : IAsyncDisposable
{
    /// <summary>The longest a sign request reuses an earlier probe or wallet lookup.</summary>
    public static readonly TimeSpan MaxRecentLifetime = TimeSpan.FromSeconds(1);

    private const int MaxRecentWallets = 1024;

    private readonly Dictionary<string, INodeControl> _nodes;
    private readonly TimeSpan _probeTimeout;
    private readonly TimeSpan _recentLifetime;
    private readonly TimeProvider _timeProvider;
    private readonly CoordinatorOptions _options;
    private readonly ConcurrentDictionary<string, Recent<WalletInfo>> _recentWallets = new(StringComparer.Ordinal);
    private Recent<Task<HashSet<string>>>? _recentProbe;

    /// <summary>Creates a coordinator over <paramref name="nodes"/> (distinct ids).</summary>
    /// <param name="nodes">Every node of the cluster.</param>
    /// <param name="probeTimeout">How long a health probe waits for a node (default 5 s).</param>
    /// <param name="recentLifetime">How long a sign request may reuse a probe or wallet lookup (default and at most <see cref="MaxRecentLifetime"/>; zero: never).</param>
    /// <param name="timeProvider">The clock for <paramref name="recentLifetime"/>.</param>
    /// <param name="options">Further tunables (the presignature pool), or <see cref="CoordinatorOptions.Default"/>.</param>
    public Coordinator(IEnumerable<INodeControl> nodes, TimeSpan? probeTimeout = null, TimeSpan? recentLifetime = null, TimeProvider? timeProvider = null, CoordinatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        _nodes = nodes.ToDictionary(n => n.NodeId, StringComparer.Ordinal);
        if (_nodes.Count < 2)
        {
            throw new ArgumentException("A cluster has at least two nodes.", nameof(nodes));
        }

        _probeTimeout = probeTimeout ?? TimeSpan.FromSeconds(5);
        _recentLifetime = recentLifetime ?? MaxRecentLifetime;
        if (_recentLifetime < TimeSpan.Zero || _recentLifetime > MaxRecentLifetime)
        {
            throw new ArgumentOutOfRangeException(nameof(recentLifetime), $"Between zero and {MaxRecentLifetime.TotalSeconds} s.");
        }

        _timeProvider = timeProvider ?? TimeProvider.System;
        _options = options ?? CoordinatorOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegative(_options.PresignaturePoolSize, nameof(options));
    }

    /// <summary>The cluster's node ids, ordinal order.</summary>
    public IReadOnlyList<string> NodeIds => [.. _nodes.Keys.Order(StringComparer.Ordinal)];

    /// <summary>
    /// Runs a distributed key generation for a new wallet among the first <paramref name="totalParties"/>
    /// reachable nodes; <paramref name="threshold"/> of them will be needed to sign.
    /// </summary>
    /// <exception cref="MpcRequestException">Invalid input, the wallet exists, too few nodes reachable, or a protocol abort.</exception>
    public async Task<WalletInfo> KeygenAsync(string walletId, string keyType, int threshold, int totalParties, string? chainType = null, CancellationToken cancellationToken = default)
    {
        if (totalParties < 2 || totalParties > _nodes.Count)
        {
            throw MpcRequestException.Invalid($"totalParties must be between 2 and the cluster's {_nodes.Count} nodes.");
        }

        var reachable = await ReachableAsync(cancellationToken).ConfigureAwait(false);
        var request = new SessionRequest
        {
            Kind = SessionRequest.KeygenKind,
            WalletId = walletId,
            KeyType = keyType,
            Threshold = threshold,
            Parties = [.. reachable.Order(StringComparer.Ordinal).Take(totalParties)],
            ChainType = chainType,
            Nonce = SessionRequest.NewNonce(),
        };
        if (reachable.Count >= totalParties)
        {
            request.Validate();
        }
        else
        {
            (request with { Parties = [.. NodeIds.Take(totalParties)] }).Validate(); // input errors first
            throw new MpcRequestException(MpcErrorCode.NoQuorum, $"Only {reachable.Count} of the {totalParties} parties needed are reachable.");
        }

        foreach (var id in reachable)
        {
            if (await TryGetWalletAsync(_nodes[id], walletId, cancellationToken).ConfigureAwait(false) is not null)
            {
                throw new MpcRequestException(MpcErrorCode.WalletExists, $"Wallet {walletId} already exists.");
            }
        }

        var outcomes = await RunSessionAsync(request, cancellationToken).ConfigureAwait(false);
        var publicKey = outcomes[0].PublicKey;
        var disagreeing = outcomes.Where(o => o.PublicKey != publicKey).Select(o => o.NodeId).ToList();
        if (disagreeing.Count > 0)
        {
            await AbortAllAsync(request).ConfigureAwait(false);
            throw new MpcRequestException(MpcErrorCode.ProtocolAbort, "The parties ended the keygen with different public keys; nothing was committed.", disagreeing.Count * 2 < outcomes.Count ? disagreeing : []);
        }

        var commits = request.Parties.Select(p => _nodes[p].CommitAsync(request, cancellationToken)).ToList();
        try
        {
            await Task.WhenAll(commits).ConfigureAwait(false);
        }
        catch (Exception) when (commits.Any(c => c.IsCompletedSuccessfully))
        {
            // A party went away between its run and its commit. The wallet exists on the parties
            // that committed (it signs if at least t of them are reachable); the others keep an
            // unusable pending share. Say exactly that rather than pretend nothing happened.
            var committed = request.Parties.Where((_, k) => commits[k].IsCompletedSuccessfully).ToList();
            var missing = request.Parties.Where((_, k) => !commits[k].IsCompletedSuccessfully).ToList();
            throw new MpcRequestException(
                MpcErrorCode.NoQuorum,
                $"Wallet {walletId} (public key {publicKey}) was committed on {string.Join(", ", committed)} but not on {string.Join(", ", missing)}, which did not confirm; it signs only with committed parties.",
                missing);
        }
        var created = new WalletInfo(walletId, keyType, publicKey, threshold, request.Parties, chainType, 1);
        StartRefill(created, DefaultSigners(created));
        return created;
    }

    /// <summary>
    /// Signs with a wallet: <paramref name="messageHashHex"/> (32 bytes) for a secp256k1 wallet,
    /// <paramref name="messageHex"/> for an ed25519 wallet. <paramref name="signers"/> fixes the
    /// signer set; otherwise the first t reachable holders sign.
    /// </summary>
    /// <exception cref="MpcRequestException">Invalid input, unknown wallet, too few signers reachable, or a protocol abort naming the culprits.</exception>
    public Task<SignResult> SignAsync(string walletId, string? messageHex, string? messageHashHex, IReadOnlyList<string>? signers = null, CancellationToken cancellationToken = default) =>
        SignAsync(walletId, messageHex, messageHashHex, signers, hash: null, cancellationToken);

    /// <summary>
    /// Signs with a wallet. A secp256k1 wallet signs either <paramref name="messageHashHex"/> (a
    /// 32-byte digest; a fresh presignature inside the session) or <paramref name="messageHex"/>, the
    /// raw message, which every signer hashes itself with <paramref name="hash"/> (<c>"sha256"</c>,
    /// the default; <c>"keccak256"</c> is not supported yet): only such a request may use a pooled
    /// presignature (one round). An ed25519 wallet signs <paramref name="messageHex"/>.
    /// </summary>
    /// <exception cref="MpcRequestException">Invalid input, unknown wallet, too few signers reachable, or a protocol abort naming the culprits.</exception>
    public async Task<SignResult> SignAsync(string walletId, string? messageHex, string? messageHashHex, IReadOnlyList<string>? signers, string? hash, CancellationToken cancellationToken = default)
    {
        if (!SessionRequest.IsValidWalletId(walletId))
        {
            throw MpcRequestException.Invalid("walletID is missing or malformed.");
        }

        var reusing = IsRecent(Volatile.Read(ref _recentProbe));
        try
        {
            return await SignCoreAsync(walletId, messageHex, messageHashHex, signers, hash, fresh: false, cancellationToken).ConfigureAwait(false);
        }
        catch (MpcRequestException e) when (reusing && e.Code == MpcErrorCode.NoQuorum && !cancellationToken.IsCancellationRequested)
        {
            // Perhaps a node went down since the reused probe: probe again and try once more.
            return await SignCoreAsync(walletId, messageHex, messageHashHex, signers, hash, fresh: true, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<SignResult> SignCoreAsync(string walletId, string? messageHex, string? messageHashHex, IReadOnlyList<string>? signers, string? hash, bool fresh, CancellationToken cancellationToken)
    {
        HashSet<string> reachable;
        WalletInfo wallet;
        try
        {
            reachable = await RecentReachableAsync(fresh, cancellationToken).ConfigureAwait(false);
            wallet = await RecentWalletAsync(walletId, reachable, fresh, cancellationToken).ConfigureAwait(false);
        }
        catch (MpcRequestException)
        {
            Forget(walletId);
            throw;
        }

        var (payload, digest) = SignedPayload(wallet, messageHex, messageHashHex, hash);
        payload = payload.ToLowerInvariant();
        var available = wallet.Parties.Where(reachable.Contains).ToList();
        List<string> chosen;
        if (signers is not null)
        {
            chosen = [.. signers.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            if (chosen.Count != signers.Count || chosen.Count < wallet.Threshold)
            {
                throw MpcRequestException.Invalid($"signers must be at least {wallet.Threshold} distinct parties of the wallet.");
            }

            if (chosen.FirstOrDefault(s => !wallet.Parties.Contains(s, StringComparer.Ordinal)) is { } stranger)
            {
                throw MpcRequestException.Invalid($"Signer {stranger} holds no share of wallet {walletId}.");
            }

            if (chosen.FirstOrDefault(s => !reachable.Contains(s)) is { } down)
            {
                throw new MpcRequestException(MpcErrorCode.NoQuorum, $"Signer {down} is not reachable.");
            }
        }
        else if (available.Count < wallet.Threshold)
        {
            throw new MpcRequestException(MpcErrorCode.NoQuorum, $"Only {available.Count} of the {wallet.Threshold} signers needed are reachable.");
        }
        else
        {
            chosen = [.. available.Take(wallet.Threshold)];
        }

        try
        {
            return await SignWithAsync(wallet, payload, digest, chosen, cancellationToken).ConfigureAwait(false);
        }
        catch (MpcRequestException e) when (Forget(walletId) && e.Code == MpcErrorCode.ProtocolAbort && signers is null && e.Culprits.Count > 0)
        {
            var retry = available.Where(p => !e.Culprits.Contains(p, StringComparer.Ordinal)).Take(wallet.Threshold).ToList();
            if (retry.Count < wallet.Threshold || retry.SequenceEqual(chosen))
            {
                throw;
            }

            return await SignWithAsync(wallet, payload, digest, retry, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The wallet's description from a reachable holder.</summary>
    /// <exception cref="MpcRequestException"><see cref="MpcErrorCode.WalletNotFound"/>, or <see cref="MpcErrorCode.InvalidRequest"/> for a malformed id.</exception>
    public async Task<WalletInfo> GetWalletAsync(string walletId, CancellationToken cancellationToken = default)
    {
        if (!SessionRequest.IsValidWalletId(walletId))
        {
            throw MpcRequestException.Invalid("walletID is malformed.");
        }

        var reachable = await ReachableAsync(cancellationToken).ConfigureAwait(false);
        return await FindWalletAsync(walletId, reachable, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Probes every node (each for at most the probe timeout).</summary>
    public async Task<IReadOnlyList<NodeReachability>> HealthAsync(CancellationToken cancellationToken = default)
    {
        var probes = NodeIds.Select(async id => new NodeReachability(id, await ProbeAsync(_nodes[id], cancellationToken).ConfigureAwait(false))).ToList();
        return await Task.WhenAll(probes).ConfigureAwait(false);
    }

    private async Task<SignResult> SignWithAsync(WalletInfo wallet, string payload, string? digest, List<string> signers, CancellationToken cancellationToken)
    {
        var request = new SessionRequest
        {
            Kind = SessionRequest.SignKind,
            WalletId = wallet.WalletId,
            KeyType = wallet.KeyType,
            Threshold = wallet.Threshold,
            Parties = signers,
            Message = payload,
            Hash = digest,
            Nonce = SessionRequest.NewNonce(),
        };
        request.Validate();
        if (digest is not null)
        {
            if (await TrySignPooledAsync(wallet, request, cancellationToken).ConfigureAwait(false) is { } pooled)
            {
                return pooled;
            }

            StartRefill(wallet, DefaultSigners(wallet));
        }

        var outcomes = await RunSessionAsync(request, cancellationToken).ConfigureAwait(false);
        return Checked(wallet, request, outcomes);
    }

    /// <summary>Every signer verified its result; the coordinator checks again and takes the one that verifies.</summary>
    private static SignResult Checked(WalletInfo wallet, SessionRequest request, List<SessionOutcome> outcomes)
    {
        var publicKey = Convert.FromHexString(wallet.PublicKey);
        var message = request.Hash == SessionRequest.Sha256Hash ? System.Security.Cryptography.SHA256.HashData(request.MessageBytes) : request.MessageBytes;
        var good = outcomes.Where(o => o.Signature is not null && Verifies(wallet.KeyType, publicKey, message, o)).ToList();
        if (good.Count == 0)
        {
            throw new MpcRequestException(MpcErrorCode.ProtocolAbort, "No signer returned a signature that verifies under the wallet's public key.");
        }

        var result = good[0];
        return new SignResult(wallet.WalletId, wallet.KeyType, result.Signature!, request.Parties, result.RecoveryId);
    }

    /// <summary>
    /// What the nodes sign: a secp256k1 wallet's <c>messageHash</c> as given (hash null), or its
    /// <c>message</c> with the hash the nodes apply themselves; an ed25519 wallet's <c>message</c>.
    /// </summary>
    private static (string Payload, string? Hash) SignedPayload(WalletInfo wallet, string? messageHex, string? messageHashHex, string? hash)
    {
        if (messageHex is not null && messageHashHex is not null)
        {
            throw MpcRequestException.Invalid("Give either \"messageHash\" or \"message\", not both.");
        }

        if (wallet.KeyType == KeyTypes.Ed25519)
        {
            if (messageHashHex is not null || hash is not null)
            {
                throw MpcRequestException.Invalid("An ed25519 wallet signs \"message\", with no \"messageHash\" or \"hash\".");
            }

            return ((messageHex ?? throw MpcRequestException.Invalid("An ed25519 wallet signs a \"message\" (hex).")).ToLowerInvariant(), null);
        }

        if (messageHashHex is not null)
        {
            return hash is null
                ? (messageHashHex.ToLowerInvariant(), null)
                : throw MpcRequestException.Invalid("\"hash\" goes with \"message\": a \"messageHash\" is already hashed.");
        }

        if (messageHex is null)
        {
            throw MpcRequestException.Invalid("A secp256k1 wallet signs a 32-byte \"messageHash\" (hex) or a \"message\" (hex) the nodes hash.");
        }

        return (hash ?? SessionRequest.Sha256Hash) switch
        {
            SessionRequest.Sha256Hash => (messageHex.ToLowerInvariant(), SessionRequest.Sha256Hash),
            "keccak256" => throw MpcRequestException.Invalid("\"hash\": \"keccak256\" is not supported by the nodes yet; use \"sha256\" or send a \"messageHash\"."),
            _ => throw MpcRequestException.Invalid("\"hash\" must be \"sha256\"."),
        };
    }

    private static bool Verifies(string keyType, byte[] publicKey, byte[] message, SessionOutcome outcome)
    {
        var signature = Convert.FromHexString(outcome.Signature!);
        if (keyType == KeyTypes.Ed25519)
        {
            return Ed25519Signature.Verify(publicKey, message, signature);
        }

        // libsecp256k1 accepts only low s; the recovery id must give back the wallet's key.
        return outcome.RecoveryId is 0 or 1
            && EcdsaSecp256k1.VerifyCompact(publicKey, message, signature)
            && EcdsaSecp256k1.Recover(message, signature, outcome.RecoveryId.Value) is { } recovered
            && recovered.AsSpan().SequenceEqual(publicKey);
    }

    /// <summary>Prepare on every party, run on every party at once; on any failure abort everywhere and report.</summary>
    private async Task<List<SessionOutcome>> RunSessionAsync(SessionRequest request, CancellationToken cancellationToken)
    {
        await PrepareAllAsync(request, cancellationToken).ConfigureAwait(false);
        return await RunPreparedAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Prepare on every party; on any failure abort everywhere and throw the most relevant failure.</summary>
    private async Task PrepareAllAsync(SessionRequest request, CancellationToken cancellationToken)
    {
        var parties = request.Parties.Select(p => _nodes[p]).ToList();
        var prepares = parties.Select(n => n.PrepareAsync(request, cancellationToken)).ToList();
        try
        {
            await Task.WhenAll(prepares).ConfigureAwait(false);
        }
        catch
        {
            await AbortAllAsync(request).ConfigureAwait(false);
            throw MostRelevant(prepares);
        }
    }

    /// <summary>Run on every prepared party at once; on any failure abort everywhere and report.</summary>
    private async Task<List<SessionOutcome>> RunPreparedAsync(SessionRequest request, CancellationToken cancellationToken)
    {
        var parties = request.Parties.Select(p => _nodes[p]).ToList();

        // A party found unreachable (a node killed mid-session) aborts the session everywhere at once,
        // so the others stop now rather than at their round timeouts (minutes for keygen). Other
        // failures (checks, timeouts) wait for every party's report: blame compares them all.
        var runs = parties.Select(n => n.RunAsync(request, cancellationToken)).ToList();
        var pending = new List<Task>(runs);
        var aborted = false;
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending).ConfigureAwait(false);
            pending.Remove(done);
            if (!aborted && done.Exception?.GetBaseException() is MpcRequestException { Code: MpcErrorCode.NoQuorum, TimedOutRound: null })
            {
                aborted = true;
                await AbortAllAsync(request).ConfigureAwait(false);
            }
        }

        try
        {
            return [.. await Task.WhenAll(runs).ConfigureAwait(false)];
        }
        catch
        {
            if (!aborted)
            {
                await AbortAllAsync(request).ConfigureAwait(false);
            }

            var failures = runs.Where(r => r.IsFaulted).Select(r => r.Exception!.GetBaseException()).ToList();
            var culprits = Blame(failures.OfType<MpcRequestException>().ToList());
            cancellationToken.ThrowIfCancellationRequested();
            var message = string.Join(" ", failures.Select(f => f.Message).Distinct(StringComparer.Ordinal));
            throw new MpcRequestException(MpcErrorCode.ProtocolAbort, message, [.. culprits]);
        }
    }

    /// <summary>
    /// Whom the nodes' failure reports blame: the parties named by a failed check (a bad proof,
    /// share or signature) or found unreachable; failing that, the parties named by the timeouts
    /// of the earliest round only (when a silent party stalls round r, the others stall later
    /// rounds waiting for each other, and those later complaints must not blame the honest).
    /// </summary>
    private static List<string> Blame(List<MpcRequestException> failures)
    {
        var checks = failures.Where(f => f.Code is MpcErrorCode.ProtocolAbort or MpcErrorCode.NoQuorum && f.TimedOutRound is null).SelectMany(f => f.Culprits).ToList();
        if (checks.Count > 0)
        {
            return [.. checks.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        }

        var timeouts = failures.Where(f => f.TimedOutRound is not null).ToList();
        if (timeouts.Count == 0)
        {
            return [];
        }

        var earliest = timeouts.Min(f => f.TimedOutRound);
        return [.. timeouts.Where(f => f.TimedOutRound == earliest).SelectMany(f => f.Culprits).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    private static Exception MostRelevant(List<Task> tasks)
    {
        var failures = tasks.Where(t => t.IsFaulted || t.IsCanceled).Select(t => t.Exception?.GetBaseException() ?? new OperationCanceledException()).ToList();
        // A node's own verdict on the request beats a transport failure.
        return failures.OfType<MpcRequestException>().OrderBy(e => e.Code switch
        {
            MpcErrorCode.WalletExists or MpcErrorCode.WalletNotFound or MpcErrorCode.InvalidRequest or MpcErrorCode.PolicyDenied => 0,
            MpcErrorCode.NoQuorum => 1,
            _ => 2,
        }).FirstOrDefault() ?? failures[0];
    }

    private async Task AbortAllAsync(SessionRequest request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var aborts = request.Parties.Select(async p =>
        {
            try
            {
                await _nodes[p].AbortAsync(request, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MpcRequestException or OperationCanceledException)
            {
                // best effort: an unreachable node closes the session itself when it expires
            }
        });
        await Task.WhenAll(aborts).ConfigureAwait(false);
    }

    private async Task<WalletInfo> FindWalletAsync(string walletId, HashSet<string> reachable, CancellationToken cancellationToken)
    {
        foreach (var id in NodeIds.Where(reachable.Contains))
        {
            if (await TryGetWalletAsync(_nodes[id], walletId, cancellationToken).ConfigureAwait(false) is { } wallet)
            {
                return wallet;
            }
        }

        if (reachable.Count == 0)
        {
            throw new MpcRequestException(MpcErrorCode.NoQuorum, "No node is reachable.");
        }

        throw new MpcRequestException(MpcErrorCode.WalletNotFound, $"Wallet {walletId} does not exist.");
    }

    private static async Task<WalletInfo?> TryGetWalletAsync(INodeControl node, string walletId, CancellationToken cancellationToken)
    {
        try
        {
            return await node.GetWalletAsync(walletId, cancellationToken).ConfigureAwait(false);
        }
        catch (MpcRequestException e) when (e.Code == MpcErrorCode.NoQuorum)
        {
            return null; // went down since the probe
        }
    }

    /// <summary>Forgets the reused probe and <paramref name="walletId"/>'s lookup; always true (for use in exception filters).</summary>
    private bool Forget(string walletId)
    {
        Volatile.Write(ref _recentProbe, null);
        _recentWallets.TryRemove(walletId, out _);
        return true;
    }

    private bool IsRecent<T>(Recent<T>? recent) =>
        recent is not null && _timeProvider.GetElapsedTime(recent.Timestamp) < _recentLifetime;

    /// <summary>The reachable nodes from a probe at most the recent lifetime old (concurrent requests share one probe), or from a new probe.</summary>
    private async Task<HashSet<string>> RecentReachableAsync(bool fresh, CancellationToken cancellationToken)
    {
        if (fresh || _recentLifetime == TimeSpan.Zero)
        {
            return await ReachableAsync(cancellationToken).ConfigureAwait(false);
        }

        var recent = Volatile.Read(ref _recentProbe);
        if (!IsRecent(recent) || recent!.Value.IsFaulted || recent.Value.IsCanceled)
        {
            // Shared by every request of the next moment, so no caller's token cancels it; each probe is bounded by the probe timeout.
            var started = new Recent<Task<HashSet<string>>>(_timeProvider.GetTimestamp(), ReachableAsync(CancellationToken.None));
            recent = Interlocked.CompareExchange(ref _recentProbe, started, recent) is var previous && ReferenceEquals(previous, recent) ? started : previous!;
        }

        try
        {
            return await recent.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MpcRequestException)
        {
            Interlocked.CompareExchange(ref _recentProbe, null, recent);
            throw;
        }
    }

    private async Task<WalletInfo> RecentWalletAsync(string walletId, HashSet<string> reachable, bool fresh, CancellationToken cancellationToken)
    {
        if (!fresh && _recentWallets.TryGetValue(walletId, out var recent) && IsRecent(recent) && recent.Value.Parties.Any(reachable.Contains))
        {
            return recent.Value;
        }

        var timestamp = _timeProvider.GetTimestamp();
        var wallet = await FindWalletAsync(walletId, reachable, cancellationToken).ConfigureAwait(false);
        if (_recentLifetime > TimeSpan.Zero)
        {
            if (_recentWallets.Count >= MaxRecentWallets)
            {
                foreach (var (id, entry) in _recentWallets)
                {
                    if (!IsRecent(entry))
                    {
                        _recentWallets.TryRemove(id, out _);
                    }
                }
            }

            _recentWallets[walletId] = new Recent<WalletInfo>(timestamp, wallet);
        }

        return wallet;
    }

    private async Task<HashSet<string>> ReachableAsync(CancellationToken cancellationToken)
    {
        var health = await HealthAsync(cancellationToken).ConfigureAwait(false);
        return health.Where(h => h.Reachable).Select(h => h.Id).ToHashSet(StringComparer.Ordinal);
    }

    private async Task<bool> ProbeAsync(INodeControl node, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_probeTimeout);
        try
        {
            var health = await node.HealthAsync(timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
            return string.Equals(health.NodeId, node.NodeId, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is MpcRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>A value and when it was obtained (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    private sealed record Recent<T>(long Timestamp, T Value);
}

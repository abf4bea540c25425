using System.Collections.Concurrent;
using System.Security.Cryptography;
using Conclave.Mpc.Coordination;
using Conclave.Mpc.Node.Internal;
using Conclave.Mpc.Sessions;
using Conclave.Mpc.Storage;
using Conclave.Mpc.Transport;
using Conclave.Threshold;
using Conclave.Threshold.Frost.Ciphersuites;
using Conclave.Threshold.Frost.Keys;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conclave.Mpc.Node;

/// <summary>
/// One MPC party: its identity, its share store, its end of the transport, and the sessions it
/// runs. It answers a coordinator through <see cref="INodeControl"/> and checks every request
/// itself before it joins: that it is one of the parties, that every party is a listed member,
/// that a keygen's wallet does not exist yet, that a sign request's wallet, key type, threshold
/// and signers match what it stored, and its <see cref="ISigningPolicy"/>. Keygen results become
/// usable only at <see cref="CommitAsync"/> (the share store's pending → committed step).
/// </summary>
public sealed partial class MpcNode : INodeControl, IAsyncDisposable
{
    /// <summary>The share version a keygen writes.</summary>
    public const int InitialKeyVersion = 1;

    private readonly ClusterMembership _membership;
    private readonly ShareStore _store;
    private readonly MpcNodeOptions _options;
    private readonly SessionRouter _router;
    private readonly SqlitePresignatureLedger _ledger;
    private readonly CancellationTokenSource _stop = new();

    // Public parts of FROST shares already validated by this node (no secret): a share's
    // polynomial-consistency check is done once per node, not once per signature.
    private readonly FrostPublicKeyPackageCache _verifiedFrostPublicParts = new();
    private readonly Task _receiveLoop;
    private readonly ConcurrentDictionary<SessionId, PreparedSession> _prepared = new();
    private readonly ConcurrentDictionary<SessionId, CancellationTokenSource> _runs = new();
    private readonly Dictionary<string, PendingKeygen> _keygens = new(StringComparer.Ordinal);
    private readonly Lock _keygenLock = new();
    private readonly ILogger _logger;
    private int _running;
    private int _commitGeneration;
    private WalletCount? _walletCount;

    /// <summary>Starts the node: it begins receiving from <paramref name="transport"/> at once.</summary>
    /// <param name="identity">The node's identity (not owned).</param>
    /// <param name="membership">The verified cluster membership.</param>
    /// <param name="store">The node's share store (not owned).</param>
    /// <param name="transport">The node's transport endpoint (not owned).</param>
    /// <param name="options">Tunables, or the defaults.</param>
    public MpcNode(NodeIdentity identity, ClusterMembership membership, ShareStore store, ITransport transport, MpcNodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(membership);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(transport);
        if (!string.Equals(store.NodeId, identity.NodeId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The share store belongs to {store.NodeId}, not {identity.NodeId}.", nameof(store));
        }

        if (!membership.Contains(identity.PublicIdentity))
        {
            throw new ArgumentException($"Node {identity.NodeId} with this identity is not listed in the membership.", nameof(membership));
        }

        _membership = membership;
        _store = store;
        _options = options ?? new MpcNodeOptions();
        _router = new SessionRouter(identity, membership, new EnvelopeOpener(identity, membership), transport, _options.TimeProvider);
        _ledger = store.OpenPresignatureLedger();
        _logger = (ILogger?)_options.LoggerFactory?.CreateLogger<MpcNode>() ?? NullLogger.Instance;
        _options.Metrics?.AddDropSource(identity.NodeId, () => _router.Opener.DropCounts);
        _receiveLoop = Task.Run(() => _router.RunAsync(_stop.Token));
    }

    /// <inheritdoc />
    public string NodeId => _router.NodeId;

    /// <summary>The node's share store (tests inspect stored presignatures).</summary>
    internal ShareStore StoreForTests => _store;

    /// <summary>The node's presignature ledger (tests check it refuses used ids).</summary>
    internal SqlitePresignatureLedger LedgerForTests => _ledger;

    /// <summary>Envelopes dropped by this node's opener, by reason (forged, replayed, …).</summary>
    public IReadOnlyDictionary<DropReason, long> DropCounts => _router.Opener.DropCounts;

    /// <inheritdoc />
    public async Task PrepareAsync(SessionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ThrowIfStopped();
        request.Validate();
        if (!request.Parties.Contains(NodeId, StringComparer.Ordinal))
        {
            throw MpcRequestException.Invalid($"Node {NodeId} is not among the request's parties.");
        }

        foreach (var party in request.Parties)
        {
            if (!_membership.TryGetMember(party, out _))
            {
                throw MpcRequestException.Invalid($"Node {party} is not a member of the cluster.");
            }
        }

        var session = request.DeriveSessionId();
        WalletInfo? wallet = null;
        if (request.Kind == SessionRequest.KeygenKind)
        {
            await CheckKeygenAsync(request, session, cancellationToken).ConfigureAwait(false);
        }
        else if (request.Kind == SessionRequest.ReshareKind)
        {
            wallet = await CheckReshareAsync(request, session, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            wallet = await CheckSignAsync(request, cancellationToken).ConfigureAwait(false);
        }

        SessionMessenger messenger;
        try
        {
            messenger = _router.OpenSession(session);
        }
        catch (InvalidOperationException)
        {
            ForgetKeygen(request, session);
            throw MpcRequestException.Invalid($"Session {session} was already opened on node {NodeId}; a request is never run twice.");
        }

        var prepared = new PreparedSession(request, messenger, wallet);
        _prepared[session] = prepared;
        prepared.Expiry = _options.TimeProvider.CreateTimer(_ => Expire(session, prepared), null, _options.PrepareTimeout, Timeout.InfiniteTimeSpan);
    }

    /// <inheritdoc />
    public async Task<SessionOutcome> RunAsync(SessionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var session = request.DeriveSessionId();
        if (!_prepared.TryRemove(session, out var prepared))
        {
            throw MpcRequestException.Invalid($"Session {session} is not prepared on node {NodeId} (never prepared, expired, or already run).");
        }

        prepared.Expiry?.Dispose();

        // Return to the caller at once: a coordinator in the same process starts every party's run
        // and would otherwise run this one's share decryption, parsing and first round on its own
        // thread before it even starts the next party's.
        await Task.Yield();
        Interlocked.Increment(ref _running);
        var protocol = request.KeyType == KeyTypes.Ed25519 ? "frost" : "cggmp21";
        var started = _options.TimeProvider.GetTimestamp();
        var sessionText = session.ToString();
        _options.Metrics?.Started(NodeId, protocol, request.Kind);
        NodeLog.SessionStarted(_logger, NodeId, protocol, request.Kind, sessionText, request.WalletId, request.Parties);
        prepared.Messenger.RoundObserver = (round, waited) => _options.Metrics?.RoundWaited(NodeId, protocol, round, waited);
        IReadOnlyList<string> participants = request.Parties;
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _runs[session] = run; // AbortAsync ends a running session at once instead of leaving it to its round timeouts
        try
        {
            using var messenger = prepared.Messenger;
            SessionOutcome outcome;
            if (request.Kind == SessionRequest.KeygenKind)
            {
                outcome = await RunKeygenAsync(request, messenger, run.Token).ConfigureAwait(false);
            }
            else if (request.Kind == SessionRequest.ReshareKind)
            {
                var wallet = prepared.Wallet
                    ?? throw new MpcRequestException(MpcErrorCode.WalletNotFound, $"Node {NodeId} holds no wallet {request.WalletId}.");
                participants = wallet.Parties;
                outcome = await RunReshareAsync(request, wallet, messenger, run.Token).ConfigureAwait(false);
            }
            else
            {
                // Checked against this request when it was prepared (moments ago, same session).
                var wallet = prepared.Wallet
                    ?? throw new MpcRequestException(MpcErrorCode.WalletNotFound, $"Node {NodeId} holds no wallet {request.WalletId}.");
                participants = wallet.Parties; // protocol participant ids index the wallet's parties
                outcome = await RunSignAsync(request, wallet, messenger, run.Token).ConfigureAwait(false);
            }

            var elapsed = _options.TimeProvider.GetElapsedTime(started);
            _options.Metrics?.Completed(NodeId, protocol, request.Kind, elapsed);
            NodeLog.SessionCompleted(_logger, NodeId, protocol, request.Kind, sessionText, (long)elapsed.TotalMilliseconds);
            return outcome;
        }
        catch (Exception e)
        {
            ForgetKeygen(request, session);
            var failure = e as MpcRequestException ?? e switch
            {
                OperationCanceledException when run.IsCancellationRequested && !cancellationToken.IsCancellationRequested =>
                    new MpcRequestException(MpcErrorCode.ProtocolAbort, $"Node {NodeId}: session {session} was aborted by the coordinator."),
                OperationCanceledException => null,
                _ => Translate(e, participants),
            };
            var reason = failure is null ? "cancelled" : failure.TimedOutRound is not null ? "timeout" : MpcRequestException.CodeName(failure.Code);
            _options.Metrics?.Aborted(NodeId, protocol, request.Kind, reason, _options.TimeProvider.GetElapsedTime(started));
            NodeLog.SessionAborted(_logger, NodeId, protocol, request.Kind, sessionText, reason, failure?.Culprits ?? [], failure?.Message ?? "cancelled");
            if (failure is null || ReferenceEquals(failure, e))
            {
                throw;
            }

            throw failure;
        }
        finally
        {
            _runs.TryRemove(session, out _);
            Interlocked.Decrement(ref _running);
        }
    }

    /// <inheritdoc />
    public async Task CommitAsync(SessionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!WritesShare(request))
        {
            throw MpcRequestException.Invalid("Only a keygen or a reshare is committed.");
        }

        var session = request.DeriveSessionId();
        bool mine;
        lock (_keygenLock)
        {
            mine = _keygens.TryGetValue(request.WalletId, out var pending) && pending.Session == session && pending.Finished;
        }

        if (!mine)
        {
            if (await GetWalletAsync(request.WalletId, cancellationToken).ConfigureAwait(false) is { } existing && existing.Parties.SequenceEqual(request.Parties)
                && (request.Kind == SessionRequest.KeygenKind || existing.KeyVersion == request.KeyVersion + 1))
            {
                return; // committed before: idempotent
            }

            throw MpcRequestException.Invalid($"Node {NodeId} has no finished {request.Kind} of wallet {request.WalletId} for this session.");
        }

        if (request.Kind == SessionRequest.ReshareKind)
        {
            await CommitReshareAsync(request, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _store.CommitAsync(request.WalletId, InitialKeyVersion, cancellationToken).ConfigureAwait(false);
        }

        Interlocked.Increment(ref _commitGeneration); // the wallet count changed
        ForgetKeygen(request, session);
        NodeLog.Committed(_logger, NodeId, request.WalletId);
    }

    /// <inheritdoc />
    public async Task AbortAsync(SessionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var session = request.DeriveSessionId();
        if (_prepared.TryRemove(session, out var prepared))
        {
            prepared.Close();
        }

        if (_runs.TryGetValue(session, out var run))
        {
            try
            {
                await run.CancelAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // the run ended meanwhile
            }
        }

        bool discard;
        lock (_keygenLock)
        {
            discard = WritesShare(request)
                && _keygens.TryGetValue(request.WalletId, out var pending) && pending.Session == session;
        }

        if (discard)
        {
            var version = request.Kind == SessionRequest.ReshareKind ? request.KeyVersion!.Value + 1 : InitialKeyVersion;
            await _store.DiscardPendingAsync(request.WalletId, version, cancellationToken).ConfigureAwait(false);
            ForgetKeygen(request, session);
        }
    }

    /// <inheritdoc />
    public async Task<WalletInfo?> GetWalletAsync(string walletId, CancellationToken cancellationToken = default)
    {
        ThrowIfStopped();
        if (!SessionRequest.IsValidWalletId(walletId))
        {
            throw MpcRequestException.Invalid("The wallet id is malformed.");
        }

        var json = await _store.GetCommittedWalletInfoAsync(walletId, cancellationToken).ConfigureAwait(false);
        return json is null ? null : WalletInfo.FromJson(json);
    }

    /// <inheritdoc />
    public async Task<NodeHealth> HealthAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfStopped();

        // Probes come with every request: count the wallets in the store only after a commit changed them.
        var generation = Volatile.Read(ref _commitGeneration);
        var count = Volatile.Read(ref _walletCount);
        if (count is null || count.Generation != generation)
        {
            var wallets = await _store.ListCommittedWalletsAsync(cancellationToken).ConfigureAwait(false);
            count = new WalletCount(generation, wallets.Count);
            Volatile.Write(ref _walletCount, count);
        }

        return new NodeHealth(NodeId, count.Count, _prepared.Count + Volatile.Read(ref _running));
    }

    /// <summary>Stops receiving and closes every prepared session.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _receiveLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // the normal end of the loop
        }

        foreach (var session in _prepared.Keys)
        {
            if (_prepared.TryRemove(session, out var prepared))
            {
                prepared.Close();
            }
        }

        _ledger.Dispose();
        _stop.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"MpcNode({NodeId})";

    private void ThrowIfStopped()
    {
        if (_stop.IsCancellationRequested)
        {
            throw new MpcRequestException(MpcErrorCode.NoQuorum, $"Node {NodeId} is stopped.", [NodeId]);
        }
    }

    private async Task CheckKeygenAsync(SessionRequest request, SessionId session, CancellationToken cancellationToken)
    {
        if (await GetWalletAsync(request.WalletId, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new MpcRequestException(MpcErrorCode.WalletExists, $"Wallet {request.WalletId} already exists.");
        }

        var now = _options.TimeProvider.GetUtcNow();
        lock (_keygenLock)
        {
            if (_keygens.TryGetValue(request.WalletId, out var pending) && pending.Expires > now)
            {
                throw new MpcRequestException(MpcErrorCode.WalletExists, $"A keygen of wallet {request.WalletId} is already in progress.");
            }

            _keygens[request.WalletId] = new PendingKeygen(session, now + _options.PendingKeygenLifetime);
        }
    }

    private async Task<WalletInfo> CheckSignAsync(SessionRequest request, CancellationToken cancellationToken)
    {
        var wallet = await GetWalletAsync(request.WalletId, cancellationToken).ConfigureAwait(false)
            ?? throw new MpcRequestException(MpcErrorCode.WalletNotFound, $"Node {NodeId} holds no wallet {request.WalletId}.");
        if (wallet.KeyType != request.KeyType || wallet.Threshold != request.Threshold)
        {
            throw MpcRequestException.Invalid($"The request's key type or threshold does not match wallet {request.WalletId}.");
        }

        if (request.Parties.FirstOrDefault(p => !wallet.Parties.Contains(p, StringComparer.Ordinal)) is { } stranger)
        {
            throw MpcRequestException.Invalid($"Signer {stranger} holds no share of wallet {request.WalletId}.");
        }

        if (request.Kind == SessionRequest.PresignKind)
        {
            return wallet; // nothing is signed yet: the policy decides when a message comes
        }

        if (await _options.SigningPolicy.CheckAsync(request, wallet, cancellationToken).ConfigureAwait(false) is { } refusal)
        {
            throw new MpcRequestException(MpcErrorCode.PolicyDenied, $"Node {NodeId} refuses to sign: {refusal}");
        }

        if (request.PresignatureId is { } presignatureId
            && !await _store.HasPresignatureAsync(request.WalletId, Convert.FromHexString(presignatureId), cancellationToken).ConfigureAwait(false))
        {
            throw MpcRequestException.Invalid($"Node {NodeId} holds no presignature {presignatureId} of wallet {request.WalletId}.");
        }

        return wallet;
    }

    private async Task<SessionOutcome> RunKeygenAsync(SessionRequest request, SessionMessenger messenger, CancellationToken cancellationToken)
    {
        var (publicKey, share) = request.KeyType == KeyTypes.Ed25519
            ? await RunFrostKeygenAsync(request, messenger, cancellationToken).ConfigureAwait(false)
            : await RunCggmpKeygenAsync(request, messenger, cancellationToken).ConfigureAwait(false);
        try
        {
            var wallet = new WalletInfo(request.WalletId, request.KeyType, publicKey, request.Threshold, request.Parties, request.ChainType, InitialKeyVersion);
            await _store.PutPendingAsync(request.WalletId, InitialKeyVersion, share, wallet.ToJson(), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(share);
        }

        lock (_keygenLock)
        {
            if (_keygens.TryGetValue(request.WalletId, out var pending) && pending.Session == messenger.Session)
            {
                pending.Finished = true;
            }
        }

        return new SessionOutcome(NodeId, publicKey, null, null);
    }

    private async Task<(string PublicKey, byte[] Share)> RunFrostKeygenAsync(SessionRequest request, SessionMessenger messenger, CancellationToken cancellationToken)
    {
        var keygen = new FrostKeygenSession(messenger, Ed25519Sha512.Instance, request.Parties, request.Threshold, _options.KeygenRoundTimeout);
        using var result = await keygen.RunAsync(cancellationToken).ConfigureAwait(false);
        return (Convert.ToHexStringLower(result.PublicKeyPackage.SerializePublicKey()), FrostKeyShareEncoding.Serialize(result.KeyPackage, result.PublicKeyPackage));
    }

    private async Task<SessionOutcome> RunSignAsync(SessionRequest request, WalletInfo wallet, SessionMessenger messenger, CancellationToken cancellationToken)
    {
        if (request.PresignatureId is not null)
        {
            return await RunPresignedSignAsync(request, wallet, messenger, cancellationToken).ConfigureAwait(false);
        }

        using var share = await _store.GetCommittedAsync(request.WalletId, cancellationToken).ConfigureAwait(false)
            ?? throw new MpcRequestException(MpcErrorCode.WalletNotFound, $"Node {NodeId} holds no share of wallet {request.WalletId}.");
        if (request.Kind == SessionRequest.PresignKind)
        {
            return await RunCggmpPresignAsync(request, wallet, share, messenger, cancellationToken).ConfigureAwait(false);
        }

        return request.KeyType == KeyTypes.Ed25519
            ? await RunFrostSignAsync(request, wallet, share, messenger, cancellationToken).ConfigureAwait(false)
            : await RunCggmpSignAsync(request, wallet, share, messenger, cancellationToken).ConfigureAwait(false);
    }

    private async Task<SessionOutcome> RunFrostSignAsync(SessionRequest request, WalletInfo wallet, CommittedShare share, SessionMessenger messenger, CancellationToken cancellationToken)
    {
        var (keyPackage, publicKeyPackage) = FrostKeyShareEncoding.Parse(share.Share.Span, _verifiedFrostPublicParts);
        using var key = new FrostKeygenResult(keyPackage, publicKeyPackage, wallet.Parties);
        CheckStoredPublicKey(wallet, publicKeyPackage.SerializePublicKey());
        var signing = new FrostSigningSession(messenger, key, request.Parties, request.MessageBytes, _options.RoundTimeout);
        var signature = await signing.RunAsync(cancellationToken).ConfigureAwait(false);
        return new SessionOutcome(NodeId, wallet.PublicKey, Convert.ToHexStringLower(signature), null);
    }

    private void CheckStoredPublicKey(WalletInfo wallet, byte[] publicKey)
    {
        if (!string.Equals(Convert.ToHexStringLower(publicKey), wallet.PublicKey, StringComparison.Ordinal))
        {
            throw new MpcRequestException(MpcErrorCode.Internal, $"Node {NodeId}: the stored share of wallet {wallet.WalletId} does not match its public key.");
        }
    }

    /// <summary>Turns a protocol failure into the request error, mapping participant ids (1-based indexes into <paramref name="parties"/>) to node ids.</summary>
    private MpcRequestException Translate(Exception e, IReadOnlyList<string> parties)
    {
        switch (e)
        {
            case ProtocolAbortException abort:
                var culprits = abort.Culprits.Where(c => c.Value >= 1 && c.Value <= parties.Count).Select(c => parties[c.Value - 1]).Order(StringComparer.Ordinal).ToList();
                return new MpcRequestException(MpcErrorCode.ProtocolAbort, $"Node {NodeId} aborted: {abort.Message}", culprits);
            case SessionTimeoutException timeout:
                return new MpcRequestException(MpcErrorCode.ProtocolAbort, $"Node {NodeId}: round {timeout.Round} timed out waiting for {string.Join(", ", timeout.MissingSenders)}.", timeout.MissingSenders)
                {
                    TimedOutRound = timeout.Round,
                };
            case Grpc.Core.RpcException rpc:
                return new MpcRequestException(MpcErrorCode.NoQuorum, $"Node {NodeId} lost its connection to a peer ({rpc.StatusCode}).");
            default:
                return new MpcRequestException($"Node {NodeId} failed: {e.GetType().Name}: {e.Message}", e);
        }
    }

    /// <summary>Whether <paramref name="request"/> writes a pending share that a commit makes usable (keygen, reshare).</summary>
    private static bool WritesShare(SessionRequest request) => request.Kind is SessionRequest.KeygenKind or SessionRequest.ReshareKind;

    private void ForgetKeygen(SessionRequest request, SessionId session)
    {
        if (!WritesShare(request))
        {
            return;
        }

        lock (_keygenLock)
        {
            if (_keygens.TryGetValue(request.WalletId, out var pending) && pending.Session == session)
            {
                _keygens.Remove(request.WalletId);
            }
        }
    }

    private void Expire(SessionId session, PreparedSession prepared)
    {
        if (_prepared.TryRemove(new KeyValuePair<SessionId, PreparedSession>(session, prepared)))
        {
            prepared.Close();
            ForgetKeygen(prepared.Request, session);
        }
    }

    private sealed class PreparedSession(SessionRequest request, SessionMessenger messenger, WalletInfo? wallet)
    {
        public SessionRequest Request { get; } = request;

        /// <summary>A sign request's wallet as the prepare step read and checked it.</summary>
        public WalletInfo? Wallet { get; } = wallet;

        public SessionMessenger Messenger { get; } = messenger;

        public ITimer? Expiry { get; set; }

        public void Close()
        {
            Expiry?.Dispose();
            Messenger.Dispose();
        }
    }

    /// <summary>The committed-wallet count as of a commit generation.</summary>
    private sealed record WalletCount(int Generation, int Count);

    private sealed class PendingKeygen(SessionId session, DateTimeOffset expires)
    {
        public SessionId Session { get; } = session;

        public DateTimeOffset Expires { get; } = expires;

        public bool Finished { get; set; }
    }
}

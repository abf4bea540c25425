namespace Conclave.Mpc.Coordination;

/// <summary>
/// Reshare (issue 5): a proactive refresh of a wallet's shares among all of its parties with the
/// same threshold; the public key stays, the key version goes from v to v + 1, and the old shares
/// (and every presignature made from them) are deleted on each node when the new version commits.
/// </summary>
public sealed partial class Coordinator
{
    /// <summary>
    /// Refreshes <paramref name="walletId"/>'s shares: every party runs the refresh and stores its
    /// new share as pending version v + 1; only when all succeeded does the coordinator commit on
    /// each (each node replaces v by v + 1 and drops the wallet's presignatures). If any party fails
    /// or times out, every party discards its pending share and the wallet keeps signing with v.
    /// Presignature refills of the wallet are held off during the refresh and the pool index is cleared.
    /// </summary>
    /// <exception cref="MpcRequestException">Malformed id, unknown wallet, a party unreachable (all are needed), a refresh already running, or a protocol abort naming the culprits.</exception>
    public async Task<WalletInfo> ReshareAsync(string walletId, CancellationToken cancellationToken = default)
    {
        if (!SessionRequest.IsValidWalletId(walletId))
        {
            throw MpcRequestException.Invalid("walletID is missing or malformed.");
        }

        var reachable = await ReachableAsync(cancellationToken).ConfigureAwait(false);
        var wallet = await FindWalletAsync(walletId, reachable, cancellationToken).ConfigureAwait(false);
        var down = wallet.Parties.Where(p => !reachable.Contains(p)).ToList();
        if (down.Count > 0)
        {
            throw new MpcRequestException(MpcErrorCode.NoQuorum, $"A reshare needs every party of wallet {walletId}; not reachable: {string.Join(", ", down)}.");
        }

        var request = new SessionRequest
        {
            Kind = SessionRequest.ReshareKind,
            WalletId = wallet.WalletId,
            KeyType = wallet.KeyType,
            Threshold = wallet.Threshold,
            Parties = wallet.Parties,
            KeyVersion = wallet.KeyVersion,
            Nonce = SessionRequest.NewNonce(),
        };
        request.Validate();

        Task refills;
        lock (_refillLock)
        {
            if (!_resharing.Add(walletId))
            {
                throw new MpcRequestException(MpcErrorCode.WalletExists, $"A reshare of wallet {walletId} is already in progress.");
            }

            refills = Task.WhenAll(_refills.Where(r => r.Key.StartsWith(walletId + "\n", StringComparison.Ordinal)).Select(r => r.Value));
        }

        WalletInfo? refreshed = null;
        try
        {
            await refills.ConfigureAwait(false); // refills end quietly; none starts until the reshare ends
            refreshed = await RunReshareAsync(wallet, request, cancellationToken).ConfigureAwait(false);
            return refreshed;
        }
        finally
        {
            _pool.Forget(walletId); // presignatures of the old shares are gone (or, on failure, possibly taken by the aborted run)
            ReportPool();
            Forget(walletId);
            lock (_refillLock)
            {
                _resharing.Remove(walletId);
            }

            if (refreshed is not null)
            {
                StartRefill(refreshed, DefaultSigners(refreshed));
            }
        }
    }

    private async Task<WalletInfo> RunReshareAsync(WalletInfo wallet, SessionRequest request, CancellationToken cancellationToken)
    {
        var outcomes = await RunSessionAsync(request, cancellationToken).ConfigureAwait(false);
        var changed = outcomes.Where(o => !string.Equals(o.PublicKey, wallet.PublicKey, StringComparison.Ordinal)).Select(o => o.NodeId).ToList();
        if (changed.Count > 0)
        {
            await AbortAllAsync(request).ConfigureAwait(false);
            throw new MpcRequestException(MpcErrorCode.ProtocolAbort, "A party ended the reshare with another public key; nothing was committed.", changed);
        }

        var commits = request.Parties.Select(p => _nodes[p].CommitAsync(request, cancellationToken)).ToList();
        try
        {
            await Task.WhenAll(commits).ConfigureAwait(false);
        }
        catch (Exception) when (commits.All(c => !c.IsCompletedSuccessfully))
        {
            // No party committed: every one still signs with version v; drop the pending shares.
            await AbortAllAsync(request).ConfigureAwait(false);
            throw MostRelevant([.. commits]);
        }
        catch (Exception)
        {
            // A party went away between its run and its commit: the committed parties hold v + 1,
            // the others v (and a pending v + 1 they cannot commit alone). Say exactly that.
            var committed = request.Parties.Where((_, k) => commits[k].IsCompletedSuccessfully).ToList();
            var missing = request.Parties.Where((_, k) => !commits[k].IsCompletedSuccessfully).ToList();
            throw new MpcRequestException(
                MpcErrorCode.NoQuorum,
                $"Key version {request.KeyVersion + 1} of wallet {wallet.WalletId} was committed on {string.Join(", ", committed)} but not on {string.Join(", ", missing)}, which did not confirm; old and new shares do not sign together.",
                missing);
        }

        return wallet with { KeyVersion = wallet.KeyVersion + 1 };
    }
}

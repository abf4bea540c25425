using System.Security.Cryptography;
using Conclave.Mpc.Coordination;
using Conclave.Mpc.Sessions;
using Conclave.Mpc.Storage;
using Conclave.Mpc.Transport;
using Conclave.Threshold;
using Conclave.Threshold.Frost.Keys;

namespace Conclave.Mpc.Node;

/// <summary>
/// Reshare: a proactive refresh of a wallet's shares among exactly its parties with its threshold
/// (secp256k1: CGGMP21 key refresh plus fresh aux info; ed25519: HJKY95 share renewal). The new
/// share is stored as pending version v + 1 and becomes usable only at <see cref="CommitAsync"/>,
/// which in one transaction commits it, deletes version v and every stored presignature of the
/// wallet (they derive from the old share), and records the new version in the wallet description.
/// Until then the wallet keeps signing with version v; an abort discards the pending share.
/// </summary>
public sealed partial class MpcNode
{
    private async Task<WalletInfo> CheckReshareAsync(SessionRequest request, SessionId session, CancellationToken cancellationToken)
    {
        var wallet = await GetWalletAsync(request.WalletId, cancellationToken).ConfigureAwait(false)
            ?? throw new MpcRequestException(MpcErrorCode.WalletNotFound, $"Node {NodeId} holds no wallet {request.WalletId}.");
        if (wallet.KeyType != request.KeyType || wallet.Threshold != request.Threshold)
        {
            throw MpcRequestException.Invalid($"The request's key type or threshold does not match wallet {request.WalletId} (changing the threshold is not supported).");
        }

        if (!request.Parties.SequenceEqual(wallet.Parties, StringComparer.Ordinal))
        {
            throw MpcRequestException.Invalid($"A reshare of wallet {request.WalletId} runs among exactly its parties ({string.Join(", ", wallet.Parties)}); changing the committee is not supported.");
        }

        if (request.KeyVersion != wallet.KeyVersion)
        {
            throw MpcRequestException.Invalid($"Node {NodeId} holds key version {wallet.KeyVersion} of wallet {request.WalletId}, not {request.KeyVersion}.");
        }

        var now = _options.TimeProvider.GetUtcNow();
        lock (_keygenLock)
        {
            if (_keygens.TryGetValue(request.WalletId, out var pending) && pending.Expires > now)
            {
                throw new MpcRequestException(MpcErrorCode.WalletExists, $"A reshare of wallet {request.WalletId} is already in progress.");
            }

            _keygens[request.WalletId] = new PendingKeygen(session, now + _options.PendingKeygenLifetime);
        }

        return wallet;
    }

    private async Task<SessionOutcome> RunReshareAsync(SessionRequest request, WalletInfo wallet, SessionMessenger messenger, CancellationToken cancellationToken)
    {
        string publicKey;
        byte[] share;
        using (var stored = await _store.GetCommittedAsync(request.WalletId, cancellationToken).ConfigureAwait(false)
            ?? throw new MpcRequestException(MpcErrorCode.WalletNotFound, $"Node {NodeId} holds no share of wallet {request.WalletId}."))
        {
            if (stored.KeyVersion != wallet.KeyVersion)
            {
                throw MpcRequestException.Invalid($"Node {NodeId}: the committed share of wallet {wallet.WalletId} is version {stored.KeyVersion}, not {wallet.KeyVersion}.");
            }

            (publicKey, share) = request.KeyType == KeyTypes.Ed25519
                ? await RunFrostRefreshAsync(wallet, stored, messenger, cancellationToken).ConfigureAwait(false)
                : await RunCggmpRefreshAsync(wallet, stored, messenger, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            if (!string.Equals(publicKey, wallet.PublicKey, StringComparison.Ordinal))
            {
                // Cannot happen with the refresh's checks (every dealer shares zero); never store such a share.
                throw new MpcRequestException(MpcErrorCode.Internal, $"Node {NodeId}: the refreshed share of wallet {wallet.WalletId} does not match its public key.");
            }

            // Pending: a retry of the same version overwrites it; only CommitAsync makes it usable.
            await _store.PutPendingAsync(request.WalletId, wallet.KeyVersion + 1, share, cancellationToken).ConfigureAwait(false);
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

    private async Task<(string PublicKey, byte[] Share)> RunFrostRefreshAsync(WalletInfo wallet, CommittedShare stored, SessionMessenger messenger, CancellationToken cancellationToken)
    {
        var (keyPackage, publicKeyPackage) = FrostKeyShareEncoding.Parse(stored.Share.Span);
        using var key = new FrostKeygenResult(keyPackage, publicKeyPackage, wallet.Parties);
        CheckStoredPublicKey(wallet, publicKeyPackage.SerializePublicKey());
        using var result = await new FrostRefreshSession(messenger, key, _options.KeygenRoundTimeout).RunAsync(cancellationToken).ConfigureAwait(false);
        return (Convert.ToHexStringLower(result.PublicKeyPackage.SerializePublicKey()), FrostKeyShareEncoding.Serialize(result.KeyPackage, result.PublicKeyPackage));
    }

    private async Task<(string PublicKey, byte[] Share)> RunCggmpRefreshAsync(WalletInfo wallet, CommittedShare stored, SessionMessenger messenger, CancellationToken cancellationToken)
    {
        using var key = DecodeCggmpKey(stored.Share.Span, wallet.Parties);
        CheckStoredPublicKey(wallet, key.SerializePublicKey());
        var refresh = CggmpKeygenSession.Refresh(messenger, wallet.Parties, key.Share, _options.PaillierKeySource, _options.KeygenRoundTimeout);
        using var result = await refresh.RunAsync(cancellationToken).ConfigureAwait(false);
        return (Convert.ToHexStringLower(result.SerializePublicKey()), EncodeCggmpKey(result.Share, result.AuxInfo));
    }

    /// <summary>Commits pending version v + 1, deletes version v and the wallet's presignatures, and stores the new description, in one transaction.</summary>
    private async Task CommitReshareAsync(SessionRequest request, CancellationToken cancellationToken)
    {
        var wallet = await GetWalletAsync(request.WalletId, cancellationToken).ConfigureAwait(false)
            ?? throw new MpcRequestException(MpcErrorCode.WalletNotFound, $"Node {NodeId} holds no wallet {request.WalletId}.");
        var version = request.KeyVersion!.Value;
        if (wallet.KeyVersion != version)
        {
            throw MpcRequestException.Invalid($"Node {NodeId} holds key version {wallet.KeyVersion} of wallet {request.WalletId}, not {version}.");
        }

        var refreshed = wallet with { KeyVersion = version + 1 };
        await _store.ReplaceAsync(request.WalletId, version, version + 1, refreshed.ToJson(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// After a presignature was stored: if the wallet was refreshed meanwhile (its committed version
    /// is no longer <paramref name="wallet"/>'s), the presignature derives from a deleted share, so it
    /// is taken out again and the session fails. Whatever the order against the reshare's commit
    /// (which deletes stored presignatures), no presignature of an old share survives.
    /// </summary>
    private async Task DropIfRefreshedAsync(WalletInfo wallet, byte[] presignatureId, CancellationToken cancellationToken)
    {
        if (await GetWalletAsync(wallet.WalletId, cancellationToken).ConfigureAwait(false) is { } current && current.KeyVersion == wallet.KeyVersion)
        {
            return;
        }

        var taken = await _store.TakePresignatureAsync(wallet.WalletId, presignatureId, cancellationToken).ConfigureAwait(false);
        taken?.Dispose();

        throw MpcRequestException.Invalid($"Wallet {wallet.WalletId} was reshared while presigning; the presignature was discarded.");
    }
}

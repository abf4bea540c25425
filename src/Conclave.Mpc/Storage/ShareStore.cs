using System.Diagnostics;
using System.Security.Cryptography;
using Conclave.Crypto;
using Conclave.Mpc.Storage.Internal;
using Microsoft.Data.Sqlite;

namespace Conclave.Mpc.Storage;

/// <summary>
/// A node's encrypted key-share store: one SQLite file per node (WAL, <c>synchronous=FULL</c>).
/// <para>
/// Each share is sealed with AES-256-GCM under the node's data key, with associated data = node id,
/// wallet id and key version (length-prefixed), so a row copied to another wallet, version or node
/// does not decrypt. The data key is generated on first open, stored only wrapped by the node's
/// <see cref="IRootKeyProvider"/> (bound to the node id), and held in memory in a
/// <see cref="SecretBytes"/> wiped on <see cref="DisposeAsync"/>.
/// </para>
/// <para>
/// Keygen writes its share as <em>pending</em> (<see cref="PutPendingAsync"/>); it becomes usable
/// only when <see cref="CommitAsync"/> runs after every party confirmed completion, so a
/// half-finished keygen never leaves a wallet that cannot sign. Every change is one SQLite
/// transaction: a node killed at any instant has either the committed share or none, never a
/// partial one. Refresh uses <see cref="ReplaceAsync"/> (commit the new version and delete the old
/// in one transaction).
/// </para>
/// Wallet metadata (<see cref="SetWalletInfoAsync"/>) is public data and stored in clear.
/// Operations on one instance are serialized; open one instance per node database.
/// </summary>
[DebuggerDisplay("ShareStore({NodeId}, {DatabasePath})")]
public sealed partial class ShareStore : IAsyncDisposable
{
    /// <summary>Longest node or wallet id accepted, in characters.</summary>
    public const int MaxIdLength = 256;

    private const int DataKeyLength = 32;
    private const string DataKeyContextLabel = "conclave/mpc/share-store/data-key/v1";
    private const string Pending = "pending";
    private const string Committed = "committed";

    private readonly SqliteConnection _connection;
    private readonly SecretBytes _dataKey;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _disposed;

    private ShareStore(string databasePath, string nodeId, SqliteConnection connection, SecretBytes dataKey)
    {
        DatabasePath = databasePath;
        NodeId = nodeId;
        _connection = connection;
        _dataKey = dataKey;
    }

    /// <summary>The node whose shares this store holds.</summary>
    public string NodeId { get; }

    /// <summary>The full path of the SQLite file.</summary>
    public string DatabasePath { get; }

    /// <summary>
    /// Test hook: called with a step name inside multi-step transactions ("replace:committed-new",
    /// "replace:deleted-old"), so a test can throw or cancel there and check nothing was half-applied.
    /// </summary>
    internal Action<string>? FailurePointForTests { get; set; }

    /// <summary>The data key, for tests that check it is wiped on disposal.</summary>
    internal SecretBytes DataKeyForTests => _dataKey;

    /// <summary>
    /// Opens the store at <paramref name="databasePath"/> for <paramref name="nodeId"/>, creating the
    /// file (mode 0600), the schema and a fresh wrapped data key on first use. Throws
    /// <see cref="InvalidOperationException"/> if the file belongs to another node, and
    /// <see cref="CryptographicException"/> if the data key cannot be unwrapped (wrong root key, or the
    /// stored wrapped key or node id was altered).
    /// </summary>
    public static async Task<ShareStore> OpenAsync(string databasePath, string nodeId, IRootKeyProvider rootKeyProvider, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        ValidateId(nodeId, nameof(nodeId));
        ArgumentNullException.ThrowIfNull(rootKeyProvider);
        var path = Path.GetFullPath(databasePath);
        var connection = await NodeDatabase.OpenAsync(path, cancellationToken).ConfigureAwait(false);
        SecretBytes? dataKey = null;
        try
        {
            var context = DataKeyContext(nodeId);
            var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var command = Command(connection, transaction, "SELECT node_id, wrapped_data_key FROM node WHERE singleton = 1;");
                await using (command.ConfigureAwait(false))
                {
                    string? storedNodeId = null;
                    byte[]? wrapped = null;
                    var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            storedNodeId = reader.GetString(0);
                            wrapped = reader.GetFieldValue<byte[]>(1);
                        }
                    }

                    if (storedNodeId is not null)
                    {
                        if (!string.Equals(storedNodeId, nodeId, StringComparison.Ordinal))
                        {
                            throw new InvalidOperationException($"The share store '{path}' belongs to node '{storedNodeId}', not '{nodeId}'.");
                        }

                        dataKey = await UnwrapAsync(rootKeyProvider, wrapped!, context, path, nodeId, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        dataKey = SecretBytes.Create(DataKeyLength, 0, static (key, _) => RandomNumberGenerator.Fill(key));
                        var newWrapped = await rootKeyProvider.WrapAsync(dataKey, context, cancellationToken).ConfigureAwait(false);
                        command.CommandText = "INSERT INTO node (singleton, node_id, wrapped_data_key) VALUES (1, $node, $wrapped);";
                        command.Parameters.AddWithValue("$node", nodeId);
                        command.Parameters.AddWithValue("$wrapped", newWrapped);
                        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            return new ShareStore(path, nodeId, connection, dataKey);
        }
        catch
        {
            dataKey?.Dispose();
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Stores <paramref name="share"/> (its serialized bytes) encrypted, as the <em>pending</em> share
    /// of (<paramref name="walletId"/>, <paramref name="keyVersion"/>), replacing an earlier pending
    /// share of that version (a retried keygen). Throws <see cref="InvalidOperationException"/> if that
    /// version is already committed. The caller wipes its copy of <paramref name="share"/>.
    /// </summary>
    public Task PutPendingAsync(string walletId, int keyVersion, ReadOnlyMemory<byte> share, CancellationToken cancellationToken = default) =>
        PutPendingAsync(walletId, keyVersion, share, walletInfo: null, cancellationToken);

    /// <summary>
    /// As <see cref="PutPendingAsync(string, int, ReadOnlyMemory{byte}, CancellationToken)"/>, and in the
    /// same transaction stores <paramref name="walletInfo"/> (public metadata, see
    /// <see cref="SetWalletInfoAsync"/>) when it is not null: a crash leaves both or neither.
    /// </summary>
    public Task PutPendingAsync(string walletId, int keyVersion, ReadOnlyMemory<byte> share, string? walletInfo, CancellationToken cancellationToken = default)
    {
        ValidateId(walletId, nameof(walletId));
        ArgumentOutOfRangeException.ThrowIfNegative(keyVersion);
        if (share.IsEmpty)
        {
            throw new ArgumentException("The share is empty.", nameof(share));
        }

        var sealedShare = ShareCipher.Seal(_dataKey, share.Span, ShareCipher.AssociatedData(NodeId, walletId, keyVersion));
        return RunAsync(async transaction =>
        {
            var command = Command(
                _connection,
                transaction,
                """
                INSERT INTO shares (wallet_id, key_version, state, sealed_share) VALUES ($wallet, $version, 'pending', $sealed)
                ON CONFLICT (wallet_id, key_version) DO UPDATE SET sealed_share = excluded.sealed_share WHERE shares.state = 'pending';
                """);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("$wallet", walletId);
                command.Parameters.AddWithValue("$version", keyVersion);
                command.Parameters.AddWithValue("$sealed", sealedShare);
                if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
                {
                    throw new InvalidOperationException($"Wallet '{walletId}' already has a committed share of key version {keyVersion}; a committed share is never overwritten.");
                }
            }

            if (walletInfo is not null)
            {
                await WriteWalletInfoAsync(transaction, walletId, walletInfo, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// The commit step: makes the pending share of (<paramref name="walletId"/>, <paramref name="keyVersion"/>)
    /// committed, after checking it decrypts. Idempotent: committing a committed share does nothing.
    /// Throws <see cref="InvalidOperationException"/> if there is no such share.
    /// </summary>
    public Task CommitAsync(string walletId, int keyVersion, CancellationToken cancellationToken = default)
    {
        ValidateId(walletId, nameof(walletId));
        ArgumentOutOfRangeException.ThrowIfNegative(keyVersion);
        return RunAsync(async transaction =>
        {
            await CommitCoreAsync(transaction, walletId, keyVersion, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Refresh: commits the pending share of <paramref name="newKeyVersion"/> and deletes the share of
    /// <paramref name="oldKeyVersion"/> and every stored presignature of the wallet (they derive from
    /// the old share), in one transaction (all happen or none). Retrying after success does nothing.
    /// Throws <see cref="InvalidOperationException"/> if the new version has no share.
    /// </summary>
    public Task ReplaceAsync(string walletId, int oldKeyVersion, int newKeyVersion, CancellationToken cancellationToken = default) =>
        ReplaceAsync(walletId, oldKeyVersion, newKeyVersion, walletInfo: null, cancellationToken);

    /// <summary>
    /// As <see cref="ReplaceAsync(string, int, int, CancellationToken)"/>, and in the same transaction
    /// replaces the wallet's public metadata with <paramref name="walletInfo"/> when it is not null.
    /// </summary>
    public Task ReplaceAsync(string walletId, int oldKeyVersion, int newKeyVersion, string? walletInfo, CancellationToken cancellationToken = default)
    {
        ValidateId(walletId, nameof(walletId));
        ArgumentOutOfRangeException.ThrowIfNegative(oldKeyVersion);
        ArgumentOutOfRangeException.ThrowIfNegative(newKeyVersion);
        if (oldKeyVersion == newKeyVersion)
        {
            throw new ArgumentException("The old and new key versions are the same.", nameof(newKeyVersion));
        }

        return RunAsync(async transaction =>
        {
            await CommitCoreAsync(transaction, walletId, newKeyVersion, cancellationToken).ConfigureAwait(false);
            Step("replace:committed-new", cancellationToken);
            await DeleteCoreAsync(transaction, walletId, oldKeyVersion, state: null, cancellationToken).ConfigureAwait(false);
            Step("replace:deleted-old", cancellationToken);
            await DeletePresignaturesCoreAsync(transaction, walletId, cancellationToken).ConfigureAwait(false);
            if (walletInfo is not null)
            {
                await WriteWalletInfoAsync(transaction, walletId, walletInfo, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);
    }

    /// <summary>Deletes the pending share of (<paramref name="walletId"/>, <paramref name="keyVersion"/>); false if there was none.</summary>
    public Task<bool> DiscardPendingAsync(string walletId, int keyVersion, CancellationToken cancellationToken = default)
    {
        ValidateId(walletId, nameof(walletId));
        ArgumentOutOfRangeException.ThrowIfNegative(keyVersion);
        return RunAsync(transaction => DeleteCoreAsync(transaction, walletId, keyVersion, Pending, cancellationToken), cancellationToken);
    }

    /// <summary>Deletes the committed share of (<paramref name="walletId"/>, <paramref name="keyVersion"/>); false if there was none.</summary>
    public Task<bool> DeleteAsync(string walletId, int keyVersion, CancellationToken cancellationToken = default)
    {
        ValidateId(walletId, nameof(walletId));
        ArgumentOutOfRangeException.ThrowIfNegative(keyVersion);
        return RunAsync(transaction => DeleteCoreAsync(transaction, walletId, keyVersion, Committed, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// The latest committed share of <paramref name="walletId"/>, decrypted (the caller disposes it),
    /// or null if it has none. Pending shares are never returned. Throws
    /// <see cref="CryptographicException"/> naming the wallet and version if the stored share does
    /// not decrypt (altered, or copied from another wallet, version or node).
    /// </summary>
    public Task<CommittedShare?> GetCommittedAsync(string walletId, CancellationToken cancellationToken = default)
    {
        ValidateId(walletId, nameof(walletId));
        return RunAsync(async transaction =>
        {
            var command = Command(
                _connection,
                transaction,
                "SELECT key_version, sealed_share FROM shares WHERE wallet_id = $wallet AND state = 'committed' ORDER BY key_version DESC LIMIT 1;");
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("$wallet", walletId);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        return null;
                    }

                    var keyVersion = reader.GetInt32(0);
                    var share = OpenShare(walletId, keyVersion, reader.GetFieldValue<byte[]>(1));
                    return new CommittedShare(walletId, keyVersion, share);
                }
            }
        }, cancellationToken);
    }

    /// <summary>The ids of the wallets that have at least one committed share, in ordinal order.</summary>
    public Task<IReadOnlyList<string>> ListCommittedWalletsAsync(CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<string>>(async transaction =>
        {
            var command = Command(_connection, transaction, "SELECT DISTINCT wallet_id FROM shares WHERE state = 'committed' ORDER BY wallet_id;");
            await using (command.ConfigureAwait(false))
            {
                var wallets = new List<string>();
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        wallets.Add(reader.GetString(0));
                    }
                }

                return wallets;
            }
        }, cancellationToken);

    /// <summary>
    /// Stores public metadata of <paramref name="walletId"/> (for example JSON with key type,
    /// threshold, parties and public key hex) in clear, replacing earlier metadata.
    /// </summary>
    public Task SetWalletInfoAsync(string walletId, string metadata, CancellationToken cancellationToken = default)
    {
        ValidateId(walletId, nameof(walletId));
        ArgumentNullException.ThrowIfNull(metadata);
        return RunAsync(async transaction =>
        {
            await WriteWalletInfoAsync(transaction, walletId, metadata, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// The metadata of <paramref name="walletId"/> if the wallet has a committed share here, else null
    /// (a wallet whose keygen never committed does not exist for callers).
    /// </summary>
    public Task<string?> GetCommittedWalletInfoAsync(string walletId, CancellationToken cancellationToken = default)
    {
        ValidateId(walletId, nameof(walletId));
        return RunAsync(async transaction =>
        {
            var command = Command(
                _connection,
                transaction,
                "SELECT metadata FROM wallets WHERE wallet_id = $wallet AND EXISTS (SELECT 1 FROM shares WHERE wallet_id = $wallet AND state = 'committed');");
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("$wallet", walletId);
                return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
            }
        }, cancellationToken);
    }

    /// <summary>The metadata stored by <see cref="SetWalletInfoAsync"/>, or null.</summary>
    public Task<string?> GetWalletInfoAsync(string walletId, CancellationToken cancellationToken = default)
    {
        ValidateId(walletId, nameof(walletId));
        return RunAsync(async transaction =>
        {
            var command = Command(_connection, transaction, "SELECT metadata FROM wallets WHERE wallet_id = $wallet;");
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("$wallet", walletId);
                return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
            }
        }, cancellationToken);
    }

    /// <summary>
    /// Records that this node accepts the operator-signed membership with <paramref name="serial"/>:
    /// false (nothing changed) if a higher serial was accepted before, so an older membership file
    /// (one that still lists a removed or re-keyed node) cannot be played back to the node; true
    /// otherwise, keeping the highest serial. The record lives in the node database, which must not
    /// be restored from an older backup.
    /// </summary>
    public Task<bool> AcceptMembershipSerialAsync(ulong serial, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(serial, (ulong)long.MaxValue);
        return RunAsync(async transaction =>
        {
            var read = Command(_connection, transaction, "SELECT serial FROM membership WHERE singleton = 1;");
            long? current;
            await using (read.ConfigureAwait(false))
            {
                current = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as long?;
            }

            if (current is { } highest && (long)serial < highest)
            {
                return false;
            }

            var write = Command(_connection, transaction, "INSERT INTO membership (singleton, serial) VALUES (1, $serial) ON CONFLICT (singleton) DO UPDATE SET serial = excluded.serial;");
            await using (write.ConfigureAwait(false))
            {
                write.Parameters.AddWithValue("$serial", (long)serial);
                await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Derives a 32-byte key for another of this node's encrypted files (for example its safe-prime
    /// pool) from the node data key: HKDF-SHA256 with info <c>conclave/share-store/subkey/v1 ‖ node id ‖ label</c>.
    /// The caller wipes <paramref name="destination"/>.
    /// </summary>
    public void DeriveSubkey(string label, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentException.ThrowIfNullOrEmpty(label);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _dataKey.Span, destination, [], LengthPrefixed.Concat(["conclave/share-store/subkey/v1", NodeId, label], 0));
    }

    /// <summary>
    /// A presignature ledger in this node's database (its own connection; the caller disposes it).
    /// See <see cref="SqlitePresignatureLedger"/> for why it must live here.
    /// </summary>
    public SqlitePresignatureLedger OpenPresignatureLedger()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return SqlitePresignatureLedger.Open(DatabasePath);
    }

    /// <summary>Closes the database and wipes the data key.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await _connection.DisposeAsync().ConfigureAwait(false);
            _dataKey.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"ShareStore({NodeId}, {DatabasePath})";

    private static void ValidateId(string id, string paramName)
    {
        ArgumentException.ThrowIfNullOrEmpty(id, paramName);
        if (id.Length > MaxIdLength)
        {
            throw new ArgumentException($"An id is at most {MaxIdLength} characters.", paramName);
        }
    }

    private static byte[] DataKeyContext(string nodeId) => LengthPrefixed.Concat([DataKeyContextLabel, nodeId], 0);

    private static async Task<SecretBytes> UnwrapAsync(IRootKeyProvider provider, byte[] wrapped, byte[] context, string path, string nodeId, CancellationToken cancellationToken)
    {
        try
        {
            var dataKey = await provider.UnwrapAsync(wrapped, context, cancellationToken).ConfigureAwait(false);
            if (dataKey.Length != DataKeyLength)
            {
                dataKey.Dispose();
                throw new CryptographicException($"The root-key provider returned a data key of the wrong length for the share store '{path}'.");
            }

            return dataKey;
        }
        catch (CryptographicException e)
        {
            throw new CryptographicException(
                $"The share store '{path}' of node '{nodeId}' cannot unwrap its data key: the root key is not the one the store was created with, or the stored wrapped key or node id was altered.",
                e);
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private async Task<T> RunAsync<T>(Func<SqliteTransaction, Task<T>> operation, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var transaction = (SqliteTransaction)await _connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // Disposing an uncommitted transaction rolls it back.
                var result = await operation(transaction).ConfigureAwait(false);
                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                return result;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Step(string name, CancellationToken cancellationToken)
    {
        FailurePointForTests?.Invoke(name);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task WriteWalletInfoAsync(SqliteTransaction transaction, string walletId, string metadata, CancellationToken cancellationToken)
    {
        var command = Command(
            _connection,
            transaction,
            "INSERT INTO wallets (wallet_id, metadata) VALUES ($wallet, $metadata) ON CONFLICT (wallet_id) DO UPDATE SET metadata = excluded.metadata;");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("$wallet", walletId);
            command.Parameters.AddWithValue("$metadata", metadata);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CommitCoreAsync(SqliteTransaction transaction, string walletId, int keyVersion, CancellationToken cancellationToken)
    {
        var command = Command(_connection, transaction, "SELECT state, sealed_share FROM shares WHERE wallet_id = $wallet AND key_version = $version;");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("$wallet", walletId);
            command.Parameters.AddWithValue("$version", keyVersion);
            string state;
            byte[] sealedShare;
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    throw new InvalidOperationException($"Wallet '{walletId}' has no share of key version {keyVersion} to commit.");
                }

                state = reader.GetString(0);
                sealedShare = reader.GetFieldValue<byte[]>(1);
            }

            if (state == Committed)
            {
                return;
            }

            // Never commit a share that would not decrypt.
            OpenShare(walletId, keyVersion, sealedShare).Dispose();
            command.CommandText = "UPDATE shares SET state = 'committed' WHERE wallet_id = $wallet AND key_version = $version AND state = 'pending';";
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                throw new InvalidOperationException($"The pending share of wallet '{walletId}' version {keyVersion} changed during commit.");
            }
        }
    }

    private async Task<bool> DeleteCoreAsync(SqliteTransaction transaction, string walletId, int keyVersion, string? state, CancellationToken cancellationToken)
    {
        var command = Command(
            _connection,
            transaction,
            "DELETE FROM shares WHERE wallet_id = $wallet AND key_version = $version AND ($state IS NULL OR state = $state);");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("$wallet", walletId);
            command.Parameters.AddWithValue("$version", keyVersion);
            command.Parameters.AddWithValue("$state", (object?)state ?? DBNull.Value);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    private SecretBytes OpenShare(string walletId, int keyVersion, byte[] sealedShare)
    {
        try
        {
            return ShareCipher.Open(_dataKey, sealedShare, ShareCipher.AssociatedData(NodeId, walletId, keyVersion));
        }
        catch (CryptographicException)
        {
            // No inner exception and no bytes: the message names the wallet and version only.
            throw new CryptographicException(
                $"The stored share of wallet '{walletId}' key version {keyVersion} does not decrypt: the row was altered, or was copied from another wallet, key version or node.");
        }
    }
}

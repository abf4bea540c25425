using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using Conclave.Kms.Audit;
using Conclave.Kms.Keys;
using Conclave.Kms.Storage.Internal;
using Microsoft.Data.Sqlite;

namespace Conclave.Kms.Storage.Sqlite;

/// <summary>
/// The embedded KMS store: one SQLite file (WAL, <c>synchronous=FULL</c>, created with mode 0600).
/// Writes go through one writer connection with group commit (<see cref="CommitBatcher"/>); reads
/// use pooled connections and see committed data only. Key rows are keyed by their
/// <see cref="KeyLane"/>.
/// </summary>
[DebuggerDisplay("SqliteKmsStore({DatabasePath})")]
public sealed class SqliteKmsStore : DbKmsStore, IKmsStore
{
    private const int SqliteConstraint = 19;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS kms_keys (
            lane BLOB PRIMARY KEY, tenant TEXT NOT NULL, key_id TEXT NOT NULL, revision INTEGER NOT NULL,
            due_ms INTEGER, record TEXT NOT NULL, UNIQUE (tenant, key_id));
        CREATE INDEX IF NOT EXISTS kms_keys_due ON kms_keys (due_ms) WHERE due_ms IS NOT NULL;
        CREATE TABLE IF NOT EXISTS kms_key_versions (
            lane BLOB NOT NULL, version INTEGER NOT NULL, created_ms INTEGER NOT NULL, kek_version INTEGER NOT NULL,
            wrapped BLOB NOT NULL, public_key BLOB, rotation_type TEXT, PRIMARY KEY (lane, version));
        CREATE TABLE IF NOT EXISTS kms_aliases (
            tenant TEXT NOT NULL, alias_name TEXT NOT NULL, key_id TEXT NOT NULL, created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL, PRIMARY KEY (tenant, alias_name));
        CREATE TABLE IF NOT EXISTS kms_tags (
            lane BLOB NOT NULL, tag_key TEXT NOT NULL, tag_value TEXT NOT NULL, PRIMARY KEY (lane, tag_key));
        CREATE TABLE IF NOT EXISTS kms_grants (
            lane BLOB NOT NULL, grant_id TEXT NOT NULL, created_ms INTEGER NOT NULL, record TEXT NOT NULL,
            PRIMARY KEY (lane, grant_id));
        CREATE TABLE IF NOT EXISTS kms_tenant_keks (
            tenant TEXT NOT NULL, version INTEGER NOT NULL, wrapped BLOB NOT NULL, created_ms INTEGER NOT NULL,
            PRIMARY KEY (tenant, version));
        CREATE TABLE IF NOT EXISTS kms_custom_key_stores (
            tenant TEXT NOT NULL, store_id TEXT NOT NULL, name TEXT NOT NULL, revision INTEGER NOT NULL, record TEXT NOT NULL,
            PRIMARY KEY (tenant, store_id), UNIQUE (tenant, name));
        CREATE TABLE IF NOT EXISTS kms_audit (
            seq INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, principal TEXT NOT NULL, tenant TEXT NOT NULL,
            action TEXT NOT NULL, key_id TEXT, key_version INTEGER, request_id TEXT NOT NULL, outcome TEXT NOT NULL,
            request_digest BLOB NOT NULL, prev_hash BLOB NOT NULL, hash BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS kms_audit_checkpoints (
            seq INTEGER PRIMARY KEY, hash BLOB NOT NULL, time_ms INTEGER NOT NULL, wallet_id TEXT NOT NULL,
            public_key BLOB NOT NULL, signature BLOB NOT NULL);
        """;

    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly CommitBatcher _batcher;
    private long _headSequence;
    private byte[] _headHash;

    private SqliteKmsStore(string databasePath, string connectionString, SqliteConnection writer, long headSequence, byte[] headHash)
        : base(parameterPrefix: "@")
    {
        DatabasePath = databasePath;
        _connectionString = connectionString;
        _writer = writer;
        _headSequence = headSequence;
        _headHash = headHash;
        _batcher = new CommitBatcher(ApplyBatchAsync);
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Test hook: runs inside the batch transaction after the changes of each commit, before its audit append.</summary>
    internal Action<IReadOnlyList<KmsChange>>? FailurePointForTests { get; set; }

    private protected override string RetirableGrantsSql => """
        SELECT g.record FROM kms_grants g JOIN kms_keys k ON k.lane = g.lane
        WHERE k.tenant = @tenant AND json_extract(g.record, '$.RetiringPrincipal') = @retiring AND g.grant_id > @after
        ORDER BY g.grant_id LIMIT @limit
        """;

    private protected override string CountKeysInCustomKeyStoreSql =>
        "SELECT count(*) FROM kms_keys WHERE tenant = @tenant AND json_extract(record, '$.CustomKeyStoreId') = @id";

    /// <summary>Opens (creating if needed, mode 0600) the store at <paramref name="databasePath"/>.</summary>
    public static async Task<SqliteKmsStore> OpenAsync(string databasePath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        var path = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!File.Exists(path) && !OperatingSystem.IsWindows())
        {
            using var created = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite });
        }

        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
        var writer = new SqliteConnection(connectionString);
        try
        {
            await writer.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(writer, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(writer, Schema, cancellationToken).ConfigureAwait(false);
            long head = 0;
            var headHash = AuditChain.GenesisHash();
            using (var command = writer.CreateCommand())
            {
                command.CommandText = "SELECT seq, hash FROM kms_audit ORDER BY seq DESC LIMIT 1";
                using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    head = reader.GetInt64(0);
                    headHash = (byte[])reader[1];
                }
            }

            return new SqliteKmsStore(path, connectionString, writer, head, headHash);
        }
        catch
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<KeyRecord>> ListKeysDueAsync(DateTimeOffset now, KeyRecord? after, int limit, CancellationToken cancellationToken = default) =>
        QueryAsync(
            """
            SELECT record FROM kms_keys
            WHERE due_ms IS NOT NULL AND due_ms <= $now AND (due_ms > $afterDue OR (due_ms = $afterDue AND lane > $afterLane))
            ORDER BY due_ms, lane LIMIT $limit
            """,
            c =>
            {
                var (afterDue, afterLane) = KeyDue.Cursor(after);
                c.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
                c.Parameters.AddWithValue("$afterDue", afterDue);
                c.Parameters.AddWithValue("$afterLane", afterLane);
                c.Parameters.AddWithValue("$limit", limit);
            },
            r => ReadKey(r.GetString(0)),
            cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> CommitAsync(IReadOnlyList<KmsChange> changes, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(audit);
        return _batcher.EnqueueAsync(changes, audit, cancellationToken);
    }

    /// <summary>Finishes queued commits and closes the database.</summary>
    public async ValueTask DisposeAsync()
    {
        await _batcher.DisposeAsync().ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override string ToString() => $"SqliteKmsStore({DatabasePath})";

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private protected override async ValueTask<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private ValueTask<IReadOnlyList<T>> QueryAsync<T>(string sql, Action<SqliteCommand> bind, Func<SqliteDataReader, T> read, CancellationToken cancellationToken) =>
        QueryAsync<SqliteCommand, SqliteDataReader, T>(sql, bind, read, cancellationToken);

    private async Task ApplyBatchAsync(IReadOnlyList<PendingCommit> batch, CancellationToken cancellationToken)
    {
        var head = _headSequence;
        var headHash = _headHash;
        var outcomes = new (long Sequence, Exception? Error)[batch.Count];
        using (var transaction = _writer.BeginTransaction())
        {
            for (var i = 0; i < batch.Count; i++)
            {
                var pending = batch[i];
                await ExecuteAsync(_writer, "SAVEPOINT kms_commit", cancellationToken).ConfigureAwait(false);
                try
                {
                    foreach (var change in pending.Changes)
                    {
                        await ApplyAsync(change, cancellationToken).ConfigureAwait(false);
                    }

                    FailurePointForTests?.Invoke(pending.Changes);
                    var sequence = head + 1;
                    var hash = AuditChain.ComputeHash(sequence, headHash, pending.Audit);
                    await AppendAuditAsync(sequence, headHash, hash, pending.Audit, cancellationToken).ConfigureAwait(false);
                    await ExecuteAsync(_writer, "RELEASE kms_commit", cancellationToken).ConfigureAwait(false);
                    head = sequence;
                    headHash = hash;
                    outcomes[i] = (sequence, null);
                }
#pragma warning disable CA1031 // one commit's failure is reported to its caller; the others in the batch go on
                catch (Exception e)
#pragma warning restore CA1031
                {
                    await ExecuteAsync(_writer, "ROLLBACK TO kms_commit; RELEASE kms_commit", cancellationToken).ConfigureAwait(false);
                    outcomes[i] = (0, e);
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        _headSequence = head;
        _headHash = headHash;
        for (var i = 0; i < batch.Count; i++)
        {
            if (outcomes[i].Error is { } error)
            {
                batch[i].Fail(error);
            }
            else
            {
                batch[i].Succeed(outcomes[i].Sequence);
            }
        }
    }

    private async Task AppendAuditAsync(long sequence, byte[] previousHash, byte[] hash, AuditEntry entry, CancellationToken cancellationToken)
    {
        using var command = _writer.CreateCommand();
        command.CommandText = """
            INSERT INTO kms_audit (seq, time_ms, principal, tenant, action, key_id, key_version, request_id, outcome, request_digest, prev_hash, hash)
            VALUES ($seq, $time, $principal, $tenant, $action, $key, $version, $request, $outcome, $digest, $prev, $hash)
            """;
        command.Parameters.AddWithValue("$seq", sequence);
        command.Parameters.AddWithValue("$time", entry.Time.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$principal", entry.Principal);
        command.Parameters.AddWithValue("$tenant", entry.Tenant);
        command.Parameters.AddWithValue("$action", entry.Action);
        command.Parameters.AddWithValue("$key", (object?)entry.KeyId ?? DBNull.Value);
        command.Parameters.AddWithValue("$version", (object?)entry.KeyVersion ?? DBNull.Value);
        command.Parameters.AddWithValue("$request", entry.RequestId);
        command.Parameters.AddWithValue("$outcome", entry.Outcome);
        command.Parameters.AddWithValue("$digest", entry.RequestDigest);
        command.Parameters.AddWithValue("$prev", previousHash);
        command.Parameters.AddWithValue("$hash", hash);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ApplyAsync(KmsChange change, CancellationToken cancellationToken)
    {
        using var command = _writer.CreateCommand();
        switch (change)
        {
            case InsertKey(var key):
                await RequireCustomKeyStoreAsync(key, cancellationToken).ConfigureAwait(false);
                command.CommandText = "INSERT INTO kms_keys (lane, tenant, key_id, revision, due_ms, record) VALUES ($lane, $tenant, $key, $revision, $due, $record)";
                BindKey(command, key);
                break;
            case UpdateKey(var key):
                command.CommandText = "UPDATE kms_keys SET revision = $revision, due_ms = $due, record = $record WHERE lane = $lane AND revision = $previous";
                BindKey(command, key);
                command.Parameters.AddWithValue("$previous", key.Revision - 1);
                break;
            case DeleteKey(var tenant, var keyId):
                command.CommandText = """
                    DELETE FROM kms_key_versions WHERE lane = $lane; DELETE FROM kms_tags WHERE lane = $lane;
                    DELETE FROM kms_grants WHERE lane = $lane; DELETE FROM kms_aliases WHERE tenant = $tenant AND key_id = $key;
                    DELETE FROM kms_keys WHERE lane = $lane;
                    """;
                command.Parameters.AddWithValue("$lane", KeyLane.Compute(tenant, keyId));
                command.Parameters.AddWithValue("$tenant", tenant);
                command.Parameters.AddWithValue("$key", keyId);
                break;
            case InsertKeyVersion(var version):
                command.CommandText = """
                    INSERT INTO kms_key_versions (lane, version, created_ms, kek_version, wrapped, public_key, rotation_type)
                    VALUES ($lane, $version, $created, $kek, $wrapped, $public, $rotation)
                    """;
                command.Parameters.AddWithValue("$lane", KeyLane.Compute(version.Tenant, version.KeyId));
                command.Parameters.AddWithValue("$version", version.Version);
                command.Parameters.AddWithValue("$created", version.CreatedAt.ToUnixTimeMilliseconds());
                command.Parameters.AddWithValue("$kek", version.KekVersion);
                command.Parameters.AddWithValue("$wrapped", version.WrappedMaterial);
                command.Parameters.AddWithValue("$public", (object?)version.PublicKey ?? DBNull.Value);
                command.Parameters.AddWithValue("$rotation", (object?)version.RotationType ?? DBNull.Value);
                break;
            case InsertAlias(var alias):
                command.CommandText = "INSERT INTO kms_aliases (tenant, alias_name, key_id, created_ms, updated_ms) VALUES ($tenant, $name, $key, $created, $updated)";
                BindAlias(command, alias);
                break;
            case UpdateAlias(var alias):
                command.CommandText = "UPDATE kms_aliases SET key_id = $key, updated_ms = $updated WHERE tenant = $tenant AND alias_name = $name AND $created IS NOT NULL";
                BindAlias(command, alias);
                break;
            case DeleteAlias(var tenant, var aliasName):
                command.CommandText = "DELETE FROM kms_aliases WHERE tenant = $tenant AND alias_name = $name";
                command.Parameters.AddWithValue("$tenant", tenant);
                command.Parameters.AddWithValue("$name", aliasName);
                break;
            case ReplaceTags(var tenant, var keyId, var tags):
                var lane = KeyLane.Compute(tenant, keyId);
                command.CommandText = "DELETE FROM kms_tags WHERE lane = $lane";
                command.Parameters.AddWithValue("$lane", lane);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                foreach (var tag in tags)
                {
                    using var insert = _writer.CreateCommand();
                    insert.CommandText = "INSERT INTO kms_tags (lane, tag_key, tag_value) VALUES ($lane, $key, $value)";
                    insert.Parameters.AddWithValue("$lane", lane);
                    insert.Parameters.AddWithValue("$key", tag.TagKey);
                    insert.Parameters.AddWithValue("$value", tag.TagValue);
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return;
            case InsertGrant(var grant):
                command.CommandText = "INSERT INTO kms_grants (lane, grant_id, created_ms, record) VALUES ($lane, $grant, $created, $record)";
                command.Parameters.AddWithValue("$lane", KeyLane.Compute(grant.Tenant, grant.KeyId));
                command.Parameters.AddWithValue("$grant", grant.GrantId);
                command.Parameters.AddWithValue("$created", grant.CreatedAt.ToUnixTimeMilliseconds());
                command.Parameters.AddWithValue("$record", JsonSerializer.Serialize(grant, StoreJsonContext.Default.GrantRecord));
                break;
            case UpdateGrant(var grant):
                command.CommandText = "UPDATE kms_grants SET record = $record WHERE lane = $lane AND grant_id = $grant AND coalesce(json_extract(record, '$.Revision'), 0) = $previous";
                command.Parameters.AddWithValue("$previous", grant.Revision - 1);
                command.Parameters.AddWithValue("$lane", KeyLane.Compute(grant.Tenant, grant.KeyId));
                command.Parameters.AddWithValue("$grant", grant.GrantId);
                command.Parameters.AddWithValue("$record", JsonSerializer.Serialize(grant, StoreJsonContext.Default.GrantRecord));
                break;
            case DeleteGrant(var tenant, var keyId, var grantId):
                command.CommandText = "DELETE FROM kms_grants WHERE lane = $lane AND grant_id = $grant";
                command.Parameters.AddWithValue("$lane", KeyLane.Compute(tenant, keyId));
                command.Parameters.AddWithValue("$grant", grantId);
                break;
            case InsertTenantKek(var kek):
                command.CommandText = "INSERT INTO kms_tenant_keks (tenant, version, wrapped, created_ms) VALUES ($tenant, $version, $wrapped, $created)";
                command.Parameters.AddWithValue("$tenant", kek.Tenant);
                command.Parameters.AddWithValue("$version", kek.Version);
                command.Parameters.AddWithValue("$wrapped", kek.WrappedKek);
                command.Parameters.AddWithValue("$created", kek.CreatedAt.ToUnixTimeMilliseconds());
                break;
            case InsertCustomKeyStore(var store):
                command.CommandText = "INSERT INTO kms_custom_key_stores (tenant, store_id, name, revision, record) VALUES ($tenant, $id, $name, $revision, $record)";
                BindCustomKeyStore(command, store);
                break;
            case UpdateCustomKeyStore(var store):
                command.CommandText = "UPDATE kms_custom_key_stores SET name = $name, revision = $revision, record = $record WHERE tenant = $tenant AND store_id = $id AND revision = $previous";
                BindCustomKeyStore(command, store);
                command.Parameters.AddWithValue("$previous", store.Revision - 1);
                break;
            case DeleteCustomKeyStore(var tenant, var storeId):
                command.CommandText = "DELETE FROM kms_custom_key_stores WHERE tenant = $tenant AND store_id = $id AND NOT EXISTS (SELECT 1 FROM kms_keys WHERE tenant = $tenant AND json_extract(record, '$.CustomKeyStoreId') = $id)";
                command.Parameters.AddWithValue("$tenant", tenant);
                command.Parameters.AddWithValue("$id", storeId);
                break;
            case InsertAuditCheckpoint(var checkpoint):
                // Only a checkpoint of a record that is in the log, with that record's hash.
                command.CommandText = """
                    INSERT INTO kms_audit_checkpoints (seq, hash, time_ms, wallet_id, public_key, signature)
                    SELECT $seq, $hash, $time, $wallet, $key, $signature WHERE EXISTS (SELECT 1 FROM kms_audit WHERE seq = $seq AND hash = $hash)
                    """;
                command.Parameters.AddWithValue("$seq", checkpoint.Sequence);
                command.Parameters.AddWithValue("$hash", checkpoint.Hash);
                command.Parameters.AddWithValue("$time", checkpoint.Time.ToUnixTimeMilliseconds());
                command.Parameters.AddWithValue("$wallet", checkpoint.WalletId);
                command.Parameters.AddWithValue("$key", checkpoint.PublicKey);
                command.Parameters.AddWithValue("$signature", checkpoint.Signature);
                break;
            default:
                throw new UnreachableException($"Unknown change {change.GetType().Name}.");
        }

        int affected;
        try
        {
            affected = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
        {
            throw KmsChangeConflict.For(change);
        }

        if (affected == 0)
        {
            throw KmsChangeConflict.For(change);
        }
    }

    /// <summary>Inside the writer's transaction: a key of a custom key store is inserted only while the store exists and is connected.</summary>
    private async Task RequireCustomKeyStoreAsync(KeyRecord key, CancellationToken cancellationToken)
    {
        if (key.CustomKeyStoreId is null)
        {
            return;
        }

        using var command = _writer.CreateCommand();
        command.CommandText = "SELECT record FROM kms_custom_key_stores WHERE tenant = $tenant AND store_id = $id";
        command.Parameters.AddWithValue("$tenant", key.Tenant);
        command.Parameters.AddWithValue("$id", key.CustomKeyStoreId);
        var json = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        CustomKeyStoreGuard.Check(key, json is null ? null : JsonSerializer.Deserialize(json, StoreJsonContext.Default.CustomKeyStoreRecord));
    }

    private static void BindKey(SqliteCommand command, KeyRecord key)
    {
        command.Parameters.AddWithValue("$lane", KeyLane.Compute(key.Tenant, key.KeyId));
        command.Parameters.AddWithValue("$tenant", key.Tenant);
        command.Parameters.AddWithValue("$key", key.KeyId);
        command.Parameters.AddWithValue("$revision", key.Revision);
        command.Parameters.AddWithValue("$due", (object?)KeyDue.DueDate(key)?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        command.Parameters.AddWithValue("$record", JsonSerializer.Serialize(key, StoreJsonContext.Default.KeyRecord));
    }

    private static void BindCustomKeyStore(SqliteCommand command, CustomKeyStoreRecord store)
    {
        command.Parameters.AddWithValue("$tenant", store.Tenant);
        command.Parameters.AddWithValue("$id", store.CustomKeyStoreId);
        command.Parameters.AddWithValue("$name", store.Name);
        command.Parameters.AddWithValue("$revision", store.Revision);
        command.Parameters.AddWithValue("$record", JsonSerializer.Serialize(store, StoreJsonContext.Default.CustomKeyStoreRecord));
    }

    private static void BindAlias(SqliteCommand command, AliasRecord alias)
    {
        command.Parameters.AddWithValue("$tenant", alias.Tenant);
        command.Parameters.AddWithValue("$name", alias.AliasName);
        command.Parameters.AddWithValue("$key", alias.KeyId);
        command.Parameters.AddWithValue("$created", alias.CreatedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$updated", alias.UpdatedAt.ToUnixTimeMilliseconds());
    }
}

using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using Conclave.Kms.Audit;
using Conclave.Kms.Keys;
using Conclave.Kms.Storage.Internal;
using Npgsql;
using NpgsqlTypes;

namespace Conclave.Kms.Storage.Postgres;

/// <summary>
/// The production KMS store: one PostgreSQL database shared by any number of stateless server
/// processes. Semantics are those of <see cref="Sqlite.SqliteKmsStore"/>: a request's changes and its
/// audit record are one transaction. Within a process, writes go through group commit
/// (<see cref="CommitBatcher"/>, one transaction per batch, a savepoint per commit). Across
/// processes, the audit chain is serialized by the one-row <c>kms_audit_head</c> table: every batch
/// locks it (<c>SELECT ... FOR UPDATE</c>) before anything else and reads the head there, never from
/// memory, so two processes can never append the same sequence number or fork the chain.
/// Key rows are keyed by their <see cref="KeyLane"/>; text columns that are ordered on use the
/// <c>"C"</c> collation so order is ordinal whatever the database locale.
/// </summary>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class PostgresKmsStore : DbKmsStore, IKmsStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS kms_keys (
            lane bytea PRIMARY KEY, tenant text COLLATE "C" NOT NULL, key_id text COLLATE "C" NOT NULL, revision bigint NOT NULL,
            due_ms bigint, record text NOT NULL, UNIQUE (tenant, key_id));
        CREATE INDEX IF NOT EXISTS kms_keys_due ON kms_keys (due_ms) WHERE due_ms IS NOT NULL;
        CREATE TABLE IF NOT EXISTS kms_key_versions (
            lane bytea NOT NULL, version integer NOT NULL, created_ms bigint NOT NULL, kek_version integer NOT NULL,
            wrapped bytea NOT NULL, public_key bytea, rotation_type text, PRIMARY KEY (lane, version));
        CREATE TABLE IF NOT EXISTS kms_aliases (
            tenant text COLLATE "C" NOT NULL, alias_name text COLLATE "C" NOT NULL, key_id text COLLATE "C" NOT NULL,
            created_ms bigint NOT NULL, updated_ms bigint NOT NULL, PRIMARY KEY (tenant, alias_name));
        CREATE TABLE IF NOT EXISTS kms_tags (
            lane bytea NOT NULL, tag_key text COLLATE "C" NOT NULL, tag_value text NOT NULL, PRIMARY KEY (lane, tag_key));
        CREATE TABLE IF NOT EXISTS kms_grants (
            lane bytea NOT NULL, grant_id text COLLATE "C" NOT NULL, created_ms bigint NOT NULL, record text NOT NULL,
            PRIMARY KEY (lane, grant_id));
        CREATE TABLE IF NOT EXISTS kms_tenant_keks (
            tenant text COLLATE "C" NOT NULL, version integer NOT NULL, wrapped bytea NOT NULL, created_ms bigint NOT NULL,
            PRIMARY KEY (tenant, version));
        CREATE TABLE IF NOT EXISTS kms_custom_key_stores (
            tenant text COLLATE "C" NOT NULL, store_id text COLLATE "C" NOT NULL, name text COLLATE "C" NOT NULL,
            revision bigint NOT NULL, record text NOT NULL, PRIMARY KEY (tenant, store_id), UNIQUE (tenant, name));
        CREATE TABLE IF NOT EXISTS kms_audit (
            seq bigint PRIMARY KEY, time_ms bigint NOT NULL, principal text NOT NULL, tenant text NOT NULL,
            action text NOT NULL, key_id text, key_version integer, request_id text NOT NULL, outcome text NOT NULL,
            request_digest bytea NOT NULL, prev_hash bytea NOT NULL, hash bytea NOT NULL);
        CREATE TABLE IF NOT EXISTS kms_audit_checkpoints (
            seq bigint PRIMARY KEY, hash bytea NOT NULL, time_ms bigint NOT NULL, wallet_id text NOT NULL,
            public_key bytea NOT NULL, signature bytea NOT NULL);
        CREATE TABLE IF NOT EXISTS kms_audit_head (
            id integer PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL, hash bytea NOT NULL);
        INSERT INTO kms_audit_head (id, seq, hash) VALUES (1, 0, @genesis) ON CONFLICT (id) DO NOTHING;
        """;

    // Any constant works: it only keeps two processes from creating the schema at the same time
    // (concurrent CREATE TABLE IF NOT EXISTS can still fail on the catalog's unique index).
    private const long SchemaLockId = 0x636F6E636C617665; // "conclave"

    private readonly NpgsqlDataSource _dataSource;
    private readonly CommitBatcher _batcher;
    private readonly string _description;

    private PostgresKmsStore(NpgsqlDataSource dataSource, string description)
        : base(parameterPrefix: "")
    {
        _dataSource = dataSource;
        _description = description;
        _batcher = new CommitBatcher(ApplyBatchAsync);
    }

    /// <summary>Test hook: runs inside the batch transaction after the changes of each commit, before its audit append.</summary>
    internal Action<IReadOnlyList<KmsChange>>? FailurePointForTests { get; set; }

    private protected override string RetirableGrantsSql => """
        SELECT g.record FROM kms_grants g JOIN kms_keys k ON k.lane = g.lane
        WHERE k.tenant = @tenant AND g.record::jsonb ->> 'RetiringPrincipal' = @retiring AND g.grant_id > @after
        ORDER BY g.grant_id LIMIT @limit
        """;

    private protected override string CountKeysInCustomKeyStoreSql =>
        "SELECT count(*)::integer FROM kms_keys WHERE tenant = @tenant AND (record::jsonb ->> 'CustomKeyStoreId') = @id";

    /// <summary>Opens the store in the database <paramref name="connectionString"/> names, creating its tables if absent.</summary>
    public static async Task<PostgresKmsStore> OpenAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var description = $"PostgresKmsStore({builder.Host}:{builder.Port}/{builder.Database})";
        var dataSource = NpgsqlDataSource.Create(builder);
        try
        {
            var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@id)", connection, transaction))
                    {
                        command.Parameters.AddWithValue("id", SchemaLockId);
                        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    using (var command = new NpgsqlCommand(Schema, connection, transaction))
                    {
                        command.Parameters.AddWithValue("genesis", AuditChain.GenesisHash());
                        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            return new PostgresKmsStore(dataSource, description);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<KeyRecord>> ListKeysDueAsync(DateTimeOffset now, KeyRecord? after, int limit, CancellationToken cancellationToken = default) =>
        QueryAsync(
            """
            SELECT record FROM kms_keys
            WHERE due_ms IS NOT NULL AND due_ms <= @now AND (due_ms, lane) > (@afterDue, @afterLane)
            ORDER BY due_ms, lane LIMIT @limit
            """,
            c =>
            {
                var (afterDue, afterLane) = KeyDue.Cursor(after);
                c.Parameters.AddWithValue("now", now.ToUnixTimeMilliseconds());
                c.Parameters.AddWithValue("afterDue", afterDue);
                c.Parameters.AddWithValue("afterLane", afterLane);
                c.Parameters.AddWithValue("limit", (long)limit);
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

    /// <summary>Finishes queued commits and closes the connection pool.</summary>
    public async ValueTask DisposeAsync()
    {
        await _batcher.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Host, port and database; never credentials.</summary>
    public override string ToString() => _description;

    private protected override async ValueTask<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    private ValueTask<IReadOnlyList<T>> QueryAsync<T>(string sql, Action<NpgsqlCommand> bind, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken) =>
        QueryAsync<NpgsqlCommand, NpgsqlDataReader, T>(sql, bind, read, cancellationToken);

    private async Task ApplyBatchAsync(IReadOnlyList<PendingCommit> batch, CancellationToken cancellationToken)
    {
        var outcomes = new (long Sequence, Exception? Error)[batch.Count];
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // The head row lock serializes appends across every process sharing the database;
                // it is taken first, so batches never wait on each other's row locks in another order.
                long head;
                byte[] headHash;
                using (var command = new NpgsqlCommand("SELECT seq, hash FROM kms_audit_head WHERE id = 1 FOR UPDATE", connection, transaction))
                {
                    var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            throw new InvalidOperationException("The audit head row is missing from kms_audit_head.");
                        }

                        head = reader.GetInt64(0);
                        headHash = reader.GetFieldValue<byte[]>(1);
                    }
                }

                var startHead = head;
                for (var i = 0; i < batch.Count; i++)
                {
                    var pending = batch[i];
                    await transaction.SaveAsync("kms_commit", cancellationToken).ConfigureAwait(false);
                    try
                    {
                        foreach (var change in pending.Changes)
                        {
                            await ApplyAsync(connection, transaction, change, cancellationToken).ConfigureAwait(false);
                        }

                        FailurePointForTests?.Invoke(pending.Changes);
                        var sequence = head + 1;
                        var hash = AuditChain.ComputeHash(sequence, headHash, pending.Audit);
                        await AppendAuditAsync(connection, transaction, sequence, headHash, hash, pending.Audit, cancellationToken).ConfigureAwait(false);
                        await transaction.ReleaseAsync("kms_commit", cancellationToken).ConfigureAwait(false);
                        head = sequence;
                        headHash = hash;
                        outcomes[i] = (sequence, null);
                    }
#pragma warning disable CA1031 // one commit's failure is reported to its caller; the others in the batch go on
                    catch (Exception e)
#pragma warning restore CA1031
                    {
                        await transaction.RollbackAsync("kms_commit", cancellationToken).ConfigureAwait(false);
                        await transaction.ReleaseAsync("kms_commit", cancellationToken).ConfigureAwait(false);
                        outcomes[i] = (0, e);
                    }
                }

                if (head != startHead)
                {
                    using var command = new NpgsqlCommand("UPDATE kms_audit_head SET seq = @seq, hash = @hash WHERE id = 1", connection, transaction);
                    command.Parameters.AddWithValue("seq", head);
                    command.Parameters.AddWithValue("hash", headHash);
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

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

    private static async Task AppendAuditAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long sequence, byte[] previousHash, byte[] hash, AuditEntry entry, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(
            """
            INSERT INTO kms_audit (seq, time_ms, principal, tenant, action, key_id, key_version, request_id, outcome, request_digest, prev_hash, hash)
            VALUES (@seq, @time, @principal, @tenant, @action, @key, @version, @request, @outcome, @digest, @prev, @hash)
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("seq", sequence);
        command.Parameters.AddWithValue("time", entry.Time.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("principal", entry.Principal);
        command.Parameters.AddWithValue("tenant", entry.Tenant);
        command.Parameters.AddWithValue("action", entry.Action);
        command.Parameters.Add(NullableParameter("key", NpgsqlDbType.Text, entry.KeyId));
        command.Parameters.Add(NullableParameter("version", NpgsqlDbType.Integer, entry.KeyVersion));
        command.Parameters.AddWithValue("request", entry.RequestId);
        command.Parameters.AddWithValue("outcome", entry.Outcome);
        command.Parameters.AddWithValue("digest", entry.RequestDigest);
        command.Parameters.AddWithValue("prev", previousHash);
        command.Parameters.AddWithValue("hash", hash);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, KmsChange change, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand { Connection = connection, Transaction = transaction };
        switch (change)
        {
            case InsertKey(var key):
                await RequireCustomKeyStoreAsync(connection, transaction, key, cancellationToken).ConfigureAwait(false);
                command.CommandText = "INSERT INTO kms_keys (lane, tenant, key_id, revision, due_ms, record) VALUES (@lane, @tenant, @key, @revision, @due, @record)";
                BindKey(command, key);
                break;
            case UpdateKey(var key):
                command.CommandText = "UPDATE kms_keys SET revision = @revision, due_ms = @due, record = @record WHERE lane = @lane AND revision = @previous";
                BindKey(command, key);
                command.Parameters.AddWithValue("previous", key.Revision - 1);
                break;
            case DeleteKey(var tenant, var keyId):
                // Several statements: Npgsql reports the rows affected by all of them, as SQLite does.
                command.CommandText = """
                    DELETE FROM kms_key_versions WHERE lane = @lane; DELETE FROM kms_tags WHERE lane = @lane;
                    DELETE FROM kms_grants WHERE lane = @lane; DELETE FROM kms_aliases WHERE tenant = @tenant AND key_id = @key;
                    DELETE FROM kms_keys WHERE lane = @lane;
                    """;
                command.Parameters.AddWithValue("lane", KeyLane.Compute(tenant, keyId));
                command.Parameters.AddWithValue("tenant", tenant);
                command.Parameters.AddWithValue("key", keyId);
                break;
            case InsertKeyVersion(var version):
                command.CommandText = """
                    INSERT INTO kms_key_versions (lane, version, created_ms, kek_version, wrapped, public_key, rotation_type)
                    VALUES (@lane, @version, @created, @kek, @wrapped, @public, @rotation)
                    """;
                command.Parameters.AddWithValue("lane", KeyLane.Compute(version.Tenant, version.KeyId));
                command.Parameters.AddWithValue("version", version.Version);
                command.Parameters.AddWithValue("created", version.CreatedAt.ToUnixTimeMilliseconds());
                command.Parameters.AddWithValue("kek", version.KekVersion);
                command.Parameters.AddWithValue("wrapped", version.WrappedMaterial);
                command.Parameters.Add(NullableParameter("public", NpgsqlDbType.Bytea, version.PublicKey));
                command.Parameters.Add(NullableParameter("rotation", NpgsqlDbType.Text, version.RotationType));
                break;
            case InsertAlias(var alias):
                command.CommandText = "INSERT INTO kms_aliases (tenant, alias_name, key_id, created_ms, updated_ms) VALUES (@tenant, @name, @key, @created, @updated)";
                BindAlias(command, alias);
                command.Parameters.AddWithValue("created", alias.CreatedAt.ToUnixTimeMilliseconds());
                break;
            case UpdateAlias(var alias):
                command.CommandText = "UPDATE kms_aliases SET key_id = @key, updated_ms = @updated WHERE tenant = @tenant AND alias_name = @name";
                BindAlias(command, alias);
                break;
            case DeleteAlias(var tenant, var aliasName):
                command.CommandText = "DELETE FROM kms_aliases WHERE tenant = @tenant AND alias_name = @name";
                command.Parameters.AddWithValue("tenant", tenant);
                command.Parameters.AddWithValue("name", aliasName);
                break;
            case ReplaceTags(var tenant, var keyId, var tags):
                var lane = KeyLane.Compute(tenant, keyId);
                command.CommandText = "DELETE FROM kms_tags WHERE lane = @lane";
                command.Parameters.AddWithValue("lane", lane);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                foreach (var tag in tags)
                {
                    using var insert = new NpgsqlCommand("INSERT INTO kms_tags (lane, tag_key, tag_value) VALUES (@lane, @key, @value)", connection, transaction);
                    insert.Parameters.AddWithValue("lane", lane);
                    insert.Parameters.AddWithValue("key", tag.TagKey);
                    insert.Parameters.AddWithValue("value", tag.TagValue);
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return;
            case InsertGrant(var grant):
                command.CommandText = "INSERT INTO kms_grants (lane, grant_id, created_ms, record) VALUES (@lane, @grant, @created, @record)";
                command.Parameters.AddWithValue("lane", KeyLane.Compute(grant.Tenant, grant.KeyId));
                command.Parameters.AddWithValue("grant", grant.GrantId);
                command.Parameters.AddWithValue("created", grant.CreatedAt.ToUnixTimeMilliseconds());
                command.Parameters.AddWithValue("record", JsonSerializer.Serialize(grant, StoreJsonContext.Default.GrantRecord));
                break;
            case UpdateGrant(var grant):
                command.CommandText = "UPDATE kms_grants SET record = @record WHERE lane = @lane AND grant_id = @grant AND coalesce((record::jsonb ->> 'Revision')::bigint, 0) = @previous";
                command.Parameters.AddWithValue("previous", grant.Revision - 1);
                command.Parameters.AddWithValue("lane", KeyLane.Compute(grant.Tenant, grant.KeyId));
                command.Parameters.AddWithValue("grant", grant.GrantId);
                command.Parameters.AddWithValue("record", JsonSerializer.Serialize(grant, StoreJsonContext.Default.GrantRecord));
                break;
            case DeleteGrant(var tenant, var keyId, var grantId):
                command.CommandText = "DELETE FROM kms_grants WHERE lane = @lane AND grant_id = @grant";
                command.Parameters.AddWithValue("lane", KeyLane.Compute(tenant, keyId));
                command.Parameters.AddWithValue("grant", grantId);
                break;
            case InsertTenantKek(var kek):
                command.CommandText = "INSERT INTO kms_tenant_keks (tenant, version, wrapped, created_ms) VALUES (@tenant, @version, @wrapped, @created)";
                command.Parameters.AddWithValue("tenant", kek.Tenant);
                command.Parameters.AddWithValue("version", kek.Version);
                command.Parameters.AddWithValue("wrapped", kek.WrappedKek);
                command.Parameters.AddWithValue("created", kek.CreatedAt.ToUnixTimeMilliseconds());
                break;
            case InsertCustomKeyStore(var store):
                command.CommandText = "INSERT INTO kms_custom_key_stores (tenant, store_id, name, revision, record) VALUES (@tenant, @id, @name, @revision, @record)";
                BindCustomKeyStore(command, store);
                break;
            case UpdateCustomKeyStore(var store):
                command.CommandText = "UPDATE kms_custom_key_stores SET name = @name, revision = @revision, record = @record WHERE tenant = @tenant AND store_id = @id AND revision = @previous";
                BindCustomKeyStore(command, store);
                command.Parameters.AddWithValue("previous", store.Revision - 1);
                break;
            case DeleteCustomKeyStore(var tenant, var storeId):
                command.CommandText = "DELETE FROM kms_custom_key_stores WHERE tenant = @tenant AND store_id = @id AND NOT EXISTS (SELECT 1 FROM kms_keys WHERE tenant = @tenant AND (record::jsonb ->> 'CustomKeyStoreId') = @id)";
                command.Parameters.AddWithValue("tenant", tenant);
                command.Parameters.AddWithValue("id", storeId);
                break;
            case InsertAuditCheckpoint(var checkpoint):
                // Only a checkpoint of a record that is in the log, with that record's hash.
                command.CommandText = """
                    INSERT INTO kms_audit_checkpoints (seq, hash, time_ms, wallet_id, public_key, signature)
                    SELECT @seq, @hash, @time, @wallet, @key, @signature WHERE EXISTS (SELECT 1 FROM kms_audit WHERE seq = @seq AND hash = @hash)
                    """;
                command.Parameters.AddWithValue("seq", checkpoint.Sequence);
                command.Parameters.AddWithValue("hash", checkpoint.Hash);
                command.Parameters.AddWithValue("time", checkpoint.Time.ToUnixTimeMilliseconds());
                command.Parameters.AddWithValue("wallet", checkpoint.WalletId);
                command.Parameters.AddWithValue("key", checkpoint.PublicKey);
                command.Parameters.AddWithValue("signature", checkpoint.Signature);
                break;
            default:
                throw new UnreachableException($"Unknown change {change.GetType().Name}.");
        }

        int affected;
        try
        {
            affected = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw KmsChangeConflict.For(change);
        }

        if (affected == 0)
        {
            throw KmsChangeConflict.For(change);
        }
    }

    /// <summary>
    /// Inside the batch's transaction: a key of a custom key store is inserted only while the store
    /// exists and is connected. Every batch holds the audit head row lock, so this statement sees every
    /// commit (of any process) that came before it, and none can come between it and the insert.
    /// </summary>
    private static async Task RequireCustomKeyStoreAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, KeyRecord key, CancellationToken cancellationToken)
    {
        if (key.CustomKeyStoreId is null)
        {
            return;
        }

        using var command = new NpgsqlCommand("SELECT record FROM kms_custom_key_stores WHERE tenant = @tenant AND store_id = @id", connection, transaction);
        command.Parameters.AddWithValue("tenant", key.Tenant);
        command.Parameters.AddWithValue("id", key.CustomKeyStoreId);
        var json = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        CustomKeyStoreGuard.Check(key, json is null ? null : JsonSerializer.Deserialize(json, StoreJsonContext.Default.CustomKeyStoreRecord));
    }

    private static void BindKey(NpgsqlCommand command, KeyRecord key)
    {
        command.Parameters.AddWithValue("lane", KeyLane.Compute(key.Tenant, key.KeyId));
        command.Parameters.AddWithValue("tenant", key.Tenant);
        command.Parameters.AddWithValue("key", key.KeyId);
        command.Parameters.AddWithValue("revision", key.Revision);
        command.Parameters.Add(NullableParameter("due", NpgsqlDbType.Bigint, KeyDue.DueDate(key)?.ToUnixTimeMilliseconds()));
        command.Parameters.AddWithValue("record", JsonSerializer.Serialize(key, StoreJsonContext.Default.KeyRecord));
    }

    private static NpgsqlParameter NullableParameter(string name, NpgsqlDbType type, object? value) =>
        new(name, type) { Value = value ?? DBNull.Value };

    private static void BindCustomKeyStore(NpgsqlCommand command, CustomKeyStoreRecord store)
    {
        command.Parameters.AddWithValue("tenant", store.Tenant);
        command.Parameters.AddWithValue("id", store.CustomKeyStoreId);
        command.Parameters.AddWithValue("name", store.Name);
        command.Parameters.AddWithValue("revision", store.Revision);
        command.Parameters.AddWithValue("record", JsonSerializer.Serialize(store, StoreJsonContext.Default.CustomKeyStoreRecord));
    }

    private static void BindAlias(NpgsqlCommand command, AliasRecord alias)
    {
        command.Parameters.AddWithValue("tenant", alias.Tenant);
        command.Parameters.AddWithValue("name", alias.AliasName);
        command.Parameters.AddWithValue("key", alias.KeyId);
        command.Parameters.AddWithValue("updated", alias.UpdatedAt.ToUnixTimeMilliseconds());
    }
}

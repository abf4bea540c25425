using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Conclave.Kms.Audit;
using Conclave.Kms.Keys;
using Conclave.Kms.Storage.Internal;

namespace Conclave.Kms.Storage;

/// <summary>
/// The reads that <see cref="Sqlite.SqliteKmsStore"/> and <see cref="Postgres.PostgresKmsStore"/>
/// share, written once against <c>System.Data.Common</c>. A subclass supplies its read connections,
/// the two queries that need its dialect's JSON operators, and everything that writes. It is public
/// only because the stores are; it cannot be derived from outside this assembly.
/// </summary>
public abstract class DbKmsStore
{
    private const string VersionColumns = "SELECT version, created_ms, kek_version, wrapped, public_key, rotation_type FROM kms_key_versions";
    private const string AliasColumns = "SELECT alias_name, key_id, created_ms, updated_ms FROM kms_aliases";

    private readonly ParameterNames _p;

    /// <param name="parameterPrefix">
    /// What the provider wants in front of a parameter's name (the SQL always writes <c>@name</c>):
    /// <c>"@"</c> for SQLite, which finds a bare name only by trying each prefix in turn, and
    /// <c>""</c> for Npgsql, which copies a prefixed name without its prefix on every parameter.
    /// </param>
    private protected DbKmsStore(string parameterPrefix) => _p = new ParameterNames(parameterPrefix);

    /// <summary>
    /// The dialect's <c>SELECT g.record</c> over <c>kms_grants g JOIN kms_keys k</c> filtered on
    /// <c>@tenant</c>, the JSON field <c>RetiringPrincipal</c> = <c>@retiring</c> and <c>g.grant_id &gt; @after</c>,
    /// ordered by grant id, <c>LIMIT @limit</c>.
    /// </summary>
    private protected abstract string RetirableGrantsSql { get; }

    /// <summary>The dialect's <c>count(*)</c> (as a 32-bit integer) of <c>kms_keys</c> of <c>@tenant</c> whose JSON field <c>CustomKeyStoreId</c> = <c>@id</c>.</summary>
    private protected abstract string CountKeysInCustomKeyStoreSql { get; }

    /// <inheritdoc cref="IKmsStore.GetKeyAsync"/>
    public ValueTask<KeyRecord?> GetKeyAsync(string tenant, string keyId, CancellationToken cancellationToken = default) =>
        QueryFirstAsync(
            "SELECT record FROM kms_keys WHERE lane = @lane",
            c => c.Parameters.Add(Parameter(c, _p.Lane, KeyLane.Compute(tenant, keyId))),
            r => ReadKey(r.GetString(0)),
            cancellationToken);

    /// <inheritdoc cref="IKmsStore.ListKeysAsync"/>
    public ValueTask<IReadOnlyList<KeyRecord>> ListKeysAsync(string tenant, string? afterKeyId, int limit, CancellationToken cancellationToken = default) =>
        QueryAsync(
            "SELECT record FROM kms_keys WHERE tenant = @tenant AND key_id > @after ORDER BY key_id LIMIT @limit",
            c =>
            {
                c.Parameters.Add(Parameter(c, _p.Tenant, tenant));
                c.Parameters.Add(Parameter(c, _p.After, afterKeyId ?? ""));
                c.Parameters.Add(Parameter(c, _p.Limit, (long)limit));
            },
            r => ReadKey(r.GetString(0)),
            cancellationToken);

    /// <inheritdoc cref="IKmsStore.GetKeyVersionAsync"/>
    public ValueTask<KeyVersionRecord?> GetKeyVersionAsync(string tenant, string keyId, int version, CancellationToken cancellationToken = default) =>
        QueryFirstAsync(
            VersionColumns + " WHERE lane = @lane AND version = @version",
            c =>
            {
                c.Parameters.Add(Parameter(c, _p.Lane, KeyLane.Compute(tenant, keyId)));
                c.Parameters.Add(Parameter(c, _p.Version, version));
            },
            r => ReadVersion(tenant, keyId, r),
            cancellationToken);

    /// <inheritdoc cref="IKmsStore.ListKeyVersionsAsync"/>
    public ValueTask<IReadOnlyList<KeyVersionRecord>> ListKeyVersionsAsync(string tenant, string keyId, CancellationToken cancellationToken = default) =>
        QueryAsync(
            VersionColumns + " WHERE lane = @lane ORDER BY version",
            c => c.Parameters.Add(Parameter(c, _p.Lane, KeyLane.Compute(tenant, keyId))),
            r => ReadVersion(tenant, keyId, r),
            cancellationToken);

    /// <inheritdoc cref="IKmsStore.GetAliasAsync"/>
    public ValueTask<AliasRecord?> GetAliasAsync(string tenant, string aliasName, CancellationToken cancellationToken = default) =>
        QueryFirstAsync(
            AliasColumns + " WHERE tenant = @tenant AND alias_name = @name",
            c =>
            {
                c.Parameters.Add(Parameter(c, _p.Tenant, tenant));
                c.Parameters.Add(Parameter(c, _p.Name, aliasName));
            },
            r => ReadAlias(tenant, r),
            cancellationToken);

    /// <inheritdoc cref="IKmsStore.ListAliasesAsync"/>
    public ValueTask<IReadOnlyList<AliasRecord>> ListAliasesAsync(string tenant, string? keyId, CancellationToken cancellationToken = default) =>
        QueryAsync(
            keyId is null
                ? AliasColumns + " WHERE tenant = @tenant ORDER BY alias_name"
                : AliasColumns + " WHERE tenant = @tenant AND key_id = @key ORDER BY alias_name",
            c =>
            {
                c.Parameters.Add(Parameter(c, _p.Tenant, tenant));
                if (keyId is not null)
                {
                    c.Parameters.Add(Parameter(c, _p.Key, keyId));
                }
            },
            r => ReadAlias(tenant, r),
            cancellationToken);

    /// <inheritdoc cref="IKmsStore.GetTagsAsync"/>
    public ValueTask<IReadOnlyList<KeyTag>> GetTagsAsync(string tenant, string keyId, CancellationToken cancellationToken = default) =>
        QueryAsync(
            "SELECT tag_key, tag_value FROM kms_tags WHERE lane = @lane ORDER BY tag_key",
            c => c.Parameters.Add(Parameter(c, _p.Lane, KeyLane.Compute(tenant, keyId))),
            r => new KeyTag(r.GetString(0), r.GetString(1)),
            cancellationToken);

    /// <inheritdoc cref="IKmsStore.ListGrantsAsync"/>
    public ValueTask<IReadOnlyList<GrantRecord>> ListGrantsAsync(string tenant, string keyId, CancellationToken cancellationToken = default) =>
        QueryAsync(
            "SELECT record FROM kms_grants WHERE lane = @lane ORDER BY created_ms, grant_id",
            c => c.Parameters.Add(Parameter(c, _p.Lane, KeyLane.Compute(tenant, keyId))),
            r => ReadGrant(r.GetString(0)),
            cancellationToken);

    /// <inheritdoc cref="IKmsStore.ListRetirableGrantsAsync"/>
    public ValueTask<IReadOnlyList<GrantRecord>> ListRetirableGrantsAsync(string tenant, string retiringPrincipal, string? afterGrantId, int limit, CancellationToken cancellationToken = default) =>
        QueryAsync(
            RetirableGrantsSql,
            c =>
            {
                c.Parameters.Add(Parameter(c, _p.Tenant, tenant));
                c.Parameters.Add(Parameter(c, _p.Retiring, retiringPrincipal));
                c.Parameters.Add(Parameter(c, _p.After, afterGrantId ?? ""));
                c.Parameters.Add(Parameter(c, _p.Limit, (long)limit));
            },
            r => ReadGrant(r.GetString(0)),
            cancellationToken);

    /// <inheritdoc cref="IKmsStore.GetTenantKekAsync(string, CancellationToken)"/>
    public ValueTask<TenantKekRecord?> GetTenantKekAsync(string tenant, CancellationToken cancellationToken = default) =>
        QueryFirstAsync(
            "SELECT version, wrapped, created_ms FROM kms_tenant_keks WHERE tenant = @tenant ORDER BY version DESC LIMIT 1",
            c => c.Parameters.Add(Parameter(c, _p.Tenant, tenant)),
            r => ReadTenantKek(tenant, r),
            cancellationToken);

    /// <inheritdoc cref="IKmsStore.GetTenantKekAsync(string, int, CancellationToken)"/>
    public ValueTask<TenantKekRecord?> GetTenantKekAsync(string tenant, int version, CancellationToken cancellationToken = default) =>
        QueryFirstAsync(
            "SELECT version, wrapped, created_ms FROM kms_tenant_keks WHERE tenant = @tenant AND version = @version",
            c =>
            {
                c.Parameters.Add(Parameter(c, _p.Tenant, tenant));
                c.Parameters.Add(Parameter(c, _p.Version, version));
            },
            r => ReadTenantKek(tenant, r),
            cancellationToken);

    /// <inheritdoc cref="IKmsStore.GetCustomKeyStoreAsync"/>
    public ValueTask<CustomKeyStoreRecord?> GetCustomKeyStoreAsync(string tenant, string customKeyStoreId, CancellationToken cancellationToken = default) =>
        QueryFirstAsync(
            "SELECT record FROM kms_custom_key_stores WHERE tenant = @tenant AND store_id = @id",
            c =>
            {
                c.Parameters.Add(Parameter(c, _p.Tenant, tenant));
                c.Parameters.Add(Parameter(c, _p.Id, customKeyStoreId));
            },
            r => ReadCustomKeyStore(r.GetString(0)),
            cancellationToken);

    /// <inheritdoc cref="IKmsStore.ListCustomKeyStoresAsync"/>
    public ValueTask<IReadOnlyList<CustomKeyStoreRecord>> ListCustomKeyStoresAsync(string tenant, CancellationToken cancellationToken = default) =>
        QueryAsync(
            "SELECT record FROM kms_custom_key_stores WHERE tenant = @tenant ORDER BY store_id",
            c => c.Parameters.Add(Parameter(c, _p.Tenant, tenant)),
            r => ReadCustomKeyStore(r.GetString(0)),
            cancellationToken);

    /// <inheritdoc cref="IKmsStore.CountKeysInCustomKeyStoreAsync"/>
    public async ValueTask<int> CountKeysInCustomKeyStoreAsync(string tenant, string customKeyStoreId, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync(
            CountKeysInCustomKeyStoreSql,
            c =>
            {
                c.Parameters.Add(Parameter(c, _p.Tenant, tenant));
                c.Parameters.Add(Parameter(c, _p.Id, customKeyStoreId));
            },
            r => r.GetInt32(0),
            cancellationToken).ConfigureAwait(false);
        return rows[0];
    }

    /// <inheritdoc cref="IKmsStore.ReadAuditAsync"/>
    public async IAsyncEnumerable<AuditRecord> ReadAuditAsync(long fromSequence = 1, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var connection = await OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = AuditColumns + " WHERE seq >= @from ORDER BY seq";
            command.Parameters.Add(Parameter(command, _p.From, fromSequence));
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    yield return ReadAuditRecord(reader);
                }
            }
        }
    }

    /// <inheritdoc cref="IKmsStore.GetAuditHeadAsync"/>
    public ValueTask<AuditRecord?> GetAuditHeadAsync(CancellationToken cancellationToken = default) =>
        QueryFirstAsync(AuditColumns + " ORDER BY seq DESC LIMIT 1", _ => { }, ReadAuditRecord, cancellationToken);

    /// <inheritdoc cref="IKmsStore.ListAuditCheckpointsAsync"/>
    public ValueTask<IReadOnlyList<AuditCheckpoint>> ListAuditCheckpointsAsync(long fromSequence = 1, CancellationToken cancellationToken = default) =>
        QueryAsync(
            "SELECT seq, hash, time_ms, wallet_id, public_key, signature FROM kms_audit_checkpoints WHERE seq >= @from ORDER BY seq",
            c => c.Parameters.Add(Parameter(c, _p.From, fromSequence)),
            r => new AuditCheckpoint(r.GetInt64(0), r.GetFieldValue<byte[]>(1), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)), r.GetString(3), r.GetFieldValue<byte[]>(4), r.GetFieldValue<byte[]>(5)),
            cancellationToken);

    /// <summary>Opens a pooled connection for reading committed data; the caller disposes it.</summary>
    private protected abstract ValueTask<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="sql"/> on a read connection and maps every row. The command and reader
    /// reach <paramref name="bind"/> and <paramref name="read"/> as the provider's own types, so a
    /// subclass can keep provider-typed queries of its own.
    /// </summary>
    private protected async ValueTask<IReadOnlyList<T>> QueryAsync<TCommand, TReader, T>(string sql, Action<TCommand> bind, Func<TReader, T> read, CancellationToken cancellationToken)
        where TCommand : DbCommand
        where TReader : DbDataReader
    {
        var connection = await OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            bind((TCommand)command);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var typed = (TReader)reader;
                var rows = new List<T>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add(read(typed));
                }

                return rows;
            }
        }
    }

    private const string AuditColumns = "SELECT seq, time_ms, principal, tenant, action, key_id, key_version, request_id, outcome, request_digest, prev_hash, hash FROM kms_audit";

    private static AuditRecord ReadAuditRecord(DbDataReader reader)
    {
        var entry = new AuditEntry(
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            reader.IsDBNull(6) ? null : reader.GetInt32(6),
            reader.GetString(7),
            reader.GetString(8),
            reader.GetFieldValue<byte[]>(9));
        return new AuditRecord(reader.GetInt64(0), entry, reader.GetFieldValue<byte[]>(10), reader.GetFieldValue<byte[]>(11));
    }

    private protected static KeyRecord ReadKey(string json) => JsonSerializer.Deserialize(json, StoreJsonContext.Default.KeyRecord)!;

    private static GrantRecord ReadGrant(string json) => JsonSerializer.Deserialize(json, StoreJsonContext.Default.GrantRecord)!;

    private static CustomKeyStoreRecord ReadCustomKeyStore(string json) => JsonSerializer.Deserialize(json, StoreJsonContext.Default.CustomKeyStoreRecord)!;

    private static KeyVersionRecord ReadVersion(string tenant, string keyId, DbDataReader r) => new(
        tenant,
        keyId,
        r.GetInt32(0),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)),
        r.GetInt32(2),
        r.GetFieldValue<byte[]>(3),
        r.IsDBNull(4) ? null : r.GetFieldValue<byte[]>(4),
        r.IsDBNull(5) ? null : r.GetString(5));

    private static AliasRecord ReadAlias(string tenant, DbDataReader r) => new(
        tenant,
        r.GetString(0),
        r.GetString(1),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)));

    private static TenantKekRecord ReadTenantKek(string tenant, DbDataReader r) =>
        new(tenant, r.GetInt32(0), r.GetFieldValue<byte[]>(1), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)));

    private static DbParameter Parameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        return parameter;
    }

    private ValueTask<IReadOnlyList<T>> QueryAsync<T>(string sql, Action<DbCommand> bind, Func<DbDataReader, T> read, CancellationToken cancellationToken) =>
        QueryAsync<DbCommand, DbDataReader, T>(sql, bind, read, cancellationToken);

    /// <summary>Like <see cref="QueryAsync{T}"/> for a query of at most one row: that row, or null; no list is built.</summary>
    private async ValueTask<T?> QueryFirstAsync<T>(string sql, Action<DbCommand> bind, Func<DbDataReader, T> read, CancellationToken cancellationToken)
        where T : class
    {
        var connection = await OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            bind(command);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? read(reader) : null;
            }
        }
    }

    /// <summary>The parameter names the shared queries use, built once with the provider's prefix.</summary>
    private sealed class ParameterNames(string prefix)
    {
        public string After { get; } = prefix + "after";

        public string From { get; } = prefix + "from";

        public string Id { get; } = prefix + "id";

        public string Key { get; } = prefix + "key";

        public string Lane { get; } = prefix + "lane";

        public string Limit { get; } = prefix + "limit";

        public string Name { get; } = prefix + "name";

        public string Retiring { get; } = prefix + "retiring";

        public string Tenant { get; } = prefix + "tenant";

        public string Version { get; } = prefix + "version";
    }
}

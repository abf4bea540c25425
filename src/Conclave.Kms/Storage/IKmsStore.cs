using Conclave.Kms.Audit;
using Conclave.Kms.Keys;

namespace Conclave.Kms.Storage;

/// <summary>
/// The KMS repository: keys, versions, aliases, tags, grants, tenant key-encryption keys and the
/// audit log. Two implementations run the same test suite: SQLite (embedded default) and
/// PostgreSQL (production).
/// <para>
/// Every change goes through <see cref="CommitAsync"/>: the changes of one request and its audit
/// record are one transaction, so a request that is acknowledged is on disk with its audit record,
/// and a crash leaves either all of it or none. Reads see committed data only.
/// </para>
/// Everything is scoped by tenant: no method reads or writes across tenants unless it names the other tenant.
/// </summary>
public interface IKmsStore : IAsyncDisposable
{
    /// <summary>The key, or null.</summary>
    ValueTask<KeyRecord?> GetKeyAsync(string tenant, string keyId, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> keys of the tenant with key id greater than <paramref name="afterKeyId"/> (ordinal), in key id order.</summary>
    ValueTask<IReadOnlyList<KeyRecord>> ListKeysAsync(string tenant, string? afterKeyId, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Keys of any tenant pending deletion with a deletion date at or before <paramref name="now"/>, or
    /// with automatic rotation due by then: at most <paramref name="limit"/>, in (due date, key lane)
    /// order, starting after <paramref name="after"/> (the last key of the previous page, as this
    /// method returned it; null for the first page). Keyset paging: keys that a sweep cannot process
    /// (a disabled key whose rotation is due) do not hide the keys after them.
    /// </summary>
    ValueTask<IReadOnlyList<KeyRecord>> ListKeysDueAsync(DateTimeOffset now, KeyRecord? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>The key version, or null.</summary>
    ValueTask<KeyVersionRecord?> GetKeyVersionAsync(string tenant, string keyId, int version, CancellationToken cancellationToken = default);

    /// <summary>All versions of the key, oldest first.</summary>
    ValueTask<IReadOnlyList<KeyVersionRecord>> ListKeyVersionsAsync(string tenant, string keyId, CancellationToken cancellationToken = default);

    /// <summary>The alias (full name, <c>alias/...</c>), or null.</summary>
    ValueTask<AliasRecord?> GetAliasAsync(string tenant, string aliasName, CancellationToken cancellationToken = default);

    /// <summary>The tenant's aliases (of one key when <paramref name="keyId"/> is given), in alias name order.</summary>
    ValueTask<IReadOnlyList<AliasRecord>> ListAliasesAsync(string tenant, string? keyId, CancellationToken cancellationToken = default);

    /// <summary>The key's tags, in tag key order.</summary>
    ValueTask<IReadOnlyList<KeyTag>> GetTagsAsync(string tenant, string keyId, CancellationToken cancellationToken = default);

    /// <summary>The key's grants, in creation order.</summary>
    ValueTask<IReadOnlyList<GrantRecord>> ListGrantsAsync(string tenant, string keyId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> grants on any key of the tenant whose retiring principal is
    /// exactly <paramref name="retiringPrincipal"/>, with grant id greater than
    /// <paramref name="afterGrantId"/> (ordinal), in grant id order.
    /// </summary>
    ValueTask<IReadOnlyList<GrantRecord>> ListRetirableGrantsAsync(string tenant, string retiringPrincipal, string? afterGrantId, int limit, CancellationToken cancellationToken = default);

    /// <summary>The tenant's newest key-encryption key, or null if it has none yet.</summary>
    ValueTask<TenantKekRecord?> GetTenantKekAsync(string tenant, CancellationToken cancellationToken = default);

    /// <summary>The tenant's key-encryption key of <paramref name="version"/>, or null.</summary>
    ValueTask<TenantKekRecord?> GetTenantKekAsync(string tenant, int version, CancellationToken cancellationToken = default);

    /// <summary>The tenant's custom key store, or null.</summary>
    ValueTask<CustomKeyStoreRecord?> GetCustomKeyStoreAsync(string tenant, string customKeyStoreId, CancellationToken cancellationToken = default);

    /// <summary>The tenant's custom key stores, in id order.</summary>
    ValueTask<IReadOnlyList<CustomKeyStoreRecord>> ListCustomKeyStoresAsync(string tenant, CancellationToken cancellationToken = default);

    /// <summary>How many keys of the tenant (in any state) live in the custom key store.</summary>
    ValueTask<int> CountKeysInCustomKeyStoreAsync(string tenant, string customKeyStoreId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies <paramref name="changes"/> and appends <paramref name="audit"/> in one transaction.
    /// Throws <see cref="KmsConflictException"/> (nothing applied, nothing appended) if a change
    /// conflicts. Returns the audit record's sequence number once the transaction is durable.
    /// </summary>
    ValueTask<long> CommitAsync(IReadOnlyList<KmsChange> changes, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>The audit log from <paramref name="fromSequence"/> on, in sequence order, as stored (not verified).</summary>
    IAsyncEnumerable<AuditRecord> ReadAuditAsync(long fromSequence = 1, CancellationToken cancellationToken = default);

    /// <summary>The last record of the audit log, or null while the log is empty.</summary>
    ValueTask<AuditRecord?> GetAuditHeadAsync(CancellationToken cancellationToken = default);

    /// <summary>The stored signed audit checkpoints of records <paramref name="fromSequence"/> on, in sequence order, as stored (not verified).</summary>
    ValueTask<IReadOnlyList<AuditCheckpoint>> ListAuditCheckpointsAsync(long fromSequence = 1, CancellationToken cancellationToken = default);
}

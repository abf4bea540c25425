using System.Collections.Concurrent;
using Conclave.Kms.Audit;
using Conclave.Kms.Keys;

namespace Conclave.Kms.Storage.Internal;

/// <summary>
/// A read-through cache of key metadata (keys, key versions, aliases) in front of a store, for the
/// data plane: every Encrypt/Decrypt/Sign reads the key and its version, which otherwise costs a
/// pooled SQLite/PostgreSQL query each. It has the store's methods (not its interface: it does not own
/// or dispose the store).
/// </summary>
/// <remarks>
/// Consistency: every commit with changes that goes through this instance (all of the service's
/// writes) bumps a generation when it completes, succeeded or not, and an entry is only served while
/// the generation it was read under is current. So once a write of this process is acknowledged
/// (DisableKey, PutKeyPolicy, ScheduleKeyDeletion, ...), no later call sees the old record; an entry
/// read concurrently with the write is discarded rather than kept. Writes by another process sharing
/// the store (a second server on PostgreSQL) are seen within <c>ttl</c>: entries expire that long
/// after they were read (monotonic clock of the injected <see cref="TimeProvider"/>). AWS documents
/// key state changes as eventually consistent too. Misses (null) are never cached. A zero TTL turns
/// the cache off. Entries hold no secret: the version records carry key material only wrapped.
/// The cache is bounded (<see cref="MaxEntries"/>): when full it is cleared.
/// </remarks>
internal sealed class KeyMetadataCachingStore
{
    /// <summary>The most entries kept per kind before the cache is cleared.</summary>
    public const int MaxEntries = 10_000;

    private readonly IKmsStore _inner;
    private readonly TimeProvider _time;
    private readonly long _ttlTicks;
    private readonly ConcurrentDictionary<(string Tenant, string KeyId), Entry<KeyRecord>> _keys = new();
    private readonly ConcurrentDictionary<(string Tenant, string KeyId, int Version), Entry<KeyVersionRecord>> _versions = new();
    private readonly ConcurrentDictionary<(string Tenant, string Alias), Entry<AliasRecord>> _aliases = new();
    private long _generation;

    public KeyMetadataCachingStore(IKmsStore inner, TimeProvider time, TimeSpan ttl)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(ttl, TimeSpan.Zero);
        _inner = inner;
        _time = time;
        _ttlTicks = (long)(ttl.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>The store behind the cache.</summary>
    public IKmsStore Inner => _inner;

    public ValueTask<KeyRecord?> GetKeyAsync(string tenant, string keyId, CancellationToken cancellationToken = default) =>
        GetAsync(_keys, (tenant, keyId), static (store, k, ct) => store.GetKeyAsync(k.Item1, k.Item2, ct), cancellationToken);

    public ValueTask<KeyVersionRecord?> GetKeyVersionAsync(string tenant, string keyId, int version, CancellationToken cancellationToken = default) =>
        GetAsync(_versions, (tenant, keyId, version), static (store, k, ct) => store.GetKeyVersionAsync(k.Item1, k.Item2, k.Item3, ct), cancellationToken);

    public ValueTask<AliasRecord?> GetAliasAsync(string tenant, string aliasName, CancellationToken cancellationToken = default) =>
        GetAsync(_aliases, (tenant, aliasName), static (store, k, ct) => store.GetAliasAsync(k.Item1, k.Item2, ct), cancellationToken);

    public async ValueTask<long> CommitAsync(IReadOnlyList<KmsChange> changes, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0)
        {
            // An audit record alone changes no metadata.
            return await _inner.CommitAsync(changes, audit, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await _inner.CommitAsync(changes, audit, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // After the write is durable (or failed: a conflict means the cached record is stale),
            // before the caller is answered: every entry read before now is dropped.
            Invalidate();
        }
    }

    /// <summary>Drops every entry (the next read of each goes to the store).</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _keys.Clear();
        _versions.Clear();
        _aliases.Clear();
    }

    public ValueTask<IReadOnlyList<KeyRecord>> ListKeysAsync(string tenant, string? afterKeyId, int limit, CancellationToken cancellationToken = default) =>
        _inner.ListKeysAsync(tenant, afterKeyId, limit, cancellationToken);

    public ValueTask<IReadOnlyList<KeyRecord>> ListKeysDueAsync(DateTimeOffset now, KeyRecord? after, int limit, CancellationToken cancellationToken = default) =>
        _inner.ListKeysDueAsync(now, after, limit, cancellationToken);

    public ValueTask<IReadOnlyList<KeyVersionRecord>> ListKeyVersionsAsync(string tenant, string keyId, CancellationToken cancellationToken = default) =>
        _inner.ListKeyVersionsAsync(tenant, keyId, cancellationToken);

    public ValueTask<IReadOnlyList<AliasRecord>> ListAliasesAsync(string tenant, string? keyId, CancellationToken cancellationToken = default) =>
        _inner.ListAliasesAsync(tenant, keyId, cancellationToken);

    public ValueTask<IReadOnlyList<KeyTag>> GetTagsAsync(string tenant, string keyId, CancellationToken cancellationToken = default) =>
        _inner.GetTagsAsync(tenant, keyId, cancellationToken);

    public ValueTask<IReadOnlyList<GrantRecord>> ListGrantsAsync(string tenant, string keyId, CancellationToken cancellationToken = default) =>
        _inner.ListGrantsAsync(tenant, keyId, cancellationToken);

    public ValueTask<IReadOnlyList<GrantRecord>> ListRetirableGrantsAsync(string tenant, string retiringPrincipal, string? afterGrantId, int limit, CancellationToken cancellationToken = default) =>
        _inner.ListRetirableGrantsAsync(tenant, retiringPrincipal, afterGrantId, limit, cancellationToken);

    public ValueTask<CustomKeyStoreRecord?> GetCustomKeyStoreAsync(string tenant, string customKeyStoreId, CancellationToken cancellationToken = default) =>
        _inner.GetCustomKeyStoreAsync(tenant, customKeyStoreId, cancellationToken);

    public ValueTask<IReadOnlyList<CustomKeyStoreRecord>> ListCustomKeyStoresAsync(string tenant, CancellationToken cancellationToken = default) =>
        _inner.ListCustomKeyStoresAsync(tenant, cancellationToken);

    public ValueTask<int> CountKeysInCustomKeyStoreAsync(string tenant, string customKeyStoreId, CancellationToken cancellationToken = default) =>
        _inner.CountKeysInCustomKeyStoreAsync(tenant, customKeyStoreId, cancellationToken);

    public ValueTask<TenantKekRecord?> GetTenantKekAsync(string tenant, CancellationToken cancellationToken = default) =>
        _inner.GetTenantKekAsync(tenant, cancellationToken);

    public ValueTask<TenantKekRecord?> GetTenantKekAsync(string tenant, int version, CancellationToken cancellationToken = default) =>
        _inner.GetTenantKekAsync(tenant, version, cancellationToken);

    public IAsyncEnumerable<AuditRecord> ReadAuditAsync(long fromSequence = 1, CancellationToken cancellationToken = default) =>
        _inner.ReadAuditAsync(fromSequence, cancellationToken);

    private ValueTask<T?> GetAsync<TKey, T>(
        ConcurrentDictionary<TKey, Entry<T>> entries, TKey key, Func<IKmsStore, TKey, CancellationToken, ValueTask<T?>> read, CancellationToken cancellationToken)
        where TKey : notnull
        where T : class
    {
        if (_ttlTicks > 0
            && entries.TryGetValue(key, out var entry)
            && entry.Generation == Volatile.Read(ref _generation)
            && _time.GetTimestamp() - entry.ReadAt < _ttlTicks)
        {
            return ValueTask.FromResult<T?>(entry.Value);
        }

        return ReadThroughAsync(entries, key, read, cancellationToken);
    }

    private async ValueTask<T?> ReadThroughAsync<TKey, T>(
        ConcurrentDictionary<TKey, Entry<T>> entries, TKey key, Func<IKmsStore, TKey, CancellationToken, ValueTask<T?>> read, CancellationToken cancellationToken)
        where TKey : notnull
        where T : class
    {
        // Generation and time are taken before the read: an entry read across a write is stale
        // from birth, and its age counts from before the store answered.
        var generation = Volatile.Read(ref _generation);
        var readAt = _time.GetTimestamp();
        var value = await read(_inner, key, cancellationToken).ConfigureAwait(false);
        if (value is not null && _ttlTicks > 0)
        {
            if (entries.Count >= MaxEntries)
            {
                entries.Clear();
            }

            entries[key] = new Entry<T>(value, generation, readAt);
        }

        return value;
    }

    private sealed record Entry<T>(T Value, long Generation, long ReadAt);
}

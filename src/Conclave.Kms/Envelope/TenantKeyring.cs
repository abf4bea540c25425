using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Conclave.Crypto;
using Conclave.Kms.Audit;
using Conclave.Kms.Keys;
using Conclave.Kms.Storage;
using Conclave.Mpc.Storage;

namespace Conclave.Kms.Envelope;

/// <summary>
/// The envelope hierarchy: root key (in its provider) → tenant key-encryption keys (stored wrapped
/// by the root, context = label ‖ tenant ‖ version) → key material (stored wrapped by the tenant KEK,
/// <see cref="KeyMaterialCipher"/>). Creates a tenant's KEK on first use. Keeps unwrapped KEKs and
/// material in memory (bounded, reference-counted, wiped on eviction and disposal) so the hot path
/// does not unwrap on every request.
/// </summary>
public sealed class TenantKeyring : IDisposable
{
    /// <summary>How many unwrapped key versions are kept in memory at most.</summary>
    public const int MaterialCacheLimit = 4096;

    private const string SystemPrincipal = "conclave:system";

    private readonly IRootKeyProvider _root;
    private readonly IKmsStore _store;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(string Tenant, int Version), SecretBytes> _keks = new();
    private readonly ConcurrentDictionary<(string Tenant, string KeyId, int Version), CachedMaterial> _material = new();
    private readonly SemaphoreSlim _kekCreation = new(1, 1);

    /// <summary>Creates the keyring.</summary>
    public TenantKeyring(IRootKeyProvider root, IKmsStore store, TimeProvider time)
    {
        _root = root;
        _store = store;
        _time = time;
    }

    /// <summary>Wraps new material for a key version under the tenant's current KEK (creating the KEK if the tenant has none).</summary>
    /// <returns>The KEK version used and the wrapped material.</returns>
    public async ValueTask<(int KekVersion, byte[] Wrapped)> WrapAsync(string tenant, string keyId, int version, SecretBytes material, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(material);
        var (kekVersion, kek) = await CurrentKekAsync(tenant, cancellationToken).ConfigureAwait(false);
        return (kekVersion, KeyMaterialCipher.Wrap(kek, kekVersion, tenant, keyId, version, material.Span));
    }

    /// <summary>A lease on the unwrapped material of <paramref name="version"/>; dispose it when done.</summary>
    public async ValueTask<MaterialLease> LeaseAsync(KeyVersionRecord version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        var cacheKey = (version.Tenant, version.KeyId, version.Version);
        while (true)
        {
            if (_material.TryGetValue(cacheKey, out var cached))
            {
                var lease = cached.TryLease();
                if (lease is not null)
                {
                    return lease;
                }

                _material.TryRemove(KeyValuePair.Create(cacheKey, cached));
                continue;
            }

            var kek = await KekAsync(version.Tenant, version.KekVersion, cancellationToken).ConfigureAwait(false);
            var entry = new CachedMaterial(KeyMaterialCipher.Unwrap(kek, version.KekVersion, version.Tenant, version.KeyId, version.Version, version.WrappedMaterial));
            if (_material.Count >= MaterialCacheLimit)
            {
                EvictSome();
            }

            if (_material.TryAdd(cacheKey, entry))
            {
                return entry.TryLease()!;
            }

            entry.Release();
        }
    }

    /// <summary>Drops every cached version of a key (after its material is destroyed).</summary>
    public void Forget(string tenant, string keyId)
    {
        foreach (var cacheKey in _material.Keys)
        {
            if (cacheKey.Tenant == tenant && cacheKey.KeyId == keyId && _material.TryRemove(cacheKey, out var entry))
            {
                entry.Release();
            }
        }
    }

    /// <summary>Wipes every cached KEK and material.</summary>
    public void Dispose()
    {
        foreach (var cacheKey in _material.Keys)
        {
            if (_material.TryRemove(cacheKey, out var entry))
            {
                entry.Release();
            }
        }

        foreach (var kek in _keks.Values)
        {
            kek.Dispose();
        }

        _keks.Clear();
        _kekCreation.Dispose();
    }

    private void EvictSome()
    {
        // Not LRU: drop an arbitrary eighth. Unwrapping again costs one AES-GCM; correctness does not depend on it.
        var toEvict = Math.Max(1, _material.Count / 8);
        foreach (var cacheKey in _material.Keys)
        {
            if (toEvict-- == 0)
            {
                break;
            }

            if (_material.TryRemove(cacheKey, out var entry))
            {
                entry.Release();
            }
        }
    }

    private async ValueTask<(int Version, SecretBytes Kek)> CurrentKekAsync(string tenant, CancellationToken cancellationToken)
    {
        var record = await _store.GetTenantKekAsync(tenant, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            record = await CreateKekAsync(tenant, cancellationToken).ConfigureAwait(false);
        }

        return (record.Version, await UnwrapKekAsync(record, cancellationToken).ConfigureAwait(false));
    }

    private async ValueTask<SecretBytes> KekAsync(string tenant, int version, CancellationToken cancellationToken)
    {
        if (_keks.TryGetValue((tenant, version), out var kek))
        {
            return kek;
        }

        var record = await _store.GetTenantKekAsync(tenant, version, cancellationToken).ConfigureAwait(false)
            ?? throw new CryptographicException($"Key-encryption key version {version} of account {tenant} is missing from the store.");
        return await UnwrapKekAsync(record, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<SecretBytes> UnwrapKekAsync(TenantKekRecord record, CancellationToken cancellationToken)
    {
        if (_keks.TryGetValue((record.Tenant, record.Version), out var cached))
        {
            return cached;
        }

        var kek = await _root.UnwrapAsync(record.WrappedKek, KekContext(record.Tenant, record.Version), cancellationToken).ConfigureAwait(false);
        if (_keks.TryAdd((record.Tenant, record.Version), kek))
        {
            return kek;
        }

        kek.Dispose();
        return _keks[(record.Tenant, record.Version)];
    }

    private async ValueTask<TenantKekRecord> CreateKekAsync(string tenant, CancellationToken cancellationToken)
    {
        await _kekCreation.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var existing = await _store.GetTenantKekAsync(tenant, cancellationToken).ConfigureAwait(false);
            if (existing is not null)
            {
                return existing;
            }

            using var kek = SecretBytes.Create(32, 0, static (buffer, _) => RandomNumberGenerator.Fill(buffer));
            var wrapped = await _root.WrapAsync(kek, KekContext(tenant, 1), cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            now = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
            var record = new TenantKekRecord(tenant, 1, wrapped, now);
            var audit = new AuditEntry(now, SystemPrincipal, tenant, "conclave:CreateTenantKey", null, 1, Guid.NewGuid().ToString(), AuditEntry.Success, new byte[32]);
            try
            {
                await _store.CommitAsync([new InsertTenantKek(record)], audit, cancellationToken).ConfigureAwait(false);
                return record;
            }
            catch (KmsConflictException e) when (e.Kind == KmsConflictKind.TenantKekExists)
            {
                // Another server created it first: use theirs.
                return await _store.GetTenantKekAsync(tenant, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException("The tenant key-encryption key vanished after a conflict.", e);
            }
        }
        finally
        {
            _kekCreation.Release();
        }
    }

    private static byte[] KekContext(string tenant, int version) => Encoding.UTF8.GetBytes($"conclave/kms/tenant-kek/v1\0{tenant}\0{version}");
}

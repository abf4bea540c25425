using Conclave.Kms.Api;
using Conclave.Kms.Envelope;
using Conclave.Kms.Service;
using Conclave.Kms.Storage;
using Conclave.Kms.Storage.Postgres;
using Conclave.Kms.Storage.Sqlite;
using Conclave.Kms.Tenants;
using Conclave.Mpc.Storage;

namespace Conclave.Kms.Tests.Service;

/// <summary>A KMS service over a real store (SQLite in a temporary directory, or a PostgreSQL database) and a software root key.</summary>
public sealed class KmsServiceHarness : IAsyncDisposable
{
    private readonly string _directory;
    private readonly SoftwareRootKeyProvider _root;
    private readonly TenantKeyring _keyring;

    private KmsServiceHarness(string directory, IKmsStore store, SoftwareRootKeyProvider root, TenantKeyring keyring, KmsService service, ManualTimeProvider time)
    {
        _directory = directory;
        Store = store;
        _root = root;
        _keyring = keyring;
        Service = service;
        Time = time;
    }

    public IKmsStore Store { get; }

    public KmsService Service { get; }

    public ManualTimeProvider Time { get; }

    public static KmsCallContext Alice { get; } = new(new KmsPrincipal("AKIAALICE00000000000", "111122223333", "alice"), "us-east-1", "req-alice");

    public static KmsCallContext Mallory { get; } = new(new KmsPrincipal("AKIAMALLORY000000000", "444455556666", "mallory"), "us-east-1", "req-mallory");

    /// <summary>Another service over the same store, as a second server sharing a database would be.</summary>
    public KmsService SecondService(TimeSpan keyMetadataMaxStaleness) => new(Store, _keyring, Time, keyMetadataMaxStaleness);

    /// <summary>Starts the service over SQLite, or over the PostgreSQL database of <paramref name="postgresConnectionString"/> when given.</summary>
    public static async Task<KmsServiceHarness> StartAsync(Conclave.Kms.CustomKeyStores.IThresholdBridge? bridge = null, string? postgresConnectionString = null)
    {
        var directory = Directory.CreateTempSubdirectory("conclave-kms-service-").FullName;
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        IKmsStore store = postgresConnectionString is null
            ? await SqliteKmsStore.OpenAsync(Path.Combine(directory, "kms.db"))
            : await PostgresKmsStore.OpenAsync(postgresConnectionString);
        var root = await SoftwareRootKeyProvider.OpenOrCreateAsync(Path.Combine(directory, "root.key"));
        var keyring = new TenantKeyring(root, store, time);
        return new KmsServiceHarness(directory, store, root, keyring, bridge is null ? new KmsService(store, keyring, time) : new KmsService(store, keyring, time, bridge), time);
    }

    public async ValueTask DisposeAsync()
    {
        _keyring.Dispose();
        _root.Dispose();
        await Store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}

using Conclave.Kms.CustomKeyStores;
using Conclave.Kms.Tests.Storage;

namespace Conclave.Kms.Tests.Service;

/// <summary>The service races and sweeps over a real PostgreSQL server (a fresh database per test).</summary>
public sealed class PostgresKmsServiceRaceTests(PostgresServer server) : KmsServiceRaceContract, IClassFixture<PostgresServer>
{
    protected override async Task<KmsServiceHarness> StartAsync(IThresholdBridge? bridge = null) =>
        await KmsServiceHarness.StartAsync(bridge, await server.CreateDatabaseAsync(TestContext.Current.CancellationToken));
}

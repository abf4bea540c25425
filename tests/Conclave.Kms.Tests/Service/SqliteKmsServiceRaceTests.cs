using Conclave.Kms.CustomKeyStores;

namespace Conclave.Kms.Tests.Service;

/// <summary>The service races and sweeps over SQLite.</summary>
public sealed class SqliteKmsServiceRaceTests : KmsServiceRaceContract
{
    protected override Task<KmsServiceHarness> StartAsync(IThresholdBridge? bridge = null) => KmsServiceHarness.StartAsync(bridge);
}

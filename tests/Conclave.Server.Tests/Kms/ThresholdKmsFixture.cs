using Amazon.KeyManagementService.Model;
using Conclave.Mpc.Bridge;
using Conclave.Mpc.Node;
using Conclave.Testing;

namespace Conclave.Server.Tests.Kms;

/// <summary>
/// A real KMS server beside a real in-process three-node MPC cluster and its bridge on a free
/// loopback port (test-only Paillier primes), with Alice's custom key store registered and
/// connected and one secp256k1 and one Ed25519 threshold key created once (keygen is slow).
/// </summary>
public sealed class ThresholdKmsFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("conclave-kms-mpc-").FullName;

    public KmsServerFixture Kms { get; } = new();

    public EmbeddedCluster Cluster { get; private set; } = null!;

    public BridgeHost Bridge { get; private set; } = null!;

    public string StoreId { get; private set; } = "";

    public KeyMetadata Secp256k1Key { get; private set; } = null!;

    public KeyMetadata Ed25519Key { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await Kms.InitializeAsync();
        Cluster = await EmbeddedCluster.StartAsync(Path.Combine(_directory, "mpc"), options: new MpcNodeOptions { PaillierKeySource = TestOnlySafePrimes.KeySource() });
        Bridge = await BridgeHost.StartAsync(Cluster.Coordinator, port: 0);
        StoreId = (await Kms.Alice.CreateCustomKeyStoreAsync(new CreateCustomKeyStoreRequest
        {
            CustomKeyStoreName = "mpc-main",
            CustomKeyStoreType = "EXTERNAL_KEY_STORE",
            XksProxyUriEndpoint = Bridge.Address.GetLeftPart(UriPartial.Authority),
            XksProxyConnectivity = "PUBLIC_ENDPOINT",
            XksProxyAuthenticationCredential = new XksProxyAuthenticationCredentialType { AccessKeyId = "ABCDEFGHIJKLMNOPQRST", RawSecretAccessKey = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0" },
        })).CustomKeyStoreId;
        await Kms.Alice.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = StoreId });
        var secp = Kms.Alice.CreateKeyAsync(new CreateKeyRequest { CustomKeyStoreId = StoreId, KeySpec = "ECC_SECG_P256K1", KeyUsage = "SIGN_VERIFY", Origin = "EXTERNAL_KEY_STORE" });
        var ed = Kms.Alice.CreateKeyAsync(new CreateKeyRequest { CustomKeyStoreId = StoreId, KeySpec = "ECC_NIST_EDWARDS25519", KeyUsage = "SIGN_VERIFY" });
        Secp256k1Key = (await secp).KeyMetadata;
        Ed25519Key = (await ed).KeyMetadata;
    }

    public async ValueTask DisposeAsync()
    {
        await Kms.DisposeAsync();
        await Bridge.DisposeAsync();
        await Cluster.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}

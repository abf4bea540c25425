using System.Text;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using Conclave.Server;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conclave.Server.Tests.Kms;

/// <summary>
/// A real <see cref="KmsServer"/> (SQLite store, software root key, principals file) in a temporary
/// directory on a free loopback port, with SDK clients for two accounts.
/// </summary>
public sealed class KmsServerFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("conclave-kms-sdk-").FullName;

    public KmsServer Server { get; private set; } = null!;

    /// <summary>The development principal (account 000000000000).</summary>
    public AmazonKeyManagementServiceClient Alice { get; private set; } = null!;

    /// <summary>A principal of another account (444455556666).</summary>
    public AmazonKeyManagementServiceClient Mallory { get; private set; } = null!;

    public string MalloryArn { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        Server = await KmsServer.StartAsync(new KmsServerOptions { DataDirectory = _directory, ApiPort = 0, CreateDevelopmentPrincipal = true }, NullLoggerFactory.Instance);
        var development = Server.Development!;
        using (var secret = Server.Principals.RevealSecret(development.AccessKeyId)!)
        {
            Alice = Client(development.AccessKeyId, Encoding.ASCII.GetString(secret.Span));
        }

        var (principal, malloryKey) = await Server.Principals.CreateAsync("444455556666", "mallory");
        using (malloryKey)
        {
            Mallory = Client(principal.AccessKeyId, Encoding.ASCII.GetString(malloryKey.Span));
            MalloryArn = principal.Arn;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Alice.Dispose();
        Mallory.Dispose();
        await Server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private AmazonKeyManagementServiceClient Client(string accessKeyId, string secret) => new(
        new BasicAWSCredentials(accessKeyId, secret),
        new AmazonKeyManagementServiceConfig { ServiceURL = Server.Address.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Conclave.Kms.Api;
using Conclave.Kms.Tenants;
using Conclave.Server.Aws;
using Conclave.Server.Tenants;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conclave.Server.Tests.Aws;

/// <summary>A <see cref="KmsApiHost"/> on 127.0.0.1 (free port) with a small test action table.</summary>
public sealed class KmsApiHostFixture : IAsyncLifetime
{
    public const string AccessKeyId = "AKIAIOSFODNN7EXAMPLE";
    public const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    public const string LeakyDetail = "plaintext=hunter2 at Conclave.Secret.Place";

    private readonly StaticPrincipalDirectory _directory = new();
    private KmsApiHost? _host;

    public Uri Address => _host?.Address ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync()
    {
        _directory.Add(new KmsPrincipal(AccessKeyId, "111122223333", "alice"), Encoding.UTF8.GetBytes(Secret));
        var actions = new KmsActionTable(new Dictionary<string, KmsActionHandler>
        {
            ["GenerateRandom"] = GenerateRandomAsync,
            ["DescribeKey"] = (_, _, _) => throw new KmsException(KmsErrorType.NotFound, "Key 'x' does not exist"),
            ["ListKeys"] = (_, _, _) => throw new InvalidOperationException(LeakyDetail),
            ["GetKeyPolicy"] = (context, _, _) => ValueTask.FromResult(new KmsActionResult(JsonSerializer.SerializeToUtf8Bytes(
                new Dictionary<string, string> { ["Policy"] = $"{context.Principal.Arn}|{context.Region}|{context.RequestId}", ["PolicyName"] = "default" }))),
        });
        _host = await KmsApiHost.StartAsync(_directory, actions, TimeProvider.System, NullLoggerFactory.Instance, port: 0);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _directory.Dispose();
    }

    private static ValueTask<KmsActionResult> GenerateRandomAsync(KmsCallContext context, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        using var request = JsonDocument.Parse(body);
        var count = request.RootElement.TryGetProperty("NumberOfBytes", out var n) ? n.GetInt32() : 32;
        var json = Encoding.UTF8.GetBytes($"{{\"Plaintext\":\"{Convert.ToBase64String(RandomNumberGenerator.GetBytes(count))}\"}}");
        return ValueTask.FromResult(KmsActionResult.Sensitive(json));
    }
}

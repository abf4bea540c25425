using System.Net;
using Conclave.Kms.Tenants;
using Conclave.Server.Aws;
using Conclave.Server.Endpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Conclave.Server;

/// <summary>
/// A Kestrel server that speaks the AWS KMS JSON 1.1 protocol (<see cref="KmsEndpoints"/>) over plain
/// HTTP on 127.0.0.1 only, so unmodified AWS SDKs can use Conclave as their KMS endpoint.
/// </summary>
public sealed class KmsApiHost : IAsyncDisposable
{
    /// <summary>The default port.</summary>
    public const int DefaultPort = 7600;

    private readonly WebApplication _app;
    private int _stopped;

    private KmsApiHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The base URL served, for example <c>http://127.0.0.1:7600</c> (the bound port when started with port 0).</summary>
    public Uri Address { get; }

    /// <summary>
    /// Starts serving the KMS API on 127.0.0.1:<paramref name="port"/> (0 picks a free port): requests are
    /// authenticated against <paramref name="directory"/> and dispatched through <paramref name="actions"/>.
    /// </summary>
    /// <exception cref="IOException">The port is taken.</exception>
    public static async Task<KmsApiHost> StartAsync(
        IPrincipalDirectory directory,
        KmsActionTable actions,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        int port = DefaultPort,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        // The embedding process owns Ctrl-C/SIGTERM (the CLI stops this host itself): no console
        // lifetime with signal handlers of its own, and a short grace for open connections on stop.
        builder.Services.AddSingleton<IHostLifetime, CallerOwnedLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = KmsEndpoints.MaxBodyBytes;
            kestrel.Listen(IPAddress.Loopback, port);
        });
        var app = builder.Build();
        app.MapKmsApi(new SigV4Verifier(directory, timeProvider), actions, loggerFactory.CreateLogger<KmsApiHost>());
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var bound = app.Services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        return new KmsApiHost(app, new Uri(bound ?? $"http://127.0.0.1:{port}"));
    }

    /// <summary>Stops accepting requests and waits for running ones (until <paramref name="cancellationToken"/>).</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops (if still running) and releases the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override string ToString() => $"KmsApiHost({Address})";

    /// <summary>A host lifetime that leaves start and stop to the code that owns the host.</summary>
    private sealed class CallerOwnedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

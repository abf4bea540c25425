using System.Net;
using Conclave.Mpc.Coordination;
using Conclave.Mpc.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Conclave.Mpc.Bridge;

/// <summary>
/// A Kestrel server that serves the bridge API (<see cref="BridgeEndpoints"/>) over plain HTTP on
/// a loopback address only (default <c>127.0.0.1:6000</c>); it refuses any other address.
/// </summary>
public sealed class BridgeHost : IAsyncDisposable
{
    /// <summary>The default port.</summary>
    public const int DefaultPort = 6000;

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping;

    private BridgeHost(WebApplication app, CancellationTokenSource stopping, Uri address)
    {
        _app = app;
        _stopping = stopping;
        Address = address;
    }

    /// <summary>The base URL served, for example <c>http://127.0.0.1:6000</c>.</summary>
    public Uri Address { get; }

    /// <summary>
    /// Starts serving <paramref name="coordinator"/> on 127.0.0.1:<paramref name="port"/> (0 picks a free
    /// port), with <c>GET /metrics</c> (Prometheus text format) when <paramref name="metrics"/> is given.
    /// </summary>
    /// <exception cref="IOException">The port is taken.</exception>
    public static Task<BridgeHost> StartAsync(Coordinator coordinator, int port = DefaultPort, MpcMetrics? metrics = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(coordinator);
        return StartCoreAsync(coordinator, metrics, port, cancellationToken);
    }

    /// <summary>Serves only <c>GET /metrics</c> on 127.0.0.1:<paramref name="port"/> (a node that is not a coordinator).</summary>
    /// <exception cref="IOException">The port is taken.</exception>
    public static Task<BridgeHost> StartMetricsOnlyAsync(MpcMetrics metrics, int port, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return StartCoreAsync(null, metrics, port, cancellationToken);
    }

    private static async Task<BridgeHost> StartCoreAsync(Coordinator? coordinator, MpcMetrics? metrics, int port, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = BridgeEndpoints.MaxBodyBytes;
            kestrel.Listen(IPAddress.Loopback, port);
        });
        var app = builder.Build();
        var stopping = new CancellationTokenSource();
        if (coordinator is not null)
        {
            app.MapBridge(coordinator, stopping.Token);
        }

        if (metrics is not null)
        {
            app.MapMetrics("/metrics", metrics.Registry);
        }

        var notFound = coordinator is not null
            ? "{\"error\":{\"code\":\"not_found\",\"message\":\"No such endpoint: the bridge serves POST /keygen, POST /sign, GET /pubkey/{walletID}, GET /health and GET /metrics.\"}}"
            : "{\"error\":{\"code\":\"not_found\",\"message\":\"No such endpoint: this node serves only GET /metrics.\"}}";
        app.MapFallback(async context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(notFound, context.RequestAborted).ConfigureAwait(false);
        });
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            stopping.Dispose();
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var bound = app.Services.GetService(typeof(IServer)) is IServer server
            ? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            : null;
        return new BridgeHost(app, stopping, new Uri(bound ?? $"http://127.0.0.1:{port}"));
    }

    /// <summary>Stops serving (running requests are cancelled).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}

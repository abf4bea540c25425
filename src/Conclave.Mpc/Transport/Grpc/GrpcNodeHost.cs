using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Conclave.Mpc.Node;
using Conclave.Mpc.Transport.Grpc.Internal;
using Conclave.Mpc.Transport.Grpc.Protocol;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conclave.Mpc.Transport.Grpc;

/// <summary>
/// One node's end of the node-to-node gRPC transport: a Kestrel server (HTTP/2, TLS 1.2+) on the
/// node's address that requires a client certificate, and one client channel per peer. Both
/// directions are pinned to the operator-signed membership (version 2): a client is accepted only
/// if the SHA-256 of its certificate equals some member's pin, and that member is the caller; a
/// server is trusted only if its certificate's SHA-256 equals the pin of the member dialled. No CA
/// chain, name or date is consulted. See docs/design/grpc-transport.md.
/// </summary>
public sealed class GrpcNodeHost : IAsyncDisposable
{
    /// <summary>Longest control method name.</summary>
    public const int MaxMethodLength = 64;

    private readonly NodeKeys _keys;
    private readonly ClusterMembership _membership;
    private readonly Dictionary<string, string> _nodeIdByPin;
    private readonly Channel<byte[]> _inbox;
    private readonly ConcurrentDictionary<string, Lazy<(GrpcChannel Channel, NodeTransport.NodeTransportClient Client)>> _peers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _peerAddressOverrides = new(StringComparer.Ordinal);
    private WebApplication? _app;
    private long _sendFailures;
    private long _inboxDrops;
    private long _refusedClients;
    private int _disposed;

    private GrpcNodeHost(NodeKeys keys, ClusterMembership membership, IControlHandler? controlHandler, GrpcNodeHostOptions options, ILogger logger)
    {
        _keys = keys;
        _membership = membership;
        ControlHandler = controlHandler;
        Options = options;
        Logger = logger;
        _nodeIdByPin = membership.Members.ToDictionary(m => Convert.ToHexString(m.TlsCertificateSha256.Span), m => m.NodeId, StringComparer.Ordinal);
        _inbox = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(options.InboxCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        Transport = new GrpcTransport(this, _inbox.Reader);
    }

    /// <summary>This node's id.</summary>
    public string NodeId => _keys.NodeId;

    /// <summary>The transport to hand to the node's <see cref="Sessions.SessionRouter"/>.</summary>
    public GrpcTransport Transport { get; }

    /// <summary>The TCP port the server listens on (the one picked when the listen address had port 0).</summary>
    public int Port { get; private set; }

    /// <summary>The options in force.</summary>
    public GrpcNodeHostOptions Options { get; }

    /// <summary>Envelopes that could not be delivered to a peer (down, refused, timed out, unknown, too large).</summary>
    public long SendFailures => Interlocked.Read(ref _sendFailures);

    /// <summary>Envelopes received from members but dropped because the inbox was full.</summary>
    public long InboxDrops => Interlocked.Read(ref _inboxDrops);

    /// <summary>TLS client certificates refused because no member pins them.</summary>
    public long RefusedClients => Interlocked.Read(ref _refusedClients);

    internal IControlHandler? ControlHandler { get; }

    internal ILogger Logger { get; }

    /// <summary>
    /// Starts the server for <paramref name="keys"/>' node, listening only on its membership address
    /// (or <see cref="GrpcNodeHostOptions.ListenAddress"/>), and returns once it accepts connections.
    /// </summary>
    /// <exception cref="InvalidOperationException">The membership has no TLS pins (a version 1 file), does not list this node,
    /// pins another certificate for it, or the address is not a loopback IP address and <see cref="GrpcNodeHostOptions.AllowNonLoopback"/> is off.</exception>
    public static async Task<GrpcNodeHost> StartAsync(
        NodeKeys keys,
        ClusterMembership membership,
        IControlHandler? controlHandler = null,
        GrpcNodeHostOptions? options = null,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(membership);
        options ??= GrpcNodeHostOptions.Default;
        options.Validate();
        if (!membership.HasTlsPins)
        {
            throw new InvalidOperationException("The membership pins no TLS certificates (format version 1); the gRPC transport needs a version 2 membership file listing every member's certificate SHA-256.");
        }

        if (!membership.TryGetMember(keys.NodeId, out var self) || !self.Identity.Equals(keys.PublicIdentity))
        {
            throw new InvalidOperationException($"The membership does not list node {keys.NodeId} with these keys.");
        }

        if (!CryptographicOperations.FixedTimeEquals(self.TlsCertificateSha256.Span, keys.TlsCertificateSha256))
        {
            throw new InvalidOperationException($"The membership pins another TLS certificate for node {keys.NodeId} than the one in its data directory.");
        }

        var listen = ParseEndPoint(options.ListenAddress ?? self.Address, allowPortZero: options.ListenAddress is not null, options.AllowNonLoopback);
        var host = new GrpcNodeHost(keys, membership, controlHandler, options, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<GrpcNodeHost>());
        try
        {
            await host.StartServerAsync(listen, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return host;
    }

    /// <summary>
    /// Makes a control call to <paramref name="recipientNodeId"/>'s <see cref="IControlHandler"/> and returns its reply body.
    /// </summary>
    /// <exception cref="ArgumentException">The recipient is not a member, or the method name is not 1..64 printable ASCII characters.</exception>
    /// <exception cref="RpcException">The call failed: the peer is down or refused (Unavailable), the deadline passed
    /// (DeadlineExceeded), or the handler failed (see <see cref="IControlHandler"/> for the statuses).</exception>
    public async Task<byte[]> CallAsync(string recipientNodeId, string method, ReadOnlyMemory<byte> body, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recipientNodeId);
        if (!IsValidMethod(method))
        {
            throw new ArgumentException($"A control method name is 1..{MaxMethodLength} printable ASCII characters.", nameof(method));
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(body.Length, Options.MaxControlBodyBytes, nameof(body));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var client = ClientFor(recipientNodeId) ?? throw new ArgumentException($"Node {recipientNodeId} is not a member.", nameof(recipientNodeId));
        var request = new ControlRequest { Method = method, Body = ByteString.CopyFrom(body.Span) };
        var reply = await client.CallAsync(request, deadline: DateTime.UtcNow + timeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        return reply.Body.ToByteArray();
    }

    /// <summary>Stops the server, completes the inbox and closes the peer channels.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_app is not null)
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(stopping.Token).ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        _inbox.Writer.TryComplete();
        foreach (var peer in _peers.Values)
        {
            if (peer.IsValueCreated)
            {
                peer.Value.Channel.Dispose();
            }
        }

        _peers.Clear();
    }

    /// <inheritdoc />
    public override string ToString() => $"GrpcNodeHost({NodeId}, port {Port})";

    internal static bool IsValidMethod(string? method) =>
        !string.IsNullOrEmpty(method) && method.Length <= MaxMethodLength && !method.AsSpan().ContainsAnyExceptInRange((char)0x21, (char)0x7e);

    /// <summary>Test hook: dial <paramref name="nodeId"/> at <paramref name="address"/> instead of its membership address (its pin still applies).</summary>
    internal void OverridePeerAddress(string nodeId, string address)
    {
        _peerAddressOverrides[nodeId] = address;
        _peers.TryRemove(nodeId, out _);
    }

    internal async ValueTask DeliverAsync(string recipientNodeId, byte[] envelope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recipientNodeId);
        ArgumentNullException.ThrowIfNull(envelope);
        cancellationToken.ThrowIfCancellationRequested();
        if (envelope.Length == 0 || envelope.Length > Options.MaxEnvelopeBytes)
        {
            CountSendFailure(recipientNodeId, "envelope size out of range");
            return;
        }

        NodeTransport.NodeTransportClient? client;
        try
        {
            client = Volatile.Read(ref _disposed) != 0 ? null : ClientFor(recipientNodeId);
        }
        catch (InvalidOperationException e)
        {
            CountSendFailure(recipientNodeId, e.Message);
            return;
        }

        if (client is null)
        {
            CountSendFailure(recipientNodeId, "not a member or host disposed");
            return;
        }

        try
        {
            await client.DeliverAsync(new Envelope { Data = UnsafeByteOperations.UnsafeWrap(envelope) }, deadline: DateTime.UtcNow + Options.SendTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            CountSendFailure(recipientNodeId, e.StatusCode.ToString());
        }
        catch (ObjectDisposedException)
        {
            CountSendFailure(recipientNodeId, "channel disposed");
        }
    }

    /// <summary>The member whose pinned certificate authenticated this call's connection.</summary>
    internal string AuthenticateCaller(ServerCallContext context)
    {
        var certificate = context.GetHttpContext().Connection.ClientCertificate;
        if (certificate is null || !_nodeIdByPin.TryGetValue(Convert.ToHexString(SHA256.HashData(certificate.RawData)), out var nodeId))
        {
            // The TLS handshake already refused unpinned certificates; this is a second line.
            throw new RpcException(new Status(StatusCode.Unauthenticated, "client certificate not pinned"));
        }

        return nodeId;
    }

    internal void Enqueue(string sender, byte[] envelope)
    {
        if (!_inbox.Writer.TryWrite(envelope))
        {
            Interlocked.Increment(ref _inboxDrops);
            GrpcLog.InboxFull(Logger, NodeId, sender);
        }
    }

    private static IPEndPoint ParseEndPoint(string address, bool allowPortZero, bool allowNonLoopback)
    {
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535 || (port == 0 && !allowPortZero))
        {
            throw new InvalidOperationException($"The listen address '{address}' is not ip:port.");
        }

        var host = address[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        var ip = string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var parsed) ? parsed
            : throw new InvalidOperationException($"The listen address '{address}' is not an IP address (names are not resolved for listening).");
        if (!allowNonLoopback && !IPAddress.IsLoopback(ip))
        {
            throw new InvalidOperationException($"Refusing to listen on '{address}': not a loopback address and non-loopback addresses are not allowed.");
        }

        return new IPEndPoint(ip, port);
    }

    private static bool IsLoopbackHost(string address)
    {
        var host = address[..address.LastIndexOf(':')].Trim('[', ']');
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    private async Task StartServerAsync(IPEndPoint listen, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(GrpcNodeHost).Assembly.GetName().Name, ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = Math.Max(Options.MaxEnvelopeBytes, Options.MaxControlBodyBytes) + 1024;
            kestrel.Listen(listen, endpoint =>
            {
                endpoint.Protocols = HttpProtocols.Http2;
                endpoint.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = _keys.TlsCertificate,
                    ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                    SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    CheckCertificateRevocation = false,
                    ClientCertificateValidation = (certificate, _, _) => IsPinnedClient(certificate),
                });
            });
        });
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = Math.Max(Options.MaxEnvelopeBytes, Options.MaxControlBodyBytes) + 1024;
            grpc.MaxSendMessageSize = Options.MaxControlBodyBytes + 1024;
            grpc.EnableDetailedErrors = false;
        });
        builder.Services.AddSingleton(new NodeTransportService(this));
        var app = builder.Build();
        app.MapGrpcService<NodeTransportService>();
        _app = app;
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Port = new Uri(bound).Port;
        GrpcLog.Listening(Logger, NodeId, bound);
    }

    private bool IsPinnedClient(X509Certificate2 certificate)
    {
        if (_nodeIdByPin.ContainsKey(Convert.ToHexString(SHA256.HashData(certificate.RawData))))
        {
            return true;
        }

        Interlocked.Increment(ref _refusedClients);
        GrpcLog.ClientRefused(Logger, Convert.ToHexStringLower(SHA256.HashData(certificate.RawData).AsSpan(0, 8)));
        return false;
    }

    private NodeTransport.NodeTransportClient? ClientFor(string nodeId)
    {
        if (!_membership.TryGetMember(nodeId, out var member))
        {
            return null;
        }

        var peer = _peers.GetOrAdd(nodeId, _ => new Lazy<(GrpcChannel, NodeTransport.NodeTransportClient)>(() => CreateChannel(member)));
        return peer.Value.Client;
    }

    private (GrpcChannel Channel, NodeTransport.NodeTransportClient Client) CreateChannel(ClusterMember member)
    {
        var address = _peerAddressOverrides.TryGetValue(member.NodeId, out var overridden) ? overridden : member.Address;
        if (!Options.AllowNonLoopback && !IsLoopbackHost(address))
        {
            throw new InvalidOperationException($"Refusing to dial {member.NodeId} at '{address}': not a loopback address and non-loopback addresses are not allowed.");
        }

        var pin = member.TlsCertificateSha256.ToArray();
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = Options.ConnectTimeout,
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                ClientCertificates = [_keys.TlsCertificate],
                LocalCertificateSelectionCallback = (_, _, _, _, _) => _keys.TlsCertificate,
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    // Pin equality only: no chain, host name or validity period (the pin is the trust anchor).
                    if (certificate is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(certificate.GetRawCertData()), pin))
                    {
                        return true;
                    }

                    GrpcLog.ServerRefused(Logger, member.NodeId);
                    return false;
                },
            },
        };
        var channel = GrpcChannel.ForAddress("https://" + address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = Options.MaxControlBodyBytes + 1024,
            MaxSendMessageSize = Math.Max(Options.MaxEnvelopeBytes, Options.MaxControlBodyBytes) + 1024,
        });
        return (channel, new NodeTransport.NodeTransportClient(channel));
    }

    private void CountSendFailure(string recipientNodeId, string reason)
    {
        Interlocked.Increment(ref _sendFailures);
        GrpcLog.SendFailed(Logger, NodeId, recipientNodeId, reason);
    }
}

using Conclave.Crypto.Paillier;
using Conclave.Mpc.Bridge;
using Conclave.Mpc.Coordination;
using Conclave.Mpc.Observability;
using Conclave.Mpc.Transport.Grpc;

namespace Conclave.Mpc.Node;

/// <summary>
/// One node as its own process (<c>conclave node run</c>): the node's runtime
/// (<see cref="NodeRuntime"/>), its gRPC host on the configured listen address (mutual TLS pinned
/// to the membership), the <see cref="MpcNode"/> serving control calls, its pool of safe primes for
/// CGGMP21 aux info (<see cref="NodePrimePool"/>), and,
/// when a bridge port is given, a coordinator over all members with the bridge API.
/// </summary>
public sealed class NodeServer : IAsyncDisposable
{
    private readonly NodeRuntime _runtime;
    private readonly SafePrimePool _primes;

    private NodeServer(NodeRuntime runtime, SafePrimePool primes, GrpcNodeHost host, MpcNode node, Coordinator coordinator, BridgeHost? bridge)
    {
        _runtime = runtime;
        _primes = primes;
        Host = host;
        Node = node;
        Coordinator = coordinator;
        Bridge = bridge;
    }

    /// <summary>The node.</summary>
    public MpcNode Node { get; }

    /// <summary>The node's gRPC host.</summary>
    public GrpcNodeHost Host { get; }

    /// <summary>A coordinator over every member (this node directly, the others over gRPC).</summary>
    public Coordinator Coordinator { get; }

    /// <summary>The bridge API host (with <c>/metrics</c>) when a bridge port was given, or the metrics-only host when a metrics port was.</summary>
    public BridgeHost? Bridge { get; }

    /// <summary>Whether <see cref="Bridge"/> serves the bridge API (false: only <c>/metrics</c>, or no host).</summary>
    public bool ServesBridge { get; private init; }

    /// <summary>Safe primes ready in the pool.</summary>
    public int PooledPrimes => _primes.Count;

    /// <summary>Starts the node described by <paramref name="config"/> (resolved, as <see cref="NodeConfig.LoadAsync"/> returns it).</summary>
    /// <param name="config">The node's config.</param>
    /// <param name="bridgePort">Serve the bridge API on 127.0.0.1 at this port; null: <see cref="NodeConfig.BridgePort"/>, and none if that is null too.</param>
    /// <param name="options">Node tunables (its Paillier key source is replaced by the prime pool unless <paramref name="usePrimePool"/> is false).</param>
    /// <param name="usePrimePool">Whether CGGMP21 keygen takes its Paillier primes from the node's pool.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <param name="metricsPort">When there is no bridge: serve only <c>/metrics</c> on 127.0.0.1 at this port.</param>
    public static async Task<NodeServer> StartAsync(NodeConfig config, int? bridgePort = null, MpcNodeOptions? options = null, bool usePrimePool = true, int? metricsPort = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate(requireLoopback: true);
        var runtime = await NodeRuntime.OpenAsync(config, cancellationToken).ConfigureAwait(false);
        SafePrimePool? primes = null;
        GrpcNodeHost? host = null;
        MpcNode? node = null;
        try
        {
            primes = NodePrimePool.Open(runtime, refill: usePrimePool);
            options ??= new MpcNodeOptions();
            var metrics = options.Metrics ?? new MpcMetrics();
            options = options with { Metrics = metrics };
            if (usePrimePool)
            {
                options = options.Using(primes);
            }

            var handler = new NodeControlHandler();
            host = await GrpcNodeHost.StartAsync(runtime.Keys, runtime.Membership, handler, new GrpcNodeHostOptions { ListenAddress = config.ListenAddress }, options.LoggerFactory, cancellationToken).ConfigureAwait(false);
            var grpc = host;
            metrics.AddTransportSource(config.NodeId, () => grpc.SendFailures, () => grpc.InboxDrops, () => grpc.RefusedClients);
            node = new MpcNode(runtime.Keys.Identity, runtime.Membership, runtime.Store, host.Transport, options);
            handler.Node = node;
            var members = runtime.Membership.Members.Select(m => m.NodeId == node.NodeId ? (INodeControl)node : new GrpcNodeClient(host, m.NodeId));
            var coordinator = new Coordinator(members, options: CoordinatorOptions.Default with { Metrics = metrics });
            var port = bridgePort ?? config.BridgePort;
            var bridge = port is { } p
                ? await BridgeHost.StartAsync(coordinator, p, metrics, cancellationToken).ConfigureAwait(false)
                : metricsPort is { } m ? await BridgeHost.StartMetricsOnlyAsync(metrics, m, cancellationToken).ConfigureAwait(false) : null;
            if (port is not null)
            {
                // Open the mutual-TLS channels to the peers now (first calls pay the handshake and JIT),
                // so the first request does not find a cold peer slower than the probe timeout.
                _ = coordinator.HealthAsync(CancellationToken.None);
            }

            return new NodeServer(runtime, primes, host, node, coordinator, bridge) { ServesBridge = port is not null };
        }
        catch
        {
            if (node is not null)
            {
                await node.DisposeAsync().ConfigureAwait(false);
            }

            if (host is not null)
            {
                await host.DisposeAsync().ConfigureAwait(false);
            }

            if (primes is not null)
            {
                await primes.DisposeAsync().ConfigureAwait(false);
            }

            await runtime.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops the bridge, the node, the gRPC host and the prime pool, then closes the store.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Bridge is not null)
        {
            await Bridge.DisposeAsync().ConfigureAwait(false);
        }

        await Coordinator.DisposeAsync().ConfigureAwait(false);
        await Node.DisposeAsync().ConfigureAwait(false);
        await Host.DisposeAsync().ConfigureAwait(false);
        await _primes.DisposeAsync().ConfigureAwait(false);
        await _runtime.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override string ToString() => $"NodeServer({Node.NodeId})";
}

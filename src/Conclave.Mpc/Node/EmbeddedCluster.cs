using Conclave.Crypto.Paillier;
using Conclave.Mpc.Coordination;
using Conclave.Mpc.Transport;

namespace Conclave.Mpc.Node;

/// <summary>
/// The embedded system's MPC part (<c>conclave up</c>): three (or n) nodes in one process over the
/// in-memory transport, each with its own identity, root key and share store in the data
/// directory, and a <see cref="Coordinator"/> over them. The first start writes a local cluster
/// (<see cref="LocalClusterSetup"/>) into <c>&lt;data-dir&gt;/mpc</c>; later starts open it again,
/// so every wallet survives a restart.
/// </summary>
public sealed class EmbeddedCluster : IAsyncDisposable
{
    /// <summary>The cluster's subdirectory of the data directory.</summary>
    public const string ClusterDirectoryName = "mpc";

    private readonly List<NodeRuntime> _runtimes;
    private readonly List<InMemoryTransport> _transports;
    private readonly List<SafePrimePool> _pools;

    private EmbeddedCluster(string directory, bool created, InMemoryNetwork network, List<NodeRuntime> runtimes, List<InMemoryTransport> transports, List<SafePrimePool> pools, List<MpcNode> nodes, CoordinatorOptions coordinatorOptions)
    {
        _pools = pools;
        Network = network;
        Directory = directory;
        Created = created;
        _runtimes = runtimes;
        _transports = transports;
        Nodes = nodes;
        Coordinator = new Coordinator(nodes, options: coordinatorOptions);
    }

    /// <summary>The cluster directory (<c>&lt;data-dir&gt;/mpc</c>).</summary>
    public string Directory { get; }

    /// <summary>Whether this start created the cluster.</summary>
    public bool Created { get; }

    /// <summary>The nodes, in id order.</summary>
    public IReadOnlyList<MpcNode> Nodes { get; }

    /// <summary>The coordinator over <see cref="Nodes"/>.</summary>
    public Coordinator Coordinator { get; }

    /// <summary>The in-memory network the nodes share (tests intercept envelopes on it).</summary>
    internal InMemoryNetwork Network { get; }

    /// <summary>A node's identity (tests reseal intercepted envelopes as their sender).</summary>
    internal Transport.NodeIdentity IdentityOf(string nodeId) =>
        _runtimes.First(r => string.Equals(r.Config.NodeId, nodeId, StringComparison.Ordinal)).Keys.Identity;

    /// <summary>The membership every node uses.</summary>
    internal Transport.ClusterMembership Membership => _runtimes[0].Membership;

    /// <summary>Opens (creating on first use) the cluster under <paramref name="dataDirectory"/> and starts its nodes.</summary>
    /// <param name="dataDirectory">The data directory (created 0700 if missing).</param>
    /// <param name="nodes">Nodes to create on first start (later starts use what exists).</param>
    /// <param name="options">Node tunables.</param>
    /// <param name="usePrimePools">Whether each node takes its CGGMP21 Paillier primes from its own <see cref="NodePrimePool"/> (refilled in the background) instead of <paramref name="options"/>' source.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    public static Task<EmbeddedCluster> StartAsync(string dataDirectory, int nodes = 3, MpcNodeOptions? options = null, bool usePrimePools = false, CancellationToken cancellationToken = default) =>
        StartAsync(dataDirectory, nodes, options, usePrimePools, coordinatorOptions: null, cancellationToken);

    /// <summary>Opens (creating on first use) the cluster under <paramref name="dataDirectory"/> and starts its nodes.</summary>
    /// <param name="dataDirectory">The data directory (created 0700 if missing).</param>
    /// <param name="nodes">Nodes to create on first start (later starts use what exists).</param>
    /// <param name="options">Node tunables.</param>
    /// <param name="usePrimePools">Whether each node takes its CGGMP21 Paillier primes from its own <see cref="NodePrimePool"/>.</param>
    /// <param name="coordinatorOptions">Coordinator tunables (default: <see cref="CoordinatorOptions.Default"/> reporting to <paramref name="options"/>' metrics).</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    public static async Task<EmbeddedCluster> StartAsync(string dataDirectory, int nodes, MpcNodeOptions? options, bool usePrimePools, CoordinatorOptions? coordinatorOptions, CancellationToken cancellationToken = default)
    {
        var (directory, created) = await EnsureAsync(dataDirectory, nodes, cancellationToken).ConfigureAwait(false);
        var configs = System.IO.Directory.GetFiles(directory, "node*.json").Order(StringComparer.Ordinal).ToList();
        var runtimes = new List<NodeRuntime>();
        var transports = new List<InMemoryTransport>();
        var pools = new List<SafePrimePool>();
        var started = new List<MpcNode>();
        try
        {
            var network = new InMemoryNetwork();
            foreach (var path in configs)
            {
                var config = await NodeConfig.LoadAsync(path, cancellationToken).ConfigureAwait(false);
                var runtime = await NodeRuntime.OpenAsync(config, cancellationToken).ConfigureAwait(false);
                runtimes.Add(runtime);
                var transport = network.Connect(config.NodeId);
                transports.Add(transport);
                var nodeOptions = options ?? new MpcNodeOptions();
                if (usePrimePools)
                {
                    var pool = NodePrimePool.Open(runtime);
                    pools.Add(pool);
                    nodeOptions = nodeOptions.Using(pool);
                }

                started.Add(new MpcNode(runtime.Keys.Identity, runtime.Membership, runtime.Store, transport, nodeOptions));
            }

            if (started.Count < LocalClusterSetup.MinNodes)
            {
                throw new InvalidOperationException($"The cluster directory '{directory}' holds fewer than {LocalClusterSetup.MinNodes} node configs.");
            }

            coordinatorOptions ??= CoordinatorOptions.Default with { Metrics = options?.Metrics };
            return new EmbeddedCluster(directory, created, network, runtimes, transports, pools, started, coordinatorOptions);
        }
        catch
        {
            await DisposeAllAsync(started, transports, pools, runtimes).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Writes the local cluster into <c>&lt;data-dir&gt;/mpc</c> unless it exists (the data directory
    /// is created owner-only), and returns its directory and whether it was created now.
    /// </summary>
    public static async Task<(string Directory, bool Created)> EnsureAsync(string dataDirectory, int nodes = 3, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        var directory = Path.Combine(Path.GetFullPath(dataDirectory), ClusterDirectoryName);
        if (File.Exists(Path.Combine(directory, LocalClusterSetup.MembershipFileName)))
        {
            return (directory, false);
        }

        Internal.NodeFiles.EnsureOwnerOnlyDirectory(Path.GetFullPath(dataDirectory));
        await LocalClusterSetup.CreateAsync(directory, nodes, cancellationToken: cancellationToken).ConfigureAwait(false);
        return (directory, true);
    }

    /// <summary>Stops the nodes and closes their stores.</summary>
    public async ValueTask DisposeAsync()
    {
        await Coordinator.DisposeAsync().ConfigureAwait(false); // no presignature refill outlives the nodes
        await DisposeAllAsync([.. Nodes], _transports, _pools, _runtimes).ConfigureAwait(false);
    }

    private static async ValueTask DisposeAllAsync(List<MpcNode> nodes, List<InMemoryTransport> transports, List<SafePrimePool> pools, List<NodeRuntime> runtimes)
    {
        foreach (var node in nodes)
        {
            await node.DisposeAsync().ConfigureAwait(false);
        }

        transports.ForEach(t => t.Dispose());
        foreach (var pool in pools)
        {
            await pool.DisposeAsync().ConfigureAwait(false);
        }

        pools.Clear();
        foreach (var runtime in runtimes)
        {
            await runtime.DisposeAsync().ConfigureAwait(false);
        }

        nodes.Clear();
        transports.Clear();
        runtimes.Clear();
    }
}

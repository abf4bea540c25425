using Conclave.Mpc.Sessions;
using Conclave.Mpc.Tests.Transport;
using Conclave.Mpc.Transport;
using Conclave.Threshold;

namespace Conclave.Mpc.Tests.Sessions;

/// <summary>The three <see cref="TestCluster"/> nodes on one <see cref="InMemoryNetwork"/>, each with a running <see cref="SessionRouter"/>.</summary>
internal sealed class SessionTestNodes : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<InMemoryTransport> _transports = [];
    private readonly List<Task> _loops = [];

    public SessionTestNodes()
    {
        Cluster = new TestCluster();
        Network = new InMemoryNetwork();
        var nodes = new[] { (Cluster.A, Cluster.OpenerA), (Cluster.B, Cluster.OpenerB), (Cluster.C, Cluster.OpenerC) };
        foreach (var (identity, opener) in nodes)
        {
            var transport = Network.Connect(identity.NodeId);
            _transports.Add(transport);
            var router = new SessionRouter(identity, Cluster.Membership, opener, transport);
            Routers[identity.NodeId] = router;
            _loops.Add(router.RunAsync(_stop.Token));
        }
    }

    public TestCluster Cluster { get; }

    public InMemoryNetwork Network { get; }

    public Dictionary<string, SessionRouter> Routers { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<string> NodeIds => [.. Routers.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Opens <paramref name="session"/> on each node of <paramref name="nodeIds"/> (before anything is sent), runs <paramref name="run"/> on each on its own task, and returns each node's outcome.</summary>
    public async Task<Dictionary<string, Task<T>>> RunOnAsync<T>(IEnumerable<string> nodeIds, SessionId session, Func<SessionMessenger, Task<T>> run)
    {
        var messengers = nodeIds.ToDictionary(id => id, id => Routers[id].OpenSession(session), StringComparer.Ordinal);
        try
        {
            var tasks = messengers.ToDictionary(kv => kv.Key, kv => Task.Run(() => run(kv.Value)), StringComparer.Ordinal);
            try
            {
                await Task.WhenAll(tasks.Values);
            }
            catch (Exception)
            {
                // outcomes are inspected per node by the caller
            }

            return tasks;
        }
        finally
        {
            foreach (var m in messengers.Values)
            {
                m.Dispose();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var loop in _loops)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
        }

        foreach (var t in _transports)
        {
            t.Dispose();
        }

        _stop.Dispose();
        Cluster.Dispose();
    }
}

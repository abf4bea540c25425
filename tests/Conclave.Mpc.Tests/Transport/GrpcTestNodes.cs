using Conclave.Mpc.Node;
using Conclave.Mpc.Sessions;
using Conclave.Mpc.Tests.Storage;
using Conclave.Mpc.Transport;
using Conclave.Mpc.Transport.Grpc;
using Conclave.Threshold;
using NSec.Cryptography;

namespace Conclave.Mpc.Tests.Transport;

/// <summary>Node keys created by <see cref="NodeKeyStore"/> in temp directories, a signed v2 membership pinning their certificates, and helpers to start <see cref="GrpcNodeHost"/>s on 127.0.0.1 port 0.</summary>
internal sealed class GrpcTestNodes : IAsyncDisposable
{
    private readonly TempDirectory _tmp = new();
    private readonly List<GrpcNodeHost> _hosts = [];

    private GrpcTestNodes()
    {
    }

    public Key Operator { get; } = Key.Create(SignatureAlgorithm.Ed25519);

    public Dictionary<string, NodeKeys> Keys { get; } = new(StringComparer.Ordinal);

    public static async Task<GrpcTestNodes> CreateAsync(params string[] nodeIds)
    {
        var nodes = new GrpcTestNodes();
        foreach (var id in nodeIds)
        {
            await nodes.AddKeysAsync(id);
        }

        return nodes;
    }

    public async Task<NodeKeys> AddKeysAsync(string nodeId)
    {
        var keys = await NodeKeyStore.CreateAsync(_tmp.File(nodeId), nodeId, cancellationToken: TestContext.Current.CancellationToken);
        Keys[nodeId] = keys;
        return keys;
    }

    /// <summary>A verified v2 membership of <paramref name="nodeIds"/> (placeholder ports; hosts dial each other's real ports), with optional pin substitutions.</summary>
    public ClusterMembership Membership(IEnumerable<string> nodeIds, IReadOnlyDictionary<string, string>? pinOf = null)
    {
        var port = 7100;
        var members = nodeIds.Select(id => new ClusterMember(
            Keys[id].PublicIdentity,
            $"127.0.0.1:{++port}",
            Keys[pinOf is not null && pinOf.TryGetValue(id, out var other) ? other : id].TlsCertificateSha256));
        return ClusterMembership.Parse(new ClusterMembership(1, members).Sign(Operator), Operator.PublicKey);
    }

    public async Task<GrpcNodeHost> StartAsync(string nodeId, ClusterMembership membership, IControlHandler? handler = null, GrpcNodeHostOptions? options = null)
    {
        var host = await GrpcNodeHost.StartAsync(
            Keys[nodeId],
            membership,
            handler,
            (options ?? GrpcNodeHostOptions.Default) with { ListenAddress = "127.0.0.1:0", SendTimeout = TimeSpan.FromSeconds(3) },
            cancellationToken: TestContext.Current.CancellationToken);
        _hosts.Add(host);
        return host;
    }

    /// <summary>Points every host at the others' real ports.</summary>
    public static void Connect(params GrpcNodeHost[] hosts)
    {
        foreach (var from in hosts)
        {
            foreach (var to in hosts)
            {
                if (from != to)
                {
                    from.OverridePeerAddress(to.NodeId, $"127.0.0.1:{to.Port}");
                }
            }
        }
    }

    /// <summary>Opens <paramref name="session"/> on each of <paramref name="nodeIds"/>, runs <paramref name="run"/> on each at once and returns every result.</summary>
    public static async Task<Dictionary<string, T>> RunSessionAsync<T>(Dictionary<string, SessionRouter> routers, IEnumerable<string> nodeIds, SessionId session, Func<SessionMessenger, Task<T>> run)
    {
        var messengers = nodeIds.ToDictionary(id => id, id => routers[id].OpenSession(session), StringComparer.Ordinal);
        try
        {
            var tasks = messengers.ToDictionary(kv => kv.Key, kv => Task.Run(() => run(kv.Value)), StringComparer.Ordinal);
            await Task.WhenAll(tasks.Values);
            return tasks.ToDictionary(kv => kv.Key, kv => kv.Value.Result, StringComparer.Ordinal);
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
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        foreach (var keys in Keys.Values)
        {
            keys.Dispose();
        }

        Operator.Dispose();
        _tmp.Dispose();
    }
}

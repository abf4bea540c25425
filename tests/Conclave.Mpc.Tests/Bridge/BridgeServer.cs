using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Conclave.Mpc.Bridge;
using Conclave.Mpc.Node;

namespace Conclave.Mpc.Tests.Bridge;

/// <summary>An embedded cluster, a bridge host over its coordinator and an HTTP client for it.</summary>
public sealed class BridgeServer : IAsyncDisposable
{
    private BridgeServer(EmbeddedCluster cluster, BridgeHost host)
    {
        Cluster = cluster;
        Host = host;
        Client = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromMinutes(2) };
    }

    /// <summary>The nodes and their coordinator.</summary>
    public EmbeddedCluster Cluster { get; }

    /// <summary>The bridge host.</summary>
    public BridgeHost Host { get; }

    /// <summary>A client whose base address is the bridge.</summary>
    public HttpClient Client { get; }

    /// <summary>Starts a cluster under <paramref name="dataDirectory"/> (a new directory) and a bridge on a free loopback port.</summary>
    public static async Task<BridgeServer> StartAsync(string dataDirectory, MpcNodeOptions? options, CancellationToken cancellationToken)
    {
        var cluster = await EmbeddedCluster.StartAsync(dataDirectory, options: options, cancellationToken: cancellationToken);
        try
        {
            var host = await BridgeHost.StartAsync(cluster.Coordinator, port: 0, options?.Metrics, cancellationToken);
            return new BridgeServer(cluster, host);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>POSTs <paramref name="json"/> (sent as is, as application/json) and parses the answer.</summary>
    public async Task<(HttpStatusCode Status, JsonNode Body)> PostAsync(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync(new Uri(path, UriKind.Relative), content, TestContext.Current.CancellationToken);
        return (response.StatusCode, await ParseAsync(response));
    }

    /// <summary>GETs <paramref name="path"/> and parses the answer.</summary>
    public async Task<(HttpStatusCode Status, JsonNode Body)> GetAsync(string path)
    {
        using var response = await Client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        return (response.StatusCode, await ParseAsync(response));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        await Cluster.DisposeAsync();
    }

    /// <summary>Every bridge answer is a JSON object with content type application/json.</summary>
    internal static async Task<JsonNode> ParseAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return JsonNode.Parse(text) as JsonObject ?? throw new InvalidOperationException($"Not a JSON object: {text}");
    }
}

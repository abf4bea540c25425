using System.Net;
using Conclave.Mpc.Node;
using Conclave.Mpc.Observability;
using Conclave.Mpc.Tests.Storage;

namespace Conclave.Mpc.Tests.Bridge;

/// <summary><c>GET /metrics</c>: Prometheus text with session counters, latency histograms and envelope drops by reason.</summary>
public sealed class MetricsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_count_sessions_aborts_and_dropped_envelopes_by_reason()
    {
        using var dir = new TempDirectory();
        var options = new MpcNodeOptions { Metrics = new MpcMetrics(), RoundTimeout = TimeSpan.FromSeconds(2) };
        await using var server = await BridgeServer.StartAsync(dir.File("data"), options, Ct);
        Assert.Equal(HttpStatusCode.OK, (await server.PostAsync("/keygen", """{"walletID":"m1","keyType":"ed25519","threshold":2,"totalParties":3}""")).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.PostAsync("/sign", """{"walletID":"m1","message":"00"}""")).Status);

        // node2's envelopes get one byte flipped in flight: node1 drops them (counted) and the session aborts naming node2.
        server.Cluster.Network.Interceptor = (from, _, envelope) =>
        {
            if (from == "node2")
            {
                envelope[^1] ^= 1;
            }

            return envelope;
        };
        Assert.Equal(HttpStatusCode.BadGateway, (await server.PostAsync("/sign", """{"walletID":"m1","message":"00","signers":["node1","node2"]}""")).Status);
        server.Cluster.Network.Interceptor = null;

        using var response = await server.Client.GetAsync(new Uri("/metrics", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("conclave_sessions_started_total{node=\"node1\",protocol=\"frost\",kind=\"keygen\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("conclave_sessions_completed_total{node=\"node1\",protocol=\"frost\",kind=\"sign\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("conclave_sessions_aborted_total{node=\"node1\",protocol=\"frost\",kind=\"sign\",reason=\"timeout\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("conclave_session_duration_seconds_count{node=\"node2\",protocol=\"frost\",kind=\"keygen\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("conclave_round_wait_seconds_count{node=\"node1\",protocol=\"frost\",round=\"1\"}", text, StringComparison.Ordinal);
        var dropped = text.Split('\n').Single(l => l.StartsWith("conclave_envelopes_dropped_total{node=\"node1\",reason=\"BadSignature\"}", StringComparison.Ordinal));
        Assert.True(long.Parse(dropped.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) >= 1, dropped);
        Assert.DoesNotContain("m1", text, StringComparison.Ordinal); // no wallet ids (nor anything else secret) in labels
    }
}

using Conclave.Mpc.Transport;
using Prometheus;

namespace Conclave.Mpc.Observability;

/// <summary>
/// The MPC metrics of one process, in their own Prometheus registry (served at <c>/metrics</c> by
/// the bridge host): sessions started, completed and aborted by node, protocol and kind; session
/// and per-round latency histograms; envelopes dropped by node and reason (read from each node's
/// opener when scraped). Labels carry node ids, protocol names and reasons only — never a wallet
/// id, key, share or nonce.
/// </summary>
public sealed class MpcMetrics
{
    private static readonly double[] LatencyBuckets = Histogram.ExponentialBuckets(0.0005, 2, 18); // 0.5 ms … ~65 s

    private readonly Counter _started;
    private readonly Counter _completed;
    private readonly Counter _aborted;
    private readonly Histogram _sessionSeconds;
    private readonly Histogram _roundSeconds;
    private readonly Counter _dropped;
    private readonly Counter _sendFailures;
    private readonly Counter _inboxDrops;
    private readonly Counter _refusedClients;
    private readonly Gauge _presignaturesPooled;
    private readonly Counter _presignaturesUsed;
    private readonly Counter _presignaturesRefilled;
    private readonly Counter _presignatureFallbacks;
    private readonly List<(string Node, Func<long> SendFailures, Func<long> InboxDrops, Func<long> RefusedClients)> _transportSources = [];
    private readonly List<(string Node, Func<IReadOnlyDictionary<DropReason, long>> Counts)> _dropSources = [];
    private readonly Lock _lock = new();

    /// <summary>Creates the metrics in a new registry.</summary>
    public MpcMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        string[] session = ["node", "protocol", "kind"];
        _started = factory.CreateCounter("conclave_sessions_started_total", "MPC sessions this node started running.", session);
        _completed = factory.CreateCounter("conclave_sessions_completed_total", "MPC sessions this node finished successfully.", session);
        _aborted = factory.CreateCounter("conclave_sessions_aborted_total", "MPC sessions that ended in an error on this node, by reason.", [.. session, "reason"]);
        _sessionSeconds = factory.CreateHistogram("conclave_session_duration_seconds", "Time a node spent running a session.", new HistogramConfiguration { LabelNames = session, Buckets = LatencyBuckets });
        _roundSeconds = factory.CreateHistogram("conclave_round_wait_seconds", "Time a node waited for one round's messages from the other parties.", new HistogramConfiguration { LabelNames = ["node", "protocol", "round"], Buckets = LatencyBuckets });
        _dropped = factory.CreateCounter("conclave_envelopes_dropped_total", "Envelopes a node refused, by reason (forged, replayed, out of window, foreign session, ...).", ["node", "reason"]);
        _sendFailures = factory.CreateCounter("conclave_transport_send_failures_total", "Envelopes a node could not deliver to a peer (down, refused, timed out).", ["node"]);
        _inboxDrops = factory.CreateCounter("conclave_transport_inbox_drops_total", "Envelopes a node received but dropped because its inbox was full.", ["node"]);
        _refusedClients = factory.CreateCounter("conclave_transport_refused_clients_total", "TLS clients a node refused because their certificate is not pinned in the membership.", ["node"]);
        _presignaturesPooled = factory.CreateGauge("conclave_presignatures_pooled", "CGGMP21 presignatures the coordinator holds ready (ids; the secrets are on the nodes).");
        _presignaturesUsed = factory.CreateCounter("conclave_presignatures_used_total", "Signs that used a pooled presignature (one round).");
        _presignaturesRefilled = factory.CreateCounter("conclave_presignatures_refilled_total", "Presignatures the coordinator had the nodes make ahead.");
        _presignatureFallbacks = factory.CreateCounter("conclave_presignature_fallbacks_total", "Message signs that ran a fresh presignature because a pooled one was missing on a signer.");
        Registry.AddBeforeCollectCallback(CollectDrops);
    }

    /// <summary>The registry to serve.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Reads <paramref name="counts"/> for <paramref name="nodeId"/>'s drop counter at each scrape.</summary>
    public void AddDropSource(string nodeId, Func<IReadOnlyDictionary<DropReason, long>> counts)
    {
        lock (_lock)
        {
            _dropSources.Add((nodeId, counts));
        }
    }

    /// <summary>Reads a node's gRPC transport counters at each scrape.</summary>
    public void AddTransportSource(string nodeId, Func<long> sendFailures, Func<long> inboxDrops, Func<long> refusedClients)
    {
        lock (_lock)
        {
            _transportSources.Add((nodeId, sendFailures, inboxDrops, refusedClients));
        }
    }

    internal void Started(string node, string protocol, string kind) => _started.WithLabels(node, protocol, kind).Inc();

    internal void Completed(string node, string protocol, string kind, TimeSpan elapsed)
    {
        _completed.WithLabels(node, protocol, kind).Inc();
        _sessionSeconds.WithLabels(node, protocol, kind).Observe(elapsed.TotalSeconds);
    }

    internal void Aborted(string node, string protocol, string kind, string reason, TimeSpan elapsed)
    {
        _aborted.WithLabels(node, protocol, kind, reason).Inc();
        _sessionSeconds.WithLabels(node, protocol, kind).Observe(elapsed.TotalSeconds);
    }

    internal void PresignaturesPooled(int count) => _presignaturesPooled.Set(count);

    internal void PresignatureUsed() => _presignaturesUsed.Inc();

    internal void PresignatureRefilled() => _presignaturesRefilled.Inc();

    internal void PresignatureFallback() => _presignatureFallbacks.Inc();

    internal void RoundWaited(string node, string protocol, int round, TimeSpan waited) =>
        _roundSeconds.WithLabels(node, protocol, round.ToString(System.Globalization.CultureInfo.InvariantCulture)).Observe(waited.TotalSeconds);

    private void CollectDrops()
    {
        lock (_lock)
        {
            foreach (var (node, counts) in _dropSources)
            {
                foreach (var (reason, count) in counts())
                {
                    _dropped.WithLabels(node, reason.ToString()).IncTo(count);
                }
            }

            foreach (var (node, sendFailures, inboxDrops, refusedClients) in _transportSources)
            {
                _sendFailures.WithLabels(node).IncTo(sendFailures());
                _inboxDrops.WithLabels(node).IncTo(inboxDrops());
                _refusedClients.WithLabels(node).IncTo(refusedClients());
            }
        }
    }
}

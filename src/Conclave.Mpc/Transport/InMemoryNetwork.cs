using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Conclave.Mpc.Transport;

/// <summary>
/// Delivers envelopes between nodes of one process (<c>conclave up</c>, fast tests): one unbounded
/// inbox per node, in order per sender. <see cref="Interceptor"/> is a man in the middle for tests:
/// it sees every envelope in flight and may pass, alter, replace or drop it, and
/// <see cref="Inject"/> delivers extra envelopes (duplicates, replays) past it.
/// </summary>
public sealed class InMemoryNetwork
{
    private readonly ConcurrentDictionary<string, Channel<byte[]>> _inboxes = new(StringComparer.Ordinal);
    private Func<string, string, byte[], byte[]?>? _interceptor;
    private long _undeliverable;

    /// <summary>
    /// Called as (from, to, envelope) for every envelope sent; returns the envelope to deliver
    /// (the same array, possibly altered in place, or another one) or <see langword="null"/> to
    /// drop it. May run concurrently for different senders. <see langword="null"/>: pass everything.
    /// </summary>
    public Func<string, string, byte[], byte[]?>? Interceptor
    {
        get => Volatile.Read(ref _interceptor);
        set => Volatile.Write(ref _interceptor, value);
    }

    /// <summary>Envelopes sent to a node id with no transport on this network (dropped, as a real network would).</summary>
    public long UndeliverableCount => Interlocked.Read(ref _undeliverable);

    /// <summary>Attaches a node and returns its transport.</summary>
    /// <exception cref="InvalidOperationException">A node with this id is already attached.</exception>
    public InMemoryTransport Connect(string nodeId)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        var inbox = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
        if (!_inboxes.TryAdd(nodeId, inbox))
        {
            throw new InvalidOperationException($"Node {nodeId} is already attached to this network.");
        }

        return new InMemoryTransport(this, nodeId, inbox.Reader);
    }

    /// <summary>Delivers <paramref name="envelope"/> straight into <paramref name="recipientNodeId"/>'s inbox, bypassing <see cref="Interceptor"/>.</summary>
    /// <returns>Whether the recipient is attached.</returns>
    public bool Inject(string recipientNodeId, byte[] envelope)
    {
        ArgumentNullException.ThrowIfNull(recipientNodeId);
        ArgumentNullException.ThrowIfNull(envelope);
        return _inboxes.TryGetValue(recipientNodeId, out var inbox) && inbox.Writer.TryWrite(envelope);
    }

    internal ValueTask SendAsync(string from, string to, byte[] envelope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(envelope);
        cancellationToken.ThrowIfCancellationRequested();
        var delivered = Interceptor is { } intercept ? intercept(from, to, envelope) : envelope;
        if (delivered is null)
        {
            return ValueTask.CompletedTask;
        }

        if (!_inboxes.TryGetValue(to, out var inbox))
        {
            Interlocked.Increment(ref _undeliverable);
            return ValueTask.CompletedTask;
        }

        return inbox.Writer.WriteAsync(delivered, cancellationToken);
    }

    internal void Disconnect(string nodeId)
    {
        if (_inboxes.TryRemove(nodeId, out var inbox))
        {
            inbox.Writer.TryComplete();
        }
    }
}

using System.Threading.Channels;

namespace Conclave.Mpc.Transport;

/// <summary>One node's attachment to an <see cref="InMemoryNetwork"/>. Disposing detaches it and completes its inbox.</summary>
public sealed class InMemoryTransport : ITransport, IDisposable
{
    private readonly InMemoryNetwork _network;

    internal InMemoryTransport(InMemoryNetwork network, string nodeId, ChannelReader<byte[]> inbox)
    {
        _network = network;
        NodeId = nodeId;
        Inbox = inbox;
    }

    /// <inheritdoc />
    public string NodeId { get; }

    /// <inheritdoc />
    public ChannelReader<byte[]> Inbox { get; }

    /// <inheritdoc />
    public ValueTask SendAsync(string recipientNodeId, byte[] envelope, CancellationToken cancellationToken = default) =>
        _network.SendAsync(NodeId, recipientNodeId, envelope, cancellationToken);

    /// <summary>Detaches this node from the network.</summary>
    public void Dispose() => _network.Disconnect(NodeId);

    /// <inheritdoc />
    public override string ToString() => $"InMemoryTransport({NodeId})";
}

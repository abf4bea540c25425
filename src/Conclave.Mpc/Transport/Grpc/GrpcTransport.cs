using System.Threading.Channels;

namespace Conclave.Mpc.Transport.Grpc;

/// <summary>
/// The <see cref="ITransport"/> of a <see cref="GrpcNodeHost"/>: envelopes arrive on
/// <see cref="Inbox"/> from authenticated members, and <see cref="SendAsync"/> delivers to a
/// member over mutual TLS pinned to the membership. A failed delivery (peer down, refused, too
/// large, unknown recipient) does not throw: it is counted in <see cref="GrpcNodeHost.SendFailures"/>.
/// </summary>
public sealed class GrpcTransport : ITransport
{
    private readonly GrpcNodeHost _host;

    internal GrpcTransport(GrpcNodeHost host, ChannelReader<byte[]> inbox)
    {
        _host = host;
        Inbox = inbox;
    }

    /// <inheritdoc />
    public string NodeId => _host.NodeId;

    /// <inheritdoc />
    public ChannelReader<byte[]> Inbox { get; }

    /// <inheritdoc />
    public ValueTask SendAsync(string recipientNodeId, byte[] envelope, CancellationToken cancellationToken = default) =>
        _host.DeliverAsync(recipientNodeId, envelope, cancellationToken);

    /// <inheritdoc />
    public override string ToString() => $"GrpcTransport({NodeId})";
}

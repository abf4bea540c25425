using System.Threading.Channels;

namespace Conclave.Mpc.Transport;

/// <summary>
/// Moves sealed envelopes (<see cref="EnvelopeSealer"/>) between nodes. A transport is not trusted:
/// it may drop, reorder, duplicate or alter envelopes, and the receiving
/// <see cref="EnvelopeOpener"/> decides what is authentic. One transport per node.
/// </summary>
/// <remarks>
/// Receiving is pull-based: every envelope addressed to this node appears on <see cref="Inbox"/>,
/// which has a single reader (on a node, <see cref="Sessions.SessionRouter.RunAsync"/>).
/// </remarks>
public interface ITransport
{
    /// <summary>This node's id.</summary>
    string NodeId { get; }

    /// <summary>Envelopes addressed to this node, as received (unopened, unauthenticated).</summary>
    ChannelReader<byte[]> Inbox { get; }

    /// <summary>Sends a sealed envelope to <paramref name="recipientNodeId"/>. Delivery is not guaranteed.</summary>
    ValueTask SendAsync(string recipientNodeId, byte[] envelope, CancellationToken cancellationToken = default);
}

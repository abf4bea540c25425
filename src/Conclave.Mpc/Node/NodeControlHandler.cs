using Conclave.Mpc.Coordination;
using Conclave.Mpc.Transport.Grpc;

namespace Conclave.Mpc.Node;

/// <summary>
/// Serves an <see cref="MpcNode"/>'s <see cref="INodeControl"/> to the other members over the gRPC
/// control call (callers are authenticated by their pinned TLS certificates). Created before the
/// node exists (the node needs the host's transport); until <see cref="Node"/> is set every call
/// answers that the node is starting.
/// </summary>
public sealed class NodeControlHandler : IControlHandler
{
    private MpcNode? _node;

    /// <summary>The node served.</summary>
    public MpcNode? Node
    {
        get => Volatile.Read(ref _node);
        set => Volatile.Write(ref _node, value);
    }

    /// <inheritdoc />
    public async Task<byte[]> HandleAsync(string callerNodeId, string method, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        ControlReply reply;
        try
        {
            var node = Node ?? throw new MpcRequestException(MpcErrorCode.NoQuorum, "The node is starting.");
            reply = method switch
            {
                ControlMessages.Prepare => await Do(node.PrepareAsync(Request(body), cancellationToken)).ConfigureAwait(false),
                ControlMessages.Run => new ControlReply { Outcome = await node.RunAsync(Request(body), cancellationToken).ConfigureAwait(false) },
                ControlMessages.Commit => await Do(node.CommitAsync(Request(body), cancellationToken)).ConfigureAwait(false),
                ControlMessages.Abort => await Do(node.AbortAsync(Request(body), cancellationToken)).ConfigureAwait(false),
                ControlMessages.Wallet => new ControlReply
                {
                    Wallet = await node.GetWalletAsync(ControlMessages.Decode(body.Span, ControlJsonContext.Default.WalletQuery).WalletId, cancellationToken).ConfigureAwait(false),
                },
                ControlMessages.Health => new ControlReply { Health = await node.HealthAsync(cancellationToken).ConfigureAwait(false) },
                _ => throw new NotSupportedException($"Unknown control method '{method}'."),
            };
        }
        catch (MpcRequestException e)
        {
            reply = ControlMessages.ErrorReply(e);
        }

        return ControlMessages.Encode(reply, ControlJsonContext.Default.ControlReply);
    }

    private static SessionRequest Request(ReadOnlyMemory<byte> body) => ControlMessages.Decode(body.Span, ControlJsonContext.Default.SessionRequest);

    private static async Task<ControlReply> Do(Task action)
    {
        await action.ConfigureAwait(false);
        return new ControlReply();
    }
}

using Conclave.Mpc.Transport.Grpc.Protocol;
using Google.Protobuf;
using Grpc.Core;

namespace Conclave.Mpc.Transport.Grpc.Internal;

/// <summary>The server side of <c>conclave.node.v1.NodeTransport</c>, bound to one <see cref="GrpcNodeHost"/>.</summary>
internal sealed class NodeTransportService : NodeTransport.NodeTransportBase
{
    private static readonly DeliverReply Delivered = new();

    private readonly GrpcNodeHost _host;

    public NodeTransportService(GrpcNodeHost host)
    {
        _host = host;
    }

    public override Task<DeliverReply> Deliver(Envelope request, ServerCallContext context)
    {
        var caller = _host.AuthenticateCaller(context);
        if (request.Data.Length == 0 || request.Data.Length > _host.Options.MaxEnvelopeBytes)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "envelope size out of range"));
        }

        _host.Enqueue(caller, request.Data.ToByteArray());
        return Task.FromResult(Delivered);
    }

    public override async Task<ControlReply> Call(ControlRequest request, ServerCallContext context)
    {
        var caller = _host.AuthenticateCaller(context);
        var handler = _host.ControlHandler ?? throw new RpcException(new Status(StatusCode.Unimplemented, "no control handler"));
        if (!GrpcNodeHost.IsValidMethod(request.Method))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "bad method name"));
        }

        if (request.Body.Length > _host.Options.MaxControlBodyBytes)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, "request body too large"));
        }

        byte[] reply;
        try
        {
            reply = await handler.HandleAsync(caller, request.Method, request.Body.Memory, context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException)
        {
            var status = e switch
            {
                ArgumentException => new Status(StatusCode.InvalidArgument, Short(e.Message)),
                InvalidOperationException => new Status(StatusCode.FailedPrecondition, Short(e.Message)),
                UnauthorizedAccessException => new Status(StatusCode.PermissionDenied, Short(e.Message)),
                NotSupportedException => new Status(StatusCode.Unimplemented, Short(e.Message)),
                OperationCanceledException when context.CancellationToken.IsCancellationRequested => new Status(StatusCode.Cancelled, "cancelled"),
                _ => new Status(StatusCode.Internal, "control call failed"),
            };
            GrpcLog.ControlFailed(_host.Logger, request.Method, caller, status.StatusCode.ToString());
            throw new RpcException(status);
        }

        ArgumentNullException.ThrowIfNull(reply, nameof(IControlHandler.HandleAsync));
        if (reply.Length > _host.Options.MaxControlBodyBytes)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, "reply body too large"));
        }

        return new ControlReply { Body = UnsafeByteOperations.UnsafeWrap(reply) };
    }

    private static string Short(string message) => message.Length <= 200 ? message : message[..200];
}

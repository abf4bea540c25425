namespace Conclave.Mpc.Transport.Grpc;

/// <summary>
/// Handles control calls (<see cref="GrpcNodeHost.CallAsync"/>) that other members make to this
/// node. The caller id is the member whose pinned TLS certificate authenticated the connection.
/// </summary>
/// <remarks>
/// Exceptions become gRPC statuses with a short message: <see cref="ArgumentException"/> →
/// InvalidArgument, <see cref="InvalidOperationException"/> → FailedPrecondition,
/// <see cref="UnauthorizedAccessException"/> → PermissionDenied, <see cref="NotSupportedException"/>
/// → Unimplemented, a <c>Grpc.Core.RpcException</c> passes through as is, anything else → Internal
/// (message "control call failed"; the exception's own message is not sent).
/// </remarks>
public interface IControlHandler
{
    /// <summary>Handles one call and returns the reply body.</summary>
    Task<byte[]> HandleAsync(string callerNodeId, string method, ReadOnlyMemory<byte> body, CancellationToken cancellationToken);
}

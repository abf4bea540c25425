using Microsoft.Extensions.Logging;

namespace Conclave.Mpc.Transport.Grpc.Internal;

/// <summary>Log events of the gRPC transport (ids 3100-3199). Node ids, methods, sizes and statuses only; never envelope or body bytes.</summary>
internal static partial class GrpcLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Node {NodeId} listening for members on {Address}")]
    public static partial void Listening(ILogger logger, string nodeId, string address);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Refused a TLS client certificate not pinned in the membership (sha256 {Sha256Prefix}…)")]
    public static partial void ClientRefused(ILogger logger, string sha256Prefix);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Delivery from {NodeId} to {RecipientNodeId} failed: {Reason}")]
    public static partial void SendFailed(ILogger logger, string nodeId, string recipientNodeId, string reason);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Inbox of {NodeId} full: dropped an envelope from {SenderNodeId}")]
    public static partial void InboxFull(ILogger logger, string nodeId, string senderNodeId);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Refused a server certificate from {RecipientNodeId}: it does not match the membership's pin")]
    public static partial void ServerRefused(ILogger logger, string recipientNodeId);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "Control call {Method} from {CallerNodeId} failed with {Status}")]
    public static partial void ControlFailed(ILogger logger, string method, string callerNodeId, string status);
}

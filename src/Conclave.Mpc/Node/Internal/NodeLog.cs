using Microsoft.Extensions.Logging;

namespace Conclave.Mpc.Node.Internal;

/// <summary>Log events of MPC nodes (ids 3200-3299): session ids, wallet ids, node ids and reasons only; never a share, nonce or key.</summary>
internal static partial class NodeLog
{
    [LoggerMessage(EventId = 3200, Level = LogLevel.Information, Message = "Node {NodeId} runs {Protocol} {Kind} session {Session} for wallet {WalletId} with {Parties}")]
    public static partial void SessionStarted(ILogger logger, string nodeId, string protocol, string kind, string session, string walletId, IReadOnlyList<string> parties);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Node {NodeId} completed {Protocol} {Kind} session {Session} in {Milliseconds} ms")]
    public static partial void SessionCompleted(ILogger logger, string nodeId, string protocol, string kind, string session, long milliseconds);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "Node {NodeId} aborted {Protocol} {Kind} session {Session} ({Reason}); culprits: {Culprits}; {Detail}")]
    public static partial void SessionAborted(ILogger logger, string nodeId, string protocol, string kind, string session, string reason, IReadOnlyList<string> culprits, string detail);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Information, Message = "Node {NodeId} refused to prepare {Kind} for wallet {WalletId}: {Code}: {Detail}")]
    public static partial void PrepareRefused(ILogger logger, string nodeId, string kind, string walletId, string code, string detail);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Information, Message = "Node {NodeId} committed wallet {WalletId}")]
    public static partial void Committed(ILogger logger, string nodeId, string walletId);
}

namespace Conclave.Mpc.Coordination;

/// <summary>Why an MPC request failed; the bridge API maps each to an HTTP status (docs/bridge-api.md).</summary>
public enum MpcErrorCode
{
    /// <summary>The request is malformed or inconsistent (HTTP 400).</summary>
    InvalidRequest,

    /// <summary>No such wallet (HTTP 404).</summary>
    WalletNotFound,

    /// <summary>The wallet id is taken (HTTP 409).</summary>
    WalletExists,

    /// <summary>Too few nodes are reachable for the request (HTTP 503).</summary>
    NoQuorum,

    /// <summary>The protocol aborted; <see cref="MpcRequestException.Culprits"/> names the parties to blame (HTTP 502).</summary>
    ProtocolAbort,

    /// <summary>A node's own policy refused to take part (HTTP 403).</summary>
    PolicyDenied,

    /// <summary>An unexpected failure inside a node (HTTP 500); the message names no secret.</summary>
    Internal,
}

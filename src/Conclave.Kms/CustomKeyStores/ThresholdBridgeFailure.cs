namespace Conclave.Kms.CustomKeyStores;

/// <summary>How a bridge call failed.</summary>
public enum ThresholdBridgeFailure
{
    /// <summary>No connection (refused, DNS, TLS).</summary>
    Unreachable,

    /// <summary>The call took longer than its timeout.</summary>
    Timeout,

    /// <summary>400: the bridge refused the request as invalid.</summary>
    InvalidRequest,

    /// <summary>404: the wallet does not exist.</summary>
    WalletNotFound,

    /// <summary>409: the wallet exists already.</summary>
    WalletExists,

    /// <summary>403: a node's policy refused.</summary>
    PolicyDenied,

    /// <summary>503: not enough nodes for a quorum.</summary>
    NoQuorum,

    /// <summary>502: the protocol aborted (a node misbehaved or failed).</summary>
    ProtocolAbort,

    /// <summary>The answer was not what the API documents (status, JSON, hex, lengths).</summary>
    InvalidResponse,
}

namespace Conclave.Mpc.Transport;

/// <summary>Why a signed membership file was refused.</summary>
public enum MembershipError
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>Truncated, trailing bytes, bad magic or a length out of range.</summary>
    Malformed,

    /// <summary>The format version is not one this build reads.</summary>
    UnsupportedVersion,

    /// <summary>The operator's signature does not verify.</summary>
    BadSignature,

    /// <summary>A node id is not <c>[a-z0-9-]{1,32}</c>.</summary>
    InvalidNodeId,

    /// <summary>A public key is not a valid key.</summary>
    InvalidKey,

    /// <summary>An address is not a <c>host:port</c> string.</summary>
    InvalidAddress,

    /// <summary>Two entries share a node id.</summary>
    DuplicateNodeId,

    /// <summary>Two entries share a public key (signing or agreement) or a TLS certificate pin.</summary>
    DuplicateKey,

    /// <summary>Entries are not in the canonical (ascending ordinal node id) order.</summary>
    NotCanonical,

    /// <summary>The membership lists no node.</summary>
    Empty,

    /// <summary>Some entries pin a TLS certificate and others do not (only when building one; a file cannot express it).</summary>
    MixedTlsPins,
}

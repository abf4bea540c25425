namespace Conclave.Kms.Storage;

/// <summary>
/// A custom key store as stored: an MPC cluster (reached through its bridge) that holds the shares
/// of a tenant's threshold-backed keys. Public data only; the bridge endpoint carries no credentials.
/// Every change writes a record whose <see cref="Revision"/> is one more than the one it replaces.
/// </summary>
public sealed record CustomKeyStoreRecord
{
    /// <summary>The owning account.</summary>
    public required string Tenant { get; init; }

    /// <summary>The id, <c>cks-</c> and 17 lowercase hex digits, as AWS issues them.</summary>
    public required string CustomKeyStoreId { get; init; }

    /// <summary>The name, unique within the tenant.</summary>
    public required string Name { get; init; }

    /// <summary><c>EXTERNAL_KEY_STORE</c> or the Conclave extension <c>CONCLAVE_MPC</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The bridge's base URL (scheme, host, optional port).</summary>
    public required string Endpoint { get; init; }

    /// <summary>The path under the endpoint the bridge answers on (<c>/</c> by default).</summary>
    public string Path { get; init; } = "/";

    /// <summary><c>DISCONNECTED</c>, <c>CONNECTED</c> or <c>FAILED</c>.</summary>
    public required string ConnectionState { get; init; }

    /// <summary>Why the last connection attempt failed, when <see cref="ConnectionState"/> is FAILED.</summary>
    public string? ConnectionErrorCode { get; init; }

    /// <summary>When the store was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Optimistic-concurrency counter: 1 for a new store, +1 per change.</summary>
    public required long Revision { get; init; }
}

using System.Text.Json.Serialization;

namespace Conclave.Kms.Api.Actions;

/// <summary>
/// XksProxyAuthenticationCredential: accepted for SDK compatibility and not stored (the MPC bridge
/// of this version has no request authentication; see docs/kms.md).
/// </summary>
public sealed record XksProxyAuthenticationCredential(string? AccessKeyId, string? RawSecretAccessKey)
{
    /// <inheritdoc />
    public override string ToString() => "XksProxyAuthenticationCredential { <redacted> }";
}

/// <summary>CreateCustomKeyStore request (AWS shape; CloudHSM members are refused).</summary>
public sealed record CreateCustomKeyStoreRequest
{
    /// <summary>The name, unique in the account.</summary>
    public string? CustomKeyStoreName { get; init; }

    /// <summary><c>EXTERNAL_KEY_STORE</c> or <c>CONCLAVE_MPC</c>; AWS's default AWS_CLOUDHSM is not supported.</summary>
    public string? CustomKeyStoreType { get; init; }

    /// <summary>The MPC bridge's base URL.</summary>
    public string? XksProxyUriEndpoint { get; init; }

    /// <summary>Optional path under the endpoint.</summary>
    public string? XksProxyUriPath { get; init; }

    /// <summary>Only PUBLIC_ENDPOINT.</summary>
    public string? XksProxyConnectivity { get; init; }

    /// <summary>Accepted, not stored.</summary>
    public XksProxyAuthenticationCredential? XksProxyAuthenticationCredential { get; init; }

    /// <summary>Refused (no VPC endpoints).</summary>
    public string? XksProxyVpcEndpointServiceName { get; init; }

    /// <summary>Refused (no VPC endpoints).</summary>
    public string? XksProxyVpcEndpointServiceOwner { get; init; }

    /// <summary>Refused (no CloudHSM).</summary>
    public string? CloudHsmClusterId { get; init; }

    /// <summary>Refused (no CloudHSM).</summary>
    public string? TrustAnchorCertificate { get; init; }

    /// <summary>Refused (no CloudHSM).</summary>
    public string? KeyStorePassword { get; init; }
}

/// <summary>CreateCustomKeyStore response.</summary>
public sealed record CreateCustomKeyStoreResponse(string CustomKeyStoreId);

/// <summary>ConnectCustomKeyStore, DisconnectCustomKeyStore and DeleteCustomKeyStore request.</summary>
public sealed record CustomKeyStoreIdRequest(string? CustomKeyStoreId);

/// <summary>UpdateCustomKeyStore request.</summary>
public sealed record UpdateCustomKeyStoreRequest
{
    /// <summary>The store.</summary>
    public string? CustomKeyStoreId { get; init; }

    /// <summary>A new name.</summary>
    public string? NewCustomKeyStoreName { get; init; }

    /// <summary>A new bridge base URL.</summary>
    public string? XksProxyUriEndpoint { get; init; }

    /// <summary>A new path.</summary>
    public string? XksProxyUriPath { get; init; }

    /// <summary>Only PUBLIC_ENDPOINT.</summary>
    public string? XksProxyConnectivity { get; init; }

    /// <summary>Accepted, not stored.</summary>
    public XksProxyAuthenticationCredential? XksProxyAuthenticationCredential { get; init; }

    /// <summary>Refused.</summary>
    public string? XksProxyVpcEndpointServiceName { get; init; }

    /// <summary>Refused.</summary>
    public string? CloudHsmClusterId { get; init; }

    /// <summary>Refused.</summary>
    public string? KeyStorePassword { get; init; }
}

/// <summary>DescribeCustomKeyStores request.</summary>
public sealed record DescribeCustomKeyStoresRequest(string? CustomKeyStoreId, string? CustomKeyStoreName, int? Limit, string? Marker);

/// <summary>XksProxyConfiguration as DescribeCustomKeyStores answers it.</summary>
public sealed record XksProxyConfiguration(string Connectivity, string UriEndpoint, string UriPath);

/// <summary>One custom key store as DescribeCustomKeyStores answers it.</summary>
public sealed record CustomKeyStoresListEntry
{
    /// <summary>Id.</summary>
    public required string CustomKeyStoreId { get; init; }

    /// <summary>Name.</summary>
    public required string CustomKeyStoreName { get; init; }

    /// <summary>Type.</summary>
    public required string CustomKeyStoreType { get; init; }

    /// <summary>DISCONNECTED, CONNECTED or FAILED.</summary>
    public required string ConnectionState { get; init; }

    /// <summary>Why the last connection failed.</summary>
    public string? ConnectionErrorCode { get; init; }

    /// <summary>Creation time.</summary>
    [JsonConverter(typeof(EpochSecondsConverter))]
    public required DateTimeOffset CreationDate { get; init; }

    /// <summary>The bridge endpoint.</summary>
    public required XksProxyConfiguration XksProxyConfiguration { get; init; }
}

/// <summary>DescribeCustomKeyStores response.</summary>
public sealed record DescribeCustomKeyStoresResponse(IReadOnlyList<CustomKeyStoresListEntry> CustomKeyStores, string? NextMarker, bool Truncated);

using System.Text.Json.Serialization;

namespace Conclave.Kms.Api.Actions;

/// <summary>A grant's encryption-context constraints: at most one of the two.</summary>
public sealed record GrantConstraints
{
    /// <summary>The request's context must contain every one of these pairs (and may have more).</summary>
    public Dictionary<string, string>? EncryptionContextSubset { get; init; }

    /// <summary>The request's context must be exactly these pairs.</summary>
    public Dictionary<string, string>? EncryptionContextEquals { get; init; }
}

/// <summary>CreateGrant request.</summary>
public sealed record CreateGrantRequest
{
    /// <summary>Key id or key ARN.</summary>
    public string? KeyId { get; init; }

    /// <summary>The principal ARN receiving the permissions.</summary>
    public string? GranteePrincipal { get; init; }

    /// <summary>The principal ARN that may retire the grant.</summary>
    public string? RetiringPrincipal { get; init; }

    /// <summary>The grant operations (AWS names).</summary>
    public IReadOnlyList<string>? Operations { get; init; }

    /// <summary>Encryption-context constraints.</summary>
    public GrantConstraints? Constraints { get; init; }

    /// <summary>Grant tokens.</summary>
    public IReadOnlyList<string>? GrantTokens { get; init; }

    /// <summary>A friendly name.</summary>
    public string? Name { get; init; }

    /// <summary>Checks permissions only.</summary>
    public bool? DryRun { get; init; }
}

/// <summary>CreateGrant response.</summary>
public sealed record CreateGrantResponse(string GrantToken, string GrantId);

/// <summary>ListGrants request.</summary>
public sealed record ListGrantsRequest
{
    /// <summary>Key id or key ARN.</summary>
    public string? KeyId { get; init; }

    /// <summary>1–100, default 50.</summary>
    public int? Limit { get; init; }

    /// <summary>Pagination marker.</summary>
    public string? Marker { get; init; }

    /// <summary>Only this grant.</summary>
    public string? GrantId { get; init; }

    /// <summary>Only grants to this principal.</summary>
    public string? GranteePrincipal { get; init; }
}

/// <summary>One grant as ListGrants shows it.</summary>
public sealed record GrantListEntry
{
    /// <summary>The key ARN.</summary>
    public required string KeyId { get; init; }

    /// <summary>The grant id.</summary>
    public required string GrantId { get; init; }

    /// <summary>The name, if any.</summary>
    public string? Name { get; init; }

    /// <summary>When the grant was created.</summary>
    [JsonConverter(typeof(EpochSecondsConverter))]
    public required DateTimeOffset CreationDate { get; init; }

    /// <summary>The grantee.</summary>
    public required string GranteePrincipal { get; init; }

    /// <summary>The retiring principal, if any.</summary>
    public string? RetiringPrincipal { get; init; }

    /// <summary>The root ARN of the account that created the grant.</summary>
    public required string IssuingAccount { get; init; }

    /// <summary>The operations.</summary>
    public required IReadOnlyList<string> Operations { get; init; }

    /// <summary>The constraints, if any.</summary>
    public GrantConstraints? Constraints { get; init; }
}

/// <summary>ListGrants response.</summary>
public sealed record ListGrantsResponse(IReadOnlyList<GrantListEntry> Grants, string? NextMarker, bool Truncated);

/// <summary>ListRetirableGrants request (the response is a <see cref="ListGrantsResponse"/>).</summary>
public sealed record ListRetirableGrantsRequest
{
    /// <summary>The retiring principal ARN the grants must name.</summary>
    public string? RetiringPrincipal { get; init; }

    /// <summary>1–100, default 50.</summary>
    public int? Limit { get; init; }

    /// <summary>Pagination marker.</summary>
    public string? Marker { get; init; }
}

/// <summary>RetireGrant request: the grant token, or the key and grant id.</summary>
public sealed record RetireGrantRequest
{
    /// <summary>The grant token CreateGrant returned.</summary>
    public string? GrantToken { get; init; }

    /// <summary>Key id or key ARN.</summary>
    public string? KeyId { get; init; }

    /// <summary>The grant id.</summary>
    public string? GrantId { get; init; }

    /// <summary>Checks permissions only.</summary>
    public bool? DryRun { get; init; }
}

/// <summary>RevokeGrant request.</summary>
public sealed record RevokeGrantRequest
{
    /// <summary>Key id or key ARN.</summary>
    public string? KeyId { get; init; }

    /// <summary>The grant id.</summary>
    public string? GrantId { get; init; }

    /// <summary>Checks permissions only.</summary>
    public bool? DryRun { get; init; }
}

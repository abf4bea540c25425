namespace Conclave.Kms.Api.Actions;

/// <summary>PutKeyPolicy request.</summary>
public sealed record PutKeyPolicyRequest
{
    /// <summary>Key id or key ARN.</summary>
    public string? KeyId { get; init; }

    /// <summary>Must be <c>default</c> (the default when absent).</summary>
    public string? PolicyName { get; init; }

    /// <summary>The key policy document (JSON).</summary>
    public string? Policy { get; init; }

    /// <summary>Skips the check that the caller can still change the policy afterwards.</summary>
    public bool? BypassPolicyLockoutSafetyCheck { get; init; }
}

/// <summary>GetKeyPolicy request.</summary>
public sealed record GetKeyPolicyRequest
{
    /// <summary>Key id or key ARN.</summary>
    public string? KeyId { get; init; }

    /// <summary>Must be <c>default</c> (the default when absent).</summary>
    public string? PolicyName { get; init; }
}

/// <summary>GetKeyPolicy response.</summary>
public sealed record GetKeyPolicyResponse(string Policy, string PolicyName);

/// <summary>ListKeyPolicies request.</summary>
public sealed record ListKeyPoliciesRequest
{
    /// <summary>Key id or key ARN.</summary>
    public string? KeyId { get; init; }

    /// <summary>1–1000.</summary>
    public int? Limit { get; init; }

    /// <summary>Pagination marker (there is never a second page).</summary>
    public string? Marker { get; init; }
}

/// <summary>ListKeyPolicies response: always <c>["default"]</c>.</summary>
public sealed record ListKeyPoliciesResponse(IReadOnlyList<string> PolicyNames, string? NextMarker, bool Truncated);

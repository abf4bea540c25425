namespace Conclave.Kms.Policies;

/// <summary>One compiled statement of a key policy.</summary>
internal sealed class PolicyStatement
{
    public required string? Sid { get; init; }

    public required bool IsDeny { get; init; }

    public required PolicyPrincipal Principal { get; init; }

    public required bool NotPrincipal { get; init; }

    public required PolicyPattern[] Actions { get; init; }

    public required bool NotAction { get; init; }

    public required PolicyPattern[] Resources { get; init; }

    public required bool NotResource { get; init; }

    public required PolicyCondition[] Conditions { get; init; }

    /// <summary>Whether the statement applies to the request (its Effect then decides).</summary>
    public bool Applies(in PolicyRequest request)
    {
        if (Principal.Matches(request.PrincipalArn, request.PrincipalAccount) == NotPrincipal)
        {
            return false;
        }

        if (AnyMatches(Actions, request.Action, ignoreCase: true) == NotAction)
        {
            return false;
        }

        if (AnyMatches(Resources, request.ResourceArn, ignoreCase: false) == NotResource)
        {
            return false;
        }

        foreach (var condition in Conditions)
        {
            // Fail closed: an unknown operator or key keeps an Allow from applying and makes a Deny apply.
            if (!(condition.Evaluate(request) ?? IsDeny))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AnyMatches(PolicyPattern[] patterns, string value, bool ignoreCase)
    {
        foreach (var pattern in patterns)
        {
            if (pattern.Matches(value, ignoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

namespace Conclave.Kms.Policies;

/// <summary>The outcome of evaluating a key policy for one request, as IAM decides it.</summary>
public enum PolicyDecision
{
    /// <summary>No statement allows the request (and none denies it).</summary>
    ImplicitDeny,

    /// <summary>A statement allows the request and none denies it.</summary>
    Allow,

    /// <summary>A Deny statement applies: it wins over every Allow and every grant.</summary>
    ExplicitDeny,
}

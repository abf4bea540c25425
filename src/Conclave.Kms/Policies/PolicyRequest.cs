namespace Conclave.Kms.Policies;

/// <summary>
/// What a key policy is evaluated against: the action, the caller, the key and the request's
/// condition context. A struct, so evaluating a cached policy allocates nothing.
/// </summary>
public readonly struct PolicyRequest
{
    /// <summary>The IAM action, <c>kms:Encrypt</c>.</summary>
    public required string Action { get; init; }

    /// <summary>The caller's ARN, <c>arn:aws:iam::&lt;account&gt;:user/&lt;name&gt;</c>.</summary>
    public required string PrincipalArn { get; init; }

    /// <summary>The caller's 12-digit account.</summary>
    public required string PrincipalAccount { get; init; }

    /// <summary>The key's ARN.</summary>
    public required string ResourceArn { get; init; }

    /// <summary>The request's encryption context, if any (<c>kms:EncryptionContext:*</c>, <c>kms:EncryptionContextKeys</c>).</summary>
    public IReadOnlyDictionary<string, string>? EncryptionContext { get; init; }

    /// <summary>The alias the request named the key by, if any (<c>kms:RequestAlias</c>).</summary>
    public string? RequestAlias { get; init; }
}

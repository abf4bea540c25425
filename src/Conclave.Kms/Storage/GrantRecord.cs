namespace Conclave.Kms.Storage;

/// <summary>
/// A grant: permission for <see cref="GranteePrincipal"/> to run <see cref="Operations"/> with one
/// key, optionally only with an encryption context that matches <see cref="Constraints"/>.
/// The grant token handed out at creation is stored only as its SHA-256 digest.
/// </summary>
public sealed record GrantRecord
{
    /// <summary>The account owning the key.</summary>
    public required string Tenant { get; init; }

    /// <summary>The key the grant applies to.</summary>
    public required string KeyId { get; init; }

    /// <summary>The grant id (64 hex characters).</summary>
    public required string GrantId { get; init; }

    /// <summary>The caller-chosen name, if any.</summary>
    public string? Name { get; init; }

    /// <summary>The principal ARN the grant gives permissions to.</summary>
    public required string GranteePrincipal { get; init; }

    /// <summary>The principal ARN that may retire the grant, if any.</summary>
    public string? RetiringPrincipal { get; init; }

    /// <summary>The principal ARN that created the grant.</summary>
    public required string IssuingAccount { get; init; }

    /// <summary>The allowed operations (AWS action names).</summary>
    public required IReadOnlyList<string> Operations { get; init; }

    /// <summary>Encryption-context constraints as JSON (<c>{"EncryptionContextSubset":{..}}</c> or <c>...Equals</c>), or null.</summary>
    public string? Constraints { get; init; }

    /// <summary>SHA-256 of the grant token.</summary>
    public required byte[] TokenDigest { get; init; }

    /// <summary>SHA-256 of the further tokens handed out by idempotent CreateGrant retries (all tokens of a grant are interchangeable).</summary>
    public IReadOnlyList<byte[]>? ExtraTokenDigests { get; init; }

    /// <summary>When the grant was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Bumped by every update; <see cref="UpdateGrant"/> applies only over the revision before it (0 for grants stored before revisions existed).</summary>
    public long Revision { get; init; }
}

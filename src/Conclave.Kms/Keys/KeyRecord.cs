namespace Conclave.Kms.Keys;

/// <summary>
/// A KMS key's metadata as stored: public data only (the material lives, wrapped, in
/// <see cref="KeyVersionRecord"/>s). Every change writes a new record whose <see cref="Revision"/> is
/// one more than the one it replaces; the store refuses a write based on a stale revision, so two
/// concurrent updates of one key never silently lose one of them.
/// </summary>
public sealed record KeyRecord
{
    /// <summary>The 12-digit account (tenant) the key belongs to.</summary>
    public required string Tenant { get; init; }

    /// <summary>The key id, a lowercase UUID as AWS issues them.</summary>
    public required string KeyId { get; init; }

    /// <summary>The region named in the key's ARN (the region of the request that created it).</summary>
    public required string Region { get; init; }

    /// <summary>When the key was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The caller's description (at most 8192 characters).</summary>
    public string Description { get; init; } = "";

    /// <summary>The AWS key spec (<c>SYMMETRIC_DEFAULT</c>, <c>RSA_2048</c>, ...).</summary>
    public required string KeySpec { get; init; }

    /// <summary>The AWS key usage (<c>ENCRYPT_DECRYPT</c>, <c>SIGN_VERIFY</c>, ...).</summary>
    public required string KeyUsage { get; init; }

    /// <summary>The lifecycle state.</summary>
    public required KeyState State { get; init; }

    /// <summary>The state a cancelled deletion returns to is always Disabled (as AWS); kept for audit readers.</summary>
    public DateTimeOffset? DeletionDate { get; init; }

    /// <summary>The waiting period of a scheduled deletion, 7–30 days.</summary>
    public int? PendingWindowInDays { get; init; }

    /// <summary>The version new encryptions and signatures use; versions start at 1.</summary>
    public required int CurrentVersion { get; init; }

    /// <summary>Whether automatic rotation is on (symmetric encryption keys only).</summary>
    public bool RotationEnabled { get; init; }

    /// <summary>The automatic rotation period in days (90–2560), when rotation is on.</summary>
    public int? RotationPeriodInDays { get; init; }

    /// <summary>When the next automatic rotation is due, when rotation is on.</summary>
    public DateTimeOffset? NextRotationDate { get; init; }

    /// <summary>The key policy document (JSON).</summary>
    public required string Policy { get; init; }

    /// <summary>Where the material came from: <c>AWS_KMS</c> (generated here) or <c>EXTERNAL_KEY_STORE</c> (threshold-backed).</summary>
    public string Origin { get; init; } = "AWS_KMS";

    /// <summary>The custom key store (MPC cluster) holding the key's shares, for threshold-backed keys.</summary>
    public string? CustomKeyStoreId { get; init; }

    /// <summary>Optimistic-concurrency counter: 1 for a new key, +1 per change.</summary>
    public required long Revision { get; init; }

    /// <summary>The key's ARN.</summary>
    public string Arn => $"arn:aws:kms:{Region}:{Tenant}:key/{KeyId}";
}

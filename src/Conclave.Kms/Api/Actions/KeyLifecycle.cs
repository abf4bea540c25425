using System.Text.Json.Serialization;

namespace Conclave.Kms.Api.Actions;

/// <summary>A tag as AWS writes it.</summary>
public sealed record Tag(string TagKey, string TagValue);

/// <summary>CreateKey request.</summary>
public sealed record CreateKeyRequest
{
    /// <summary>Description.</summary>
    public string? Description { get; init; }

    /// <summary>Key usage; default ENCRYPT_DECRYPT.</summary>
    public string? KeyUsage { get; init; }

    /// <summary>Key spec; default SYMMETRIC_DEFAULT.</summary>
    public string? KeySpec { get; init; }

    /// <summary>Deprecated twin of KeySpec.</summary>
    public string? CustomerMasterKeySpec { get; init; }

    /// <summary>Only AWS_KMS (and EXTERNAL_KEY_STORE with a custom key store) are supported.</summary>
    public string? Origin { get; init; }

    /// <summary>Key policy; default: the account's principals may do everything.</summary>
    public string? Policy { get; init; }

    /// <summary>Skips the lockout check on the policy.</summary>
    public bool? BypassPolicyLockoutSafetyCheck { get; init; }

    /// <summary>Tags.</summary>
    public IReadOnlyList<Tag>? Tags { get; init; }

    /// <summary>Must be false or absent.</summary>
    public bool? MultiRegion { get; init; }

    /// <summary>The custom key store for a threshold-backed key.</summary>
    public string? CustomKeyStoreId { get; init; }
}

/// <summary>CreateKey and DescribeKey response.</summary>
public sealed record KeyMetadataResponse(KeyMetadata KeyMetadata);

/// <summary>A request naming only a key (DescribeKey, EnableKey, DisableKey, CancelKeyDeletion, GetPublicKey...).</summary>
public sealed record KeyIdRequest
{
    /// <summary>Key id, key ARN, alias name or alias ARN.</summary>
    public string? KeyId { get; init; }

    /// <summary>Grant tokens.</summary>
    public IReadOnlyList<string>? GrantTokens { get; init; }
}

/// <summary>ListKeys request.</summary>
public sealed record ListKeysRequest(int? Limit, string? Marker);

/// <summary>One entry of ListKeys.</summary>
public sealed record KeyListEntry(string KeyId, string KeyArn);

/// <summary>ListKeys response.</summary>
public sealed record ListKeysResponse(IReadOnlyList<KeyListEntry> Keys, string? NextMarker, bool Truncated);

/// <summary>UpdateKeyDescription request.</summary>
public sealed record UpdateKeyDescriptionRequest(string? KeyId, string? Description);

/// <summary>ScheduleKeyDeletion request.</summary>
public sealed record ScheduleKeyDeletionRequest(string? KeyId, int? PendingWindowInDays);

/// <summary>ScheduleKeyDeletion response.</summary>
public sealed record ScheduleKeyDeletionResponse(
    string KeyId,
    [property: JsonConverter(typeof(EpochSecondsConverter))] DateTimeOffset DeletionDate,
    string KeyState,
    int PendingWindowInDays);

/// <summary>A response carrying only the key ARN (CancelKeyDeletion, RotateKeyOnDemand).</summary>
public sealed record KeyIdResponse(string KeyId);

/// <summary>The empty JSON object AWS answers with when an action returns nothing.</summary>
public sealed record EmptyResponse;

using System.Text.Json.Serialization;

namespace Conclave.Kms.Api.Actions;

/// <summary>EnableKeyRotation request.</summary>
public sealed record EnableKeyRotationRequest(string? KeyId, int? RotationPeriodInDays);

/// <summary>GetKeyRotationStatus response.</summary>
public sealed record GetKeyRotationStatusResponse
{
    /// <summary>Whether automatic rotation is on.</summary>
    public required bool KeyRotationEnabled { get; init; }

    /// <summary>The key ARN.</summary>
    public required string KeyId { get; init; }

    /// <summary>The automatic rotation period, when rotation is on.</summary>
    public int? RotationPeriodInDays { get; init; }

    /// <summary>When the next automatic rotation is due, when rotation is on.</summary>
    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? NextRotationDate { get; init; }

    /// <summary>When an on-demand rotation in progress started (never set: Conclave rotates on demand synchronously).</summary>
    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? OnDemandRotationStartDate { get; init; }
}

/// <summary>ListKeyRotations request.</summary>
public sealed record ListKeyRotationsRequest(string? KeyId, int? Limit, string? Marker);

/// <summary>One rotation of ListKeyRotations (AWS's <c>RotationsListEntry</c>).</summary>
public sealed record RotationsListEntry(
    string KeyId,
    [property: JsonConverter(typeof(EpochSecondsConverter))] DateTimeOffset RotationDate,
    string RotationType);

/// <summary>ListKeyRotations response.</summary>
public sealed record ListKeyRotationsResponse(IReadOnlyList<RotationsListEntry> Rotations, string? NextMarker, bool Truncated);

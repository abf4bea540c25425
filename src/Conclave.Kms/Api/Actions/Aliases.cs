using System.Text.Json.Serialization;

namespace Conclave.Kms.Api.Actions;

/// <summary>CreateAlias and UpdateAlias request.</summary>
public sealed record AliasRequest(string? AliasName, string? TargetKeyId);

/// <summary>DeleteAlias request.</summary>
public sealed record DeleteAliasRequest(string? AliasName);

/// <summary>ListAliases request.</summary>
public sealed record ListAliasesRequest(string? KeyId, int? Limit, string? Marker);

/// <summary>One entry of ListAliases (AWS's <c>AliasListEntry</c>).</summary>
public sealed record AliasListEntry(
    string AliasName,
    string AliasArn,
    string TargetKeyId,
    [property: JsonConverter(typeof(EpochSecondsConverter))] DateTimeOffset CreationDate,
    [property: JsonConverter(typeof(EpochSecondsConverter))] DateTimeOffset LastUpdatedDate);

/// <summary>ListAliases response.</summary>
public sealed record ListAliasesResponse(IReadOnlyList<AliasListEntry> Aliases, string? NextMarker, bool Truncated);

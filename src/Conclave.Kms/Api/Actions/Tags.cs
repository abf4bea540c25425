namespace Conclave.Kms.Api.Actions;

/// <summary>TagResource request.</summary>
public sealed record TagResourceRequest(string? KeyId, IReadOnlyList<Tag>? Tags);

/// <summary>UntagResource request.</summary>
public sealed record UntagResourceRequest(string? KeyId, IReadOnlyList<string>? TagKeys);

/// <summary>ListResourceTags request.</summary>
public sealed record ListResourceTagsRequest(string? KeyId, int? Limit, string? Marker);

/// <summary>ListResourceTags response.</summary>
public sealed record ListResourceTagsResponse(IReadOnlyList<Tag> Tags, string? NextMarker, bool Truncated);

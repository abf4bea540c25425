using Conclave.Kms.Api;
using Conclave.Kms.Api.Actions;
using Conclave.Kms.Storage;

namespace Conclave.Kms.Service;

/// <summary>Resource tags: TagResource, UntagResource, ListResourceTags (key id or key ARN only, as AWS).</summary>
public sealed partial class KmsService
{
    private const int MaxTagsPerKey = 50;

    /// <summary>TagResource: merges the tags into the key's (a tag key that exists gets the new value).</summary>
    public ValueTask<EmptyResponse> TagResourceAsync(KmsCallContext context, TagResourceRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "TagResource", async operation =>
        {
            if (request.Tags is null)
            {
                throw new KmsException(KmsErrorType.Validation, "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null");
            }

            var added = ValidateTags(request.Tags);
            var key = await ResolveKeyAsync(operation, request.KeyId, cancellationToken, allowAlias: false).ConfigureAwait(false);
            RequireNotPendingDeletion(key);
            var tags = (await _store.GetTagsAsync(key.Tenant, key.KeyId, cancellationToken).ConfigureAwait(false))
                .ToDictionary(t => t.TagKey, t => t.TagValue, StringComparer.Ordinal);
            foreach (var tag in added)
            {
                tags[tag.TagKey] = tag.TagValue;
            }

            if (tags.Count > MaxTagsPerKey)
            {
                throw new KmsException(KmsErrorType.Tag, $"A key can have at most {MaxTagsPerKey} tags; this request would give {key.Arn} {tags.Count}.");
            }

            StageTags(operation, key, tags);
            return new EmptyResponse();
        }, cancellationToken);
    }

    /// <summary>UntagResource: removes the named tag keys; keys the key does not have are ignored, as AWS.</summary>
    public ValueTask<EmptyResponse> UntagResourceAsync(KmsCallContext context, UntagResourceRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "UntagResource", async operation =>
        {
            if (request.TagKeys is null)
            {
                throw new KmsException(KmsErrorType.Validation, "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
            }

            if (request.TagKeys.Any(k => k is not { Length: >= 1 and <= 128 }))
            {
                throw new KmsException(KmsErrorType.Tag, "A tag key must be 1–128 characters.");
            }

            var key = await ResolveKeyAsync(operation, request.KeyId, cancellationToken, allowAlias: false).ConfigureAwait(false);
            RequireNotPendingDeletion(key);
            var tags = (await _store.GetTagsAsync(key.Tenant, key.KeyId, cancellationToken).ConfigureAwait(false))
                .ToDictionary(t => t.TagKey, t => t.TagValue, StringComparer.Ordinal);
            foreach (var tagKey in request.TagKeys)
            {
                tags.Remove(tagKey);
            }

            StageTags(operation, key, tags);
            return new EmptyResponse();
        }, cancellationToken);
    }

    /// <summary>ListResourceTags: the key's tags in tag key order; allowed while the key is pending deletion, as AWS.</summary>
    public ValueTask<ListResourceTagsResponse> ListResourceTagsAsync(KmsCallContext context, ListResourceTagsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "ListResourceTags", async operation =>
        {
            var limit = BoundedLimit(request.Limit, max: 50, fallback: 50);
            var after = Marker.Decode(request.Marker, "tags");
            var key = await ResolveKeyAsync(operation, request.KeyId, cancellationToken, allowAlias: false).ConfigureAwait(false);
            var tags = await _store.GetTagsAsync(key.Tenant, key.KeyId, cancellationToken).ConfigureAwait(false);
            var remaining = tags.Where(t => after is null || string.CompareOrdinal(t.TagKey, after) > 0).ToList();
            var page = remaining.Take(limit).Select(t => new Tag(t.TagKey, t.TagValue)).ToList();
            var truncated = remaining.Count > limit;
            return new ListResourceTagsResponse(page, truncated ? Marker.Encode("tags", page[^1].TagKey) : null, truncated);
        }, cancellationToken);
    }

    /// <summary>
    /// Replaces the key's tag set, and bumps the key's revision in the same commit so two concurrent
    /// tag edits cannot lose one another: the later commit conflicts and its body reruns on fresh tags.
    /// </summary>
    private static void StageTags(KmsOperation operation, Keys.KeyRecord key, Dictionary<string, string> tags)
    {
        var sorted = tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new KeyTag(t.Key, t.Value)).ToList();
        operation.Changes.Add(new UpdateKey(key with { Revision = key.Revision + 1 }));
        operation.Changes.Add(new ReplaceTags(key.Tenant, key.KeyId, sorted));
    }
}

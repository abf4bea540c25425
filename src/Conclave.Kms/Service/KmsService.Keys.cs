using System.Runtime.CompilerServices;
using Conclave.Crypto;
using Conclave.Kms.Api;
using Conclave.Kms.Api.Actions;
using Conclave.Kms.Keys;
using Conclave.Kms.Storage;

namespace Conclave.Kms.Service;

/// <summary>Key lifecycle: create, describe, list, describe, enable/disable, scheduled deletion.</summary>
public sealed partial class KmsService
{
    /// <summary>AWS's limits on the deletion waiting period.</summary>
    public const int MinPendingWindowInDays = 7, MaxPendingWindowInDays = 30;

    private const int MaxDescriptionLength = 8192;
    private const int MaxListLimit = 1000;
    private const int DefaultListLimit = 100;
    private const int DueSweepPageSize = 100;

    /// <summary>CreateKey.</summary>
    public ValueTask<KeyMetadataResponse> CreateKeyAsync(KmsCallContext context, CreateKeyRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "CreateKey", async operation =>
        {
            if (request.MultiRegion == true)
            {
                throw new KmsException(KmsErrorType.UnsupportedOperation, "Multi-Region keys are not supported by Conclave.");
            }

            if (request.CustomKeyStoreId is not null)
            {
                return await CreateThresholdKeyAsync(operation, request, cancellationToken).ConfigureAwait(false);
            }

            if (request.Origin is not null and not "AWS_KMS")
            {
                throw new KmsException(KmsErrorType.UnsupportedOperation, $"Origin {Sanitize(request.Origin)} is not supported by Conclave yet; use AWS_KMS.");
            }

            if (request.KeySpec is not null && request.CustomerMasterKeySpec is not null && request.KeySpec != request.CustomerMasterKeySpec)
            {
                throw new KmsException(KmsErrorType.Validation, "KeySpec and CustomerMasterKeySpec differ; use KeySpec only.");
            }

            var keySpec = request.KeySpec ?? request.CustomerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
            var keyUsage = request.KeyUsage ?? KeySpecRules.DefaultUsage(keySpec);
            KeySpecRules.Validate(keySpec, keyUsage);
            var (key, tags) = ValidatedNewKey(operation, request, keySpec, keyUsage);
            using var material = KeySpecRules.Generate(keySpec);
            var (kekVersion, wrapped) = await _keyring.WrapAsync(key.Tenant, key.KeyId, 1, material, cancellationToken).ConfigureAwait(false);
            return AddNewKey(operation, key, new KeyVersionRecord(key.Tenant, key.KeyId, 1, operation.Now, kekVersion, wrapped, KeySpecRules.PublicKey(keySpec, material), null), tags);
        }, cancellationToken);
    }

    /// <summary>
    /// CreateKey's checks common to every origin (description, tags, key policy with the lockout
    /// check) and the new key's record (fresh key id) with its validated tags.
    /// </summary>
    private (KeyRecord Key, List<KeyTag> Tags) ValidatedNewKey(KmsOperation operation, CreateKeyRequest request, string keySpec, string keyUsage)
    {
        var context = operation.Context;
        var description = request.Description ?? "";
        ValidateDescription(description);
        var tags = ValidateTags(request.Tags);
        var tenant = context.Principal.AccountId;
        var policy = request.Policy ?? DefaultPolicy(tenant);
        var keyId = Guid.NewGuid().ToString();
        ValidatePolicy(context, policy, $"arn:aws:kms:{context.Region}:{tenant}:key/{keyId}", request.BypassPolicyLockoutSafetyCheck == true);
        operation.KeyId = keyId;
        operation.KeyVersion = 1;
        return (NewKey(operation, keyId, description, keySpec, keyUsage, policy), tags);
    }

    /// <summary>Records a new key, its first version and its tags on the operation; answers its metadata.</summary>
    private static KeyMetadataResponse AddNewKey(KmsOperation operation, KeyRecord key, KeyVersionRecord version, List<KeyTag> tags)
    {
        operation.Changes.Add(new InsertKey(key));
        operation.Changes.Add(new InsertKeyVersion(version));
        if (tags.Count > 0)
        {
            operation.Changes.Add(new ReplaceTags(key.Tenant, key.KeyId, tags));
        }

        return new KeyMetadataResponse(Metadata(key));
    }

    /// <summary>The record of a key CreateKey makes: enabled, version 1, revision 1, in the caller's account and region.</summary>
    private static KeyRecord NewKey(KmsOperation operation, string keyId, string description, string keySpec, string keyUsage, string policy) => new()
    {
        Tenant = operation.Context.Principal.AccountId,
        KeyId = keyId,
        Region = operation.Context.Region,
        CreatedAt = operation.Now,
        Description = description,
        KeySpec = keySpec,
        KeyUsage = keyUsage,
        State = KeyState.Enabled,
        CurrentVersion = 1,
        Policy = policy,
        Revision = 1,
    };

    /// <summary>DescribeKey.</summary>
    public ValueTask<KeyMetadataResponse> DescribeKeyAsync(KmsCallContext context, KeyIdRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "DescribeKey", async operation =>
        {
            var key = await ResolveKeyAsync(operation, request.KeyId, cancellationToken).ConfigureAwait(false);
            return new KeyMetadataResponse(Metadata(key));
        }, cancellationToken);
    }

    /// <summary>ListKeys (the caller's account only, as AWS).</summary>
    public ValueTask<ListKeysResponse> ListKeysAsync(KmsCallContext context, ListKeysRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "ListKeys", async operation =>
        {
            var limit = Limit(request.Limit);
            var after = Marker.Decode(request.Marker, "keys");
            var keys = await _store.ListKeysAsync(context.Principal.AccountId, after, limit + 1, cancellationToken).ConfigureAwait(false);
            var page = keys.Take(limit).Select(k => new KeyListEntry(k.KeyId, k.Arn)).ToList();
            var truncated = keys.Count > limit;
            return new ListKeysResponse(page, truncated ? Marker.Encode("keys", page[^1].KeyId) : null, truncated);
        }, cancellationToken);
    }

    /// <summary>UpdateKeyDescription.</summary>
    public ValueTask<EmptyResponse> UpdateKeyDescriptionAsync(KmsCallContext context, UpdateKeyDescriptionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "UpdateKeyDescription", async operation =>
        {
            var description = request.Description ?? throw new KmsException(KmsErrorType.Validation, "1 validation error detected: Value null at 'description' failed to satisfy constraint: Member must not be null");
            ValidateDescription(description);
            var key = await ResolveKeyAsync(operation, request.KeyId, cancellationToken, allowAlias: false).ConfigureAwait(false);
            RequireNotPendingDeletion(key);
            operation.Changes.Add(new UpdateKey(key with { Description = description, Revision = key.Revision + 1 }));
            return new EmptyResponse();
        }, cancellationToken);
    }

    /// <summary>EnableKey.</summary>
    public ValueTask<EmptyResponse> EnableKeyAsync(KmsCallContext context, KeyIdRequest request, CancellationToken cancellationToken = default) =>
        SetEnabledAsync(context, request, "EnableKey", KeyState.Enabled, cancellationToken);

    /// <summary>DisableKey.</summary>
    public ValueTask<EmptyResponse> DisableKeyAsync(KmsCallContext context, KeyIdRequest request, CancellationToken cancellationToken = default) =>
        SetEnabledAsync(context, request, "DisableKey", KeyState.Disabled, cancellationToken);

    /// <summary>ScheduleKeyDeletion: the key is unusable at once and destroyed when the window ends.</summary>
    public ValueTask<ScheduleKeyDeletionResponse> ScheduleKeyDeletionAsync(KmsCallContext context, ScheduleKeyDeletionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "ScheduleKeyDeletion", async operation =>
        {
            var window = request.PendingWindowInDays ?? MaxPendingWindowInDays;
            if (window is < MinPendingWindowInDays or > MaxPendingWindowInDays)
            {
                throw new KmsException(KmsErrorType.Validation, $"1 validation error detected: Value '{window}' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value between {MinPendingWindowInDays} and {MaxPendingWindowInDays}");
            }

            var key = await ResolveKeyAsync(operation, request.KeyId, cancellationToken, allowAlias: false).ConfigureAwait(false);
            RequireNotPendingDeletion(key);
            var deletionDate = operation.Now.AddDays(window);
            operation.Changes.Add(new UpdateKey(key with { State = KeyState.PendingDeletion, DeletionDate = deletionDate, PendingWindowInDays = window, Revision = key.Revision + 1 }));
            return new ScheduleKeyDeletionResponse(key.Arn, deletionDate, nameof(KeyState.PendingDeletion), window);
        }, cancellationToken);
    }

    /// <summary>CancelKeyDeletion: the key comes back Disabled, as AWS does.</summary>
    public ValueTask<KeyIdResponse> CancelKeyDeletionAsync(KmsCallContext context, KeyIdRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "CancelKeyDeletion", async operation =>
        {
            var key = await ResolveKeyAsync(operation, request.KeyId, cancellationToken, allowAlias: false).ConfigureAwait(false);
            if (key.State != KeyState.PendingDeletion)
            {
                throw new KmsException(KmsErrorType.KmsInvalidState, $"{key.Arn} is not pending deletion.");
            }

            operation.Changes.Add(new UpdateKey(key with { State = KeyState.Disabled, DeletionDate = null, PendingWindowInDays = null, Revision = key.Revision + 1 }));
            return new KeyIdResponse(key.Arn);
        }, cancellationToken);
    }

    /// <summary>
    /// Background duty: destroys the material of keys whose deletion date has passed (the key and
    /// everything hanging off it are deleted, audited as <c>conclave:DeleteKeyMaterial</c>).
    /// Returns how many keys were handled.
    /// </summary>
    public async ValueTask<int> RunDueDeletionsAsync(CancellationToken cancellationToken = default)
    {
        var now = Now();
        var handled = 0;
        await foreach (var key in DueKeysAsync(now, cancellationToken).ConfigureAwait(false))
        {
            if (key.State != KeyState.PendingDeletion)
            {
                continue;
            }

            var audit = new Audit.AuditEntry(now, "conclave:system", key.Tenant, "conclave:DeleteKeyMaterial", key.KeyId, key.CurrentVersion, Guid.NewGuid().ToString(), Audit.AuditEntry.Success, new byte[32]);
            try
            {
                await _store.CommitAsync([new UpdateKey(key with { Revision = key.Revision + 1 }), new DeleteKey(key.Tenant, key.KeyId)], audit, cancellationToken).ConfigureAwait(false);
                _keyring.Forget(key.Tenant, key.KeyId);
                handled++;
            }
            catch (KmsConflictException)
            {
                // Cancelled or changed meanwhile; the next sweep looks again.
            }
        }

        return handled;
    }

    /// <summary>
    /// Every key due by <paramref name="now"/> (for deletion or rotation), page by page with the
    /// store's keyset cursor, so keys a sweep skips (a disabled key with rotation due) never starve
    /// the ones after them.
    /// </summary>
    private async IAsyncEnumerable<KeyRecord> DueKeysAsync(DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        KeyRecord? after = null;
        while (true)
        {
            var page = await _store.ListKeysDueAsync(now, after, DueSweepPageSize, cancellationToken).ConfigureAwait(false);
            foreach (var key in page)
            {
                yield return key;
            }

            if (page.Count < DueSweepPageSize)
            {
                yield break;
            }

            after = page[^1];
        }
    }

    private ValueTask<EmptyResponse> SetEnabledAsync(KmsCallContext context, KeyIdRequest request, string action, KeyState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, action, async operation =>
        {
            var key = await ResolveKeyAsync(operation, request.KeyId, cancellationToken, allowAlias: false).ConfigureAwait(false);
            RequireNotPendingDeletion(key);
            if (key.State != state)
            {
                operation.Changes.Add(new UpdateKey(key with { State = state, Revision = key.Revision + 1 }));
            }

            return new EmptyResponse();
        }, cancellationToken);
    }

    private static void RequireNotPendingDeletion(KeyRecord key)
    {
        if (key.State == KeyState.PendingDeletion)
        {
            throw new KmsException(KmsErrorType.KmsInvalidState, $"{key.Arn} is pending deletion.");
        }
    }

    private static KeyMetadata Metadata(KeyRecord key)
    {
        var algorithms = KeySpecRules.Algorithms(key.KeySpec, key.KeyUsage);
        return new KeyMetadata
        {
            AwsAccountId = key.Tenant,
            KeyId = key.KeyId,
            Arn = key.Arn,
            CreationDate = key.CreatedAt,
            Enabled = key.State == KeyState.Enabled,
            Description = key.Description,
            KeyUsage = key.KeyUsage,
            KeyState = key.State.ToString(),
            DeletionDate = key.DeletionDate,
            Origin = key.Origin,
            CustomerMasterKeySpec = key.KeySpec,
            KeySpec = key.KeySpec,
            EncryptionAlgorithms = algorithms.Encryption,
            SigningAlgorithms = algorithms.Signing,
            MacAlgorithms = algorithms.Mac,
            KeyAgreementAlgorithms = algorithms.KeyAgreement,
            PendingDeletionWindowInDays = key.PendingWindowInDays,
            CustomKeyStoreId = key.CustomKeyStoreId,
        };
    }

    /// <summary>AWS's default key policy: the account's principals may do everything with the key.</summary>
    internal static string DefaultPolicy(string tenant) =>
        $$"""{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{tenant}}:root"},"Action":"kms:*","Resource":"*"}]}""";

    private static void ValidateDescription(string description)
    {
        if (description.Length > MaxDescriptionLength)
        {
            throw new KmsException(KmsErrorType.Validation, $"1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to {MaxDescriptionLength}");
        }
    }

    private static List<KeyTag> ValidateTags(IReadOnlyList<Tag>? tags)
    {
        var result = new List<KeyTag>();
        if (tags is null)
        {
            return result;
        }

        if (tags.Count > 50)
        {
            throw new KmsException(KmsErrorType.Tag, "A key can have at most 50 tags.");
        }

        foreach (var tag in tags)
        {
            if (tag?.TagKey is not { Length: >= 1 and <= 128 } || tag.TagValue is not { Length: <= 256 })
            {
                throw new KmsException(KmsErrorType.Tag, "A tag key must be 1–128 characters and a tag value 0–256 characters.");
            }

            if (tag.TagKey.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
            {
                throw new KmsException(KmsErrorType.Tag, "Tag keys starting with 'aws:' are reserved.");
            }

            if (result.Any(t => t.TagKey == tag.TagKey))
            {
                throw new KmsException(KmsErrorType.Tag, $"Duplicate tag key '{Sanitize(tag.TagKey)}'.");
            }

            result.Add(new KeyTag(tag.TagKey, tag.TagValue));
        }

        return result;
    }

    private static int Limit(int? limit)
    {
        var value = limit ?? DefaultListLimit;
        if (value is < 1 or > MaxListLimit)
        {
            throw new KmsException(KmsErrorType.Validation, $"1 validation error detected: Value '{value}' at 'limit' failed to satisfy constraint: Member must have value between 1 and {MaxListLimit}");
        }

        return value;
    }
}

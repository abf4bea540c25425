using System.Text.RegularExpressions;
using Conclave.Kms.Api;
using Conclave.Kms.Api.Actions;
using Conclave.Kms.Keys;
using Conclave.Kms.Storage;

namespace Conclave.Kms.Service;

/// <summary>
/// Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases. An alias lives in the caller's
/// account and points at a key of that account; the audit record names the target key.
/// </summary>
public sealed partial class KmsService
{
    private const string AliasPrefix = "alias/";
    private const string ReservedAliasPrefix = "alias/aws/";
    private const int MaxAliasNameLength = 256;

    /// <summary>CreateAlias: the target must be a key id or key ARN of the caller's account, not pending deletion.</summary>
    public ValueTask<EmptyResponse> CreateAliasAsync(KmsCallContext context, AliasRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "CreateAlias", async operation =>
        {
            var aliasName = ValidateAliasName(request.AliasName);
            var key = await ResolveAliasTargetAsync(operation, request.TargetKeyId, cancellationToken).ConfigureAwait(false);
            operation.Changes.Add(new InsertAlias(new AliasRecord(key.Tenant, aliasName, key.KeyId, operation.Now, operation.Now)));
            return new EmptyResponse();
        }, cancellationToken);
    }

    /// <summary>UpdateAlias: the new target must have the same key type and key usage as the current one (AWS's rule).</summary>
    public ValueTask<EmptyResponse> UpdateAliasAsync(KmsCallContext context, AliasRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "UpdateAlias", async operation =>
        {
            var aliasName = ValidateAliasName(request.AliasName);
            var alias = await GetOwnAliasAsync(operation, aliasName, cancellationToken).ConfigureAwait(false);
            var current = await _store.GetKeyAsync(alias.Tenant, alias.KeyId, cancellationToken).ConfigureAwait(false);
            var key = await ResolveAliasTargetAsync(operation, request.TargetKeyId, cancellationToken).ConfigureAwait(false);
            if (current is not null && (KeyType(current.KeySpec) != KeyType(key.KeySpec) || current.KeyUsage != key.KeyUsage))
            {
                throw new KmsException(
                    KmsErrorType.Validation,
                    $"{aliasName} points at a {KeyType(current.KeySpec)} key with usage {current.KeyUsage}; the new target {key.Arn} must be of the same key type and key usage.");
            }

            operation.Changes.Add(new UpdateAlias(alias with { KeyId = key.KeyId, UpdatedAt = operation.Now }));
            return new EmptyResponse();
        }, cancellationToken);
    }

    /// <summary>DeleteAlias: the key it points at is not affected.</summary>
    public ValueTask<EmptyResponse> DeleteAliasAsync(KmsCallContext context, DeleteAliasRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "DeleteAlias", async operation =>
        {
            var aliasName = ValidateAliasName(request.AliasName);
            var alias = await GetOwnAliasAsync(operation, aliasName, cancellationToken).ConfigureAwait(false);
            operation.KeyId = alias.KeyId;
            var key = await _store.GetKeyAsync(alias.Tenant, alias.KeyId, cancellationToken).ConfigureAwait(false);
            if (key is not null)
            {
                await AuthorizeAsync(operation, key, aliasName, cancellationToken).ConfigureAwait(false);
            }

            operation.Changes.Add(new DeleteAlias(alias.Tenant, alias.AliasName));
            return new EmptyResponse();
        }, cancellationToken);
    }

    /// <summary>ListAliases: the caller's aliases (of one key when KeyId is given), in alias name order.</summary>
    public ValueTask<ListAliasesResponse> ListAliasesAsync(KmsCallContext context, ListAliasesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "ListAliases", async operation =>
        {
            var limit = BoundedLimit(request.Limit, max: 100, fallback: 50);
            var after = Marker.Decode(request.Marker, "aliases");
            string? keyId = null;
            if (request.KeyId is not null)
            {
                keyId = (await ResolveKeyAsync(operation, request.KeyId, cancellationToken, allowAlias: false).ConfigureAwait(false)).KeyId;
            }

            var aliases = await _store.ListAliasesAsync(context.Principal.AccountId, keyId, cancellationToken).ConfigureAwait(false);
            var remaining = aliases.Where(a => after is null || string.CompareOrdinal(a.AliasName, after) > 0).ToList();
            var page = remaining.Take(limit)
                .Select(a => new AliasListEntry(a.AliasName, AliasArn(context, a.AliasName), a.KeyId, a.CreatedAt, a.UpdatedAt))
                .ToList();
            var truncated = remaining.Count > limit;
            return new ListAliasesResponse(page, truncated ? Marker.Encode("aliases", page[^1].AliasName) : null, truncated);
        }, cancellationToken);
    }

    private static string AliasArn(KmsCallContext context, string aliasName) =>
        $"arn:aws:kms:{context.Region}:{context.Principal.AccountId}:{aliasName}";

    /// <summary>
    /// AWS's checks on an alias name: 1–256 characters of <c>[a-zA-Z0-9:/_-]</c> (ValidationException),
    /// starting with <c>alias/</c> and something after it (ValidationException), and not in the
    /// reserved <c>alias/aws/</c> namespace (InvalidAliasNameException).
    /// </summary>
    private static string ValidateAliasName(string? aliasName)
    {
        if (string.IsNullOrEmpty(aliasName))
        {
            throw new KmsException(KmsErrorType.Validation, "1 validation error detected: Value null at 'aliasName' failed to satisfy constraint: Member must not be null");
        }

        if (aliasName.Length > MaxAliasNameLength)
        {
            throw new KmsException(KmsErrorType.Validation, $"1 validation error detected: Value at 'aliasName' failed to satisfy constraint: Member must have length less than or equal to {MaxAliasNameLength}");
        }

        if (!AliasCharacters().IsMatch(aliasName))
        {
            throw new KmsException(KmsErrorType.Validation, $"1 validation error detected: Value '{Sanitize(aliasName)}' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$");
        }

        if (!AliasName().IsMatch(aliasName))
        {
            throw new KmsException(KmsErrorType.Validation, "Alias must start with the prefix \"alias/\" followed by at least one of [a-zA-Z0-9/_-].");
        }

        if (aliasName.StartsWith(ReservedAliasPrefix, StringComparison.Ordinal))
        {
            throw new KmsException(KmsErrorType.InvalidAliasName, $"Alias {Sanitize(aliasName)} is reserved: names starting with {ReservedAliasPrefix} are for AWS managed keys.");
        }

        return aliasName;
    }

    private async ValueTask<AliasRecord> GetOwnAliasAsync(KmsOperation operation, string aliasName, CancellationToken cancellationToken)
    {
        var tenant = operation.Context.Principal.AccountId;
        return await _store.GetAliasAsync(tenant, aliasName, cancellationToken).ConfigureAwait(false)
            ?? throw new KmsException(KmsErrorType.NotFound, $"Alias {AliasArn(operation.Context, aliasName)} is not found.");
    }

    /// <summary>The key an alias may point at: named by key id or key ARN, in the caller's account, not pending deletion.</summary>
    private async ValueTask<KeyRecord> ResolveAliasTargetAsync(KmsOperation operation, string? targetKeyId, CancellationToken cancellationToken)
    {
        var key = await ResolveKeyAsync(operation, targetKeyId, cancellationToken, allowAlias: false).ConfigureAwait(false);
        if (key.Tenant != operation.Context.Principal.AccountId)
        {
            // Even where a policy lets another account use the key, aliases stay within one account (as AWS).
            throw new KmsException(KmsErrorType.AccessDenied, $"An alias can only point at a key of the caller's account; {key.Arn} is not.");
        }

        RequireNotPendingDeletion(key);
        return key;
    }

    /// <summary>AWS's key types for UpdateAlias: symmetric encryption, HMAC or asymmetric.</summary>
    private static string KeyType(string keySpec) =>
        keySpec == SymmetricDefault ? "symmetric" : keySpec.StartsWith("HMAC_", StringComparison.Ordinal) ? "HMAC" : "asymmetric";

    /// <summary>A list limit with the action's own AWS bounds (1..<paramref name="max"/>, default <paramref name="fallback"/>).</summary>
    private static int BoundedLimit(int? limit, int max, int fallback)
    {
        var value = limit ?? fallback;
        if (value < 1 || value > max)
        {
            throw new KmsException(KmsErrorType.Validation, $"1 validation error detected: Value '{value}' at 'limit' failed to satisfy constraint: Member must have value between 1 and {max}");
        }

        return value;
    }

    [GeneratedRegex("^[a-zA-Z0-9:/_-]+$")]
    private static partial Regex AliasCharacters();

    [GeneratedRegex("^alias/[a-zA-Z0-9/_-]+$")]
    private static partial Regex AliasName();
}

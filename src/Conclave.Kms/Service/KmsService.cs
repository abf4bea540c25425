using System.Text.RegularExpressions;
using Conclave.Kms.Api;
using Conclave.Kms.Envelope;
using Conclave.Kms.Keys;
using Conclave.Kms.Policies;
using Conclave.Kms.Storage;
using Conclave.Kms.Storage.Internal;

namespace Conclave.Kms.Service;

/// <summary>
/// The KMS: AWS KMS actions over the store and the envelope keyring. Each public method is one
/// AWS action; it authenticates nothing (the host did), resolves and authorizes the key, does the
/// work, and commits its changes together with the audit record. A failure answers with a
/// <see cref="KmsException"/> carrying AWS's error type, and is audited too.
/// Split by concern: <c>KmsService.Keys.cs</c> (lifecycle), <c>.Encryption.cs</c> (symmetric data
/// plane), and so on.
/// </summary>
public sealed partial class KmsService
{
    private const int MaxConflictRetries = 3;
    private const int MaxGrantConflictRetries = 32;

    private readonly KeyMetadataCachingStore _store;
    private readonly TenantKeyring _keyring;
    private readonly TimeProvider _time;
    private readonly KeyPolicyEvaluator _policies = new();

    /// <summary>
    /// How long key metadata (key records with their policy, key versions, aliases) read from the
    /// store may be served from memory: 1 s. Writes made through this service apply at once (they
    /// invalidate the cache before they are acknowledged); writes by another process sharing the
    /// store (a second server on PostgreSQL: DisableKey, PutKeyPolicy, ...) apply within this bound.
    /// </summary>
    public static TimeSpan DefaultKeyMetadataMaxStaleness { get; } = TimeSpan.FromSeconds(1);

    /// <summary>Creates the service, caching key metadata for <see cref="DefaultKeyMetadataMaxStaleness"/>.</summary>
    public KmsService(IKmsStore store, TenantKeyring keyring, TimeProvider time)
        : this(store, keyring, time, DefaultKeyMetadataMaxStaleness)
    {
    }

    /// <summary>
    /// Creates the service; key metadata changed by another process is seen within
    /// <paramref name="keyMetadataMaxStaleness"/> (zero: every call reads the store).
    /// </summary>
    public KmsService(IKmsStore store, TenantKeyring keyring, TimeProvider time, TimeSpan keyMetadataMaxStaleness)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(keyring);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(keyMetadataMaxStaleness, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(keyMetadataMaxStaleness, TimeSpan.FromMinutes(1));
        // Every read and write of the service goes through the cache, so its own writes invalidate it.
        _store = new KeyMetadataCachingStore(store, time, keyMetadataMaxStaleness);
        _keyring = keyring;
        _time = time;
    }

    /// <summary>
    /// Runs one action: <paramref name="body"/> computes the response and records its changes on the
    /// operation; then the changes and the audit record are committed together. A conflict with a
    /// concurrent change of the same key reruns the body (it re-reads what it needs). Failures are
    /// audited with their error type and rethrown.
    /// </summary>
    private async ValueTask<T> RunAsync<T>(KmsCallContext context, string action, Func<KmsOperation, ValueTask<T>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        for (var attempt = 1; ; attempt++)
        {
            var operation = new KmsOperation(context, action, Now());
            try
            {
                var result = await body(operation).ConfigureAwait(false);
                await _store.CommitAsync(operation.Changes, operation.Audit(Audit.AuditEntry.Success), cancellationToken).ConfigureAwait(false);
                return result;
            }
            catch (KmsConflictException e) when ((e.Kind == KmsConflictKind.KeyChanged && attempt < MaxConflictRetries)
                || (e.Kind == KmsConflictKind.GrantChanged && attempt < MaxGrantConflictRetries))
            {
                // Re-read and rerun. Identical named CreateGrant calls racing each other conflict on
                // the grant (one insert wins, then one update per round), so they get more rounds.
            }
            catch (KmsConflictException e)
            {
                var error = ConflictError(e);
                await AuditFailureAsync(operation, error.ErrorType, cancellationToken).ConfigureAwait(false);
                throw error;
            }
            catch (KmsException e)
            {
                await AuditFailureAsync(operation, e.ErrorType, cancellationToken).ConfigureAwait(false);
                throw;
            }
        }
    }

    private async ValueTask AuditFailureAsync(KmsOperation operation, string errorType, CancellationToken cancellationToken) =>
        await _store.CommitAsync([], operation.Audit(errorType), cancellationToken).ConfigureAwait(false);

    private static KmsException ConflictError(KmsConflictException e) => e.Kind switch
    {
        KmsConflictKind.AliasExists => new KmsException(KmsErrorType.AlreadyExists, e.Message),
        KmsConflictKind.AliasMissing or KmsConflictKind.GrantMissing or KmsConflictKind.GrantChanged => new KmsException(KmsErrorType.NotFound, e.Message),
        KmsConflictKind.CustomKeyStoreMissing => new KmsException(KmsErrorType.CustomKeyStoreNotFound, e.Message),
        KmsConflictKind.CustomKeyStoreNotConnected => new KmsException(KmsErrorType.CustomKeyStoreInvalidState, e.Message),
        KmsConflictKind.KeyChanged => new KmsException(KmsErrorType.KmsInternal, "The key changed concurrently too many times; retry the request."),
        _ => new KmsException(KmsErrorType.KmsInternal, "The request conflicted with stored state; retry it."),
    };

    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds());

    /// <summary>
    /// Finds the key that <paramref name="keyIdInput"/> names — key id, key ARN, alias name or alias
    /// ARN, as AWS accepts — records it on the operation, and checks the caller may run
    /// <paramref name="operation"/>'s action on it (unless <paramref name="authorize"/> is false:
    /// RetireGrant decides by the grant, not the key policy).
    /// </summary>
    private async ValueTask<KeyRecord> ResolveKeyAsync(KmsOperation operation, string? keyIdInput, CancellationToken cancellationToken, bool allowAlias = true, bool authorize = true)
    {
        var callerTenant = operation.Context.Principal.AccountId;
        if (string.IsNullOrEmpty(keyIdInput))
        {
            throw new KmsException(KmsErrorType.Validation, "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null");
        }

        if (keyIdInput.Length > 2048)
        {
            throw new KmsException(KmsErrorType.Validation, "1 validation error detected: Value at 'keyId' failed to satisfy constraint: Member must have length less than or equal to 2048");
        }

        string tenant;
        string? keyId = null;
        string? aliasName = null;
        var arn = ArnPattern().Match(keyIdInput);
        if (arn.Success)
        {
            tenant = arn.Groups["account"].Value;
            if (arn.Groups["kind"].Value == "key")
            {
                keyId = arn.Groups["id"].Value;
            }
            else
            {
                aliasName = "alias/" + arn.Groups["id"].Value;
            }
        }
        else if (keyIdInput.StartsWith("alias/", StringComparison.Ordinal))
        {
            tenant = callerTenant;
            aliasName = keyIdInput;
        }
        else if (Guid.TryParseExact(keyIdInput, "D", out _))
        {
            tenant = callerTenant;
            keyId = keyIdInput.ToLowerInvariant();
        }
        else
        {
            throw new KmsException(KmsErrorType.NotFound, $"Invalid keyId '{Sanitize(keyIdInput)}'");
        }

        if (aliasName is not null)
        {
            if (!allowAlias)
            {
                throw new KmsException(KmsErrorType.NotFound, $"Invalid keyId '{Sanitize(keyIdInput)}': this action takes a key id or key ARN, not an alias.");
            }

            var alias = await _store.GetAliasAsync(tenant, aliasName, cancellationToken).ConfigureAwait(false)
                ?? throw new KmsException(KmsErrorType.NotFound, $"Alias arn:aws:kms:{operation.Context.Region}:{tenant}:{aliasName} is not found.");
            keyId = alias.KeyId;
        }

        var key = await _store.GetKeyAsync(tenant, keyId!, cancellationToken).ConfigureAwait(false)
            ?? throw new KmsException(KmsErrorType.NotFound, $"Key 'arn:aws:kms:{operation.Context.Region}:{tenant}:key/{keyId}' does not exist");
        operation.KeyId = tenant == callerTenant ? key.KeyId : $"{tenant}/{key.KeyId}";
        if (authorize)
        {
            await AuthorizeAsync(operation, key, aliasName, cancellationToken).ConfigureAwait(false);
        }

        return key;
    }

    /// <summary>
    /// Whether the caller may run the operation's action on <paramref name="key"/>, as AWS decides
    /// it: an explicit Deny in the key policy refuses; else an Allow, or else a grant for the caller
    /// whose operations include the action and whose constraints match the request's encryption
    /// context, allows; else AccessDeniedException. The default policy names the key's account root,
    /// so every principal of that account is allowed and other accounts are not.
    /// </summary>
    private async ValueTask AuthorizeAsync(KmsOperation operation, KeyRecord key, string? requestAlias, CancellationToken cancellationToken)
    {
        var principal = operation.Context.Principal;
        var action = operation.KeyAction ?? operation.Action;
        operation.AuthorizingGrant = null;
        var decision = _policies.Evaluate(key.Policy, new PolicyRequest
        {
            Action = "kms:" + action,
            PrincipalArn = principal.Arn,
            PrincipalAccount = principal.AccountId,
            ResourceArn = key.Arn,
            EncryptionContext = operation.EncryptionContext,
            RequestAlias = requestAlias,
        });
        switch (decision)
        {
            case PolicyDecision.Allow:
                return;
            case PolicyDecision.ExplicitDeny:
                throw new KmsException(
                    KmsErrorType.AccessDenied,
                    $"User: {principal.Arn} is not authorized to perform: kms:{action} on resource: {key.Arn} with an explicit deny in a resource-based policy");
        }

        operation.AuthorizingGrant = await FindGrantAsync(key, principal, action, operation.EncryptionContext, cancellationToken).ConfigureAwait(false)
            ?? throw new KmsException(
                KmsErrorType.AccessDenied,
                $"User: {principal.Arn} is not authorized to perform: kms:{action} on resource: {key.Arn} because no resource-based policy allows the kms:{action} action");
    }

    /// <summary>The key must be Enabled for a cryptographic operation.</summary>
    private static void RequireEnabled(KeyRecord key)
    {
        switch (key.State)
        {
            case KeyState.Enabled:
                return;
            case KeyState.Disabled:
                throw new KmsException(KmsErrorType.Disabled, $"{key.Arn} is disabled.");
            default:
                throw new KmsException(KmsErrorType.KmsInvalidState, $"{key.Arn} is pending deletion.");
        }
    }

    /// <summary>The key's usage must be <paramref name="usage"/>.</summary>
    private static void RequireUsage(KeyRecord key, string usage, string action)
    {
        if (key.KeyUsage != usage)
        {
            throw new KmsException(KmsErrorType.InvalidKeyUsage, $"{key.Arn} key usage is {key.KeyUsage} which is not valid for {action}.");
        }
    }

    private async ValueTask<KeyVersionRecord> VersionAsync(KeyRecord key, int version, CancellationToken cancellationToken) =>
        await _store.GetKeyVersionAsync(key.Tenant, key.KeyId, version, cancellationToken).ConfigureAwait(false)
            ?? throw new KmsException(KmsErrorType.KmsInternal, $"Version {version} of {key.Arn} is missing.");

    /// <summary>Caller input echoed in a message: bounded and stripped of control characters.</summary>
    private static string Sanitize(string value)
    {
        var clipped = value.Length > 256 ? value[..256] + "…" : value;
        return new string(clipped.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }

    [GeneratedRegex(@"^arn:aws[a-z-]*:kms:(?<region>[a-z0-9-]+):(?<account>\d{12}):(?<kind>key|alias)/(?<id>[A-Za-z0-9/_\-]+)$")]
    private static partial Regex ArnPattern();
}

using Conclave.Kms.Api;
using Conclave.Kms.Api.Actions;
using Conclave.Kms.Policies;
using Conclave.Kms.Storage;

namespace Conclave.Kms.Service;

/// <summary>Key policies: PutKeyPolicy, GetKeyPolicy, ListKeyPolicies and the checks CreateKey shares.</summary>
public sealed partial class KmsService
{
    private const string DefaultPolicyName = "default";

    /// <summary>PutKeyPolicy: replaces the key's policy after validating it and (unless bypassed) checking the caller keeps PutKeyPolicy.</summary>
    public ValueTask<EmptyResponse> PutKeyPolicyAsync(KmsCallContext context, PutKeyPolicyRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "PutKeyPolicy", async operation =>
        {
            RequireDefaultPolicyName(request.PolicyName);
            var policy = request.Policy ?? throw new KmsException(KmsErrorType.Validation, "1 validation error detected: Value null at 'policy' failed to satisfy constraint: Member must not be null");
            var key = await ResolveKeyAsync(operation, request.KeyId, cancellationToken, allowAlias: false).ConfigureAwait(false);
            ValidatePolicy(context, policy, key.Arn, request.BypassPolicyLockoutSafetyCheck == true);
            if (key.Policy != policy)
            {
                operation.Changes.Add(new UpdateKey(key with { Policy = policy, Revision = key.Revision + 1 }));
            }

            return new EmptyResponse();
        }, cancellationToken);
    }

    /// <summary>GetKeyPolicy.</summary>
    public ValueTask<GetKeyPolicyResponse> GetKeyPolicyAsync(KmsCallContext context, GetKeyPolicyRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "GetKeyPolicy", async operation =>
        {
            var key = await ResolveKeyAsync(operation, request.KeyId, cancellationToken, allowAlias: false).ConfigureAwait(false);
            RequireDefaultPolicyName(request.PolicyName);
            return new GetKeyPolicyResponse(key.Policy, DefaultPolicyName);
        }, cancellationToken);
    }

    /// <summary>ListKeyPolicies: a key has exactly one policy, <c>default</c>.</summary>
    public ValueTask<ListKeyPoliciesResponse> ListKeyPoliciesAsync(KmsCallContext context, ListKeyPoliciesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "ListKeyPolicies", async operation =>
        {
            Limit(request.Limit);
            if (request.Marker is not null)
            {
                throw new KmsException(KmsErrorType.InvalidMarker, "The pagination marker is not valid for this request.");
            }

            await ResolveKeyAsync(operation, request.KeyId, cancellationToken, allowAlias: false).ConfigureAwait(false);
            return new ListKeyPoliciesResponse([DefaultPolicyName], null, false);
        }, cancellationToken);
    }

    /// <summary>
    /// Validates a policy about to be stored on <paramref name="keyArn"/>: it must parse, and unless
    /// <paramref name="bypassLockoutCheck"/>, it must let the caller run PutKeyPolicy on the key
    /// afterwards (AWS's lockout safety check), else MalformedPolicyDocumentException.
    /// </summary>
    private void ValidatePolicy(KmsCallContext context, string policy, string keyArn, bool bypassLockoutCheck)
    {
        var parsed = _policies.Parse(policy);
        if (bypassLockoutCheck)
        {
            return;
        }

        var principal = context.Principal;
        var decision = parsed.Evaluate(new PolicyRequest
        {
            Action = "kms:PutKeyPolicy",
            PrincipalArn = principal.Arn,
            PrincipalAccount = principal.AccountId,
            ResourceArn = keyArn,
        });
        if (decision != PolicyDecision.Allow)
        {
            throw new KmsException(
                KmsErrorType.MalformedPolicyDocument,
                "The new key policy will not allow you to update the key policy in the future.");
        }
    }

    private static void RequireDefaultPolicyName(string? policyName)
    {
        if (policyName is not null and not DefaultPolicyName)
        {
            throw new KmsException(KmsErrorType.NotFound, $"Policy {Sanitize(policyName)} does not exist; a key has only the policy 'default'.");
        }
    }
}

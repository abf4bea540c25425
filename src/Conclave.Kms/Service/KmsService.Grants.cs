using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Conclave.Kms.Api;
using Conclave.Kms.Api.Actions;
using Conclave.Kms.Keys;
using Conclave.Kms.Storage;
using Conclave.Kms.Tenants;

namespace Conclave.Kms.Service;

/// <summary>
/// Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant, and the grant check of authorization.
/// <para>
/// The store is consistent, so a grant takes effect as soon as CreateGrant returns: grant tokens
/// are accepted (and checked for form) on CreateGrant but never needed to use a fresh grant, unlike
/// AWS's eventually consistent grants. A grant token is <c>base64url(1 | account | key id | grant id |
/// 32 random bytes)</c>: it locates its grant for RetireGrant, and only its SHA-256 is stored.
/// </para>
/// <para>
/// CreateGrant is idempotent as AWS documents it: with a <c>Name</c>, a request whose parameters
/// (key, grantee, retiring principal, operations, constraints, name) equal an existing grant's
/// returns that grant's id with a fresh token, usable interchangeably with the first; without a
/// <c>Name</c>, every request creates a new grant. A grant with the same name but other parameters
/// is a new grant (names are not unique).
/// </para>
/// </summary>
public sealed partial class KmsService
{
    private const int MaxGrantsPerKey = 50000;
    private const int DefaultGrantListLimit = 50;
    private const int MaxGrantListLimit = 100;
    private const byte GrantTokenVersion = 1;
    private const int GrantTokenLength = 1 + 12 + 36 + 32 + 32;
    private const int MaxExtraGrantTokens = 100;

    /// <summary>The operations a grant may allow (AWS's list).</summary>
    private static readonly HashSet<string> GrantOperations = new(StringComparer.Ordinal)
    {
        "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo",
        "Sign", "Verify", "GetPublicKey", "CreateGrant", "RetireGrant", "DescribeKey", "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext", "GenerateMac", "VerifyMac", "DeriveSharedSecret",
    };

    /// <summary>CreateGrant.</summary>
    public ValueTask<CreateGrantResponse> CreateGrantAsync(KmsCallContext context, CreateGrantRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "CreateGrant", async operation =>
        {
            var grantee = ValidatePrincipalArn(request.GranteePrincipal, "granteePrincipal");
            var retiring = request.RetiringPrincipal is null ? null : ValidatePrincipalArn(request.RetiringPrincipal, "retiringPrincipal");
            var operations = ValidateGrantOperations(request.Operations);
            var constraints = ConstraintsJson(request.Constraints);
            ValidateGrantName(request.Name);
            ValidateGrantTokens(request.GrantTokens);
            var key = await ResolveKeyAsync(operation, request.KeyId, cancellationToken, allowAlias: false).ConfigureAwait(false);
            RequireNotPendingDeletion(key);
            if (operation.AuthorizingGrant is { } parent)
            {
                // A grant with CreateGrant may only pass on what it has, under the same constraints.
                if (!operations.All(parent.Operations.Contains) || (parent.Constraints is not null && parent.Constraints != constraints))
                {
                    throw new KmsException(
                        KmsErrorType.AccessDenied,
                        $"User: {context.Principal.Arn} is not authorized to perform: kms:CreateGrant on resource: {key.Arn}: a grant can only create grants with a subset of its operations and the same constraints");
                }
            }

            var existing = await _store.ListGrantsAsync(key.Tenant, key.KeyId, cancellationToken).ConfigureAwait(false);
            if (request.Name is not null
                && existing.FirstOrDefault(g => g.Name == request.Name && g.GranteePrincipal == grantee && g.RetiringPrincipal == retiring
                    && g.Constraints == constraints && g.Operations.Count == operations.Count && g.Operations.All(operations.Contains)) is { } same)
            {
                var extra = same.ExtraTokenDigests ?? [];
                if (extra.Count >= MaxExtraGrantTokens)
                {
                    throw new KmsException(KmsErrorType.LimitExceeded, $"Grant {same.GrantId} on {key.Arn} has been requested again too many times; use a grant token it already returned.");
                }

                ThrowIfDryRun(request.DryRun);
                var retryToken = NewGrantToken(key, Convert.FromHexString(same.GrantId));
                operation.Changes.Add(new UpdateGrant(same with { ExtraTokenDigests = [.. extra, SHA256.HashData(Encoding.ASCII.GetBytes(retryToken))], Revision = same.Revision + 1 }));
                return new CreateGrantResponse(retryToken, same.GrantId);
            }

            if (existing.Count >= MaxGrantsPerKey)
            {
                throw new KmsException(KmsErrorType.LimitExceeded, $"{key.Arn} has the maximum number of grants ({MaxGrantsPerKey}).");
            }

            ThrowIfDryRun(request.DryRun);
            Span<byte> grantIdBytes = stackalloc byte[32];
            if (request.Name is null)
            {
                RandomNumberGenerator.Fill(grantIdBytes);
            }
            else
            {
                // Derived from the parameters, so concurrent identical requests insert the same
                // grant id: one wins, the others conflict, re-read and return it with their own token.
                NamedGrantId(key, request.Name, grantee, retiring, operations, constraints, grantIdBytes);
            }

            var grantId = Convert.ToHexStringLower(grantIdBytes);
            var token = NewGrantToken(key, grantIdBytes);
            operation.Changes.Add(new InsertGrant(new GrantRecord
            {
                Tenant = key.Tenant,
                KeyId = key.KeyId,
                GrantId = grantId,
                Name = request.Name,
                GranteePrincipal = grantee,
                RetiringPrincipal = retiring,
                IssuingAccount = context.Principal.Arn,
                Operations = operations,
                Constraints = constraints,
                TokenDigest = SHA256.HashData(Encoding.ASCII.GetBytes(token)),
                CreatedAt = operation.Now,
            }));
            return new CreateGrantResponse(token, grantId);
        }, cancellationToken);
    }

    /// <summary>ListGrants: the key's grants in creation order.</summary>
    public ValueTask<ListGrantsResponse> ListGrantsAsync(KmsCallContext context, ListGrantsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "ListGrants", async operation =>
        {
            var limit = request.Limit ?? DefaultGrantListLimit;
            if (limit is < 1 or > MaxGrantListLimit)
            {
                throw new KmsException(KmsErrorType.Validation, $"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and {MaxGrantListLimit}");
            }

            var after = Marker.Decode(request.Marker, "grants");
            var key = await ResolveKeyAsync(operation, request.KeyId, cancellationToken, allowAlias: false).ConfigureAwait(false);
            var grants = await _store.ListGrantsAsync(key.Tenant, key.KeyId, cancellationToken).ConfigureAwait(false);
            var start = 0;
            if (after is not null)
            {
                start = grants.ToList().FindIndex(g => g.GrantId == after) + 1;
                if (start == 0)
                {
                    throw new KmsException(KmsErrorType.InvalidMarker, "The pagination marker is not valid for this request.");
                }
            }

            var matching = grants.Skip(start)
                .Where(g => (request.GrantId is null || g.GrantId == request.GrantId) && (request.GranteePrincipal is null || g.GranteePrincipal == request.GranteePrincipal))
                .Take(limit + 1)
                .ToList();
            var page = matching.Take(limit).ToList();
            var truncated = matching.Count > limit;
            return new ListGrantsResponse(
                page.Select(g => GrantEntry(key, g)).ToList(),
                truncated ? Marker.Encode("grants", page[^1].GrantId) : null,
                truncated);
        }, cancellationToken);
    }

    /// <summary>
    /// ListRetirableGrants: the grants on any key of the caller's account whose retiring principal is
    /// exactly <see cref="ListRetirableGrantsRequest.RetiringPrincipal"/>, in grant id order.
    /// </summary>
    public ValueTask<ListGrantsResponse> ListRetirableGrantsAsync(KmsCallContext context, ListRetirableGrantsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "ListRetirableGrants", async operation =>
        {
            var retiring = ValidatePrincipalArn(request.RetiringPrincipal, "retiringPrincipal");
            var limit = BoundedLimit(request.Limit, max: MaxGrantListLimit, fallback: DefaultGrantListLimit);
            var after = Marker.Decode(request.Marker, "retirable-grants");
            var grants = await _store.ListRetirableGrantsAsync(context.Principal.AccountId, retiring, after, limit + 1, cancellationToken).ConfigureAwait(false);
            var page = grants.Take(limit).ToList();
            var keys = new Dictionary<string, KeyRecord?>(StringComparer.Ordinal);
            var entries = new List<GrantListEntry>(page.Count);
            foreach (var grant in page)
            {
                if (!keys.TryGetValue(grant.KeyId, out var key))
                {
                    key = await _store.GetKeyAsync(grant.Tenant, grant.KeyId, cancellationToken).ConfigureAwait(false);
                    keys[grant.KeyId] = key;
                }

                if (key is not null)
                {
                    entries.Add(GrantEntry(key, grant));
                }
            }

            var truncated = grants.Count > limit;
            return new ListGrantsResponse(entries, truncated ? Marker.Encode("retirable-grants", page[^1].GrantId) : null, truncated);
        }, cancellationToken);
    }

    /// <summary>
    /// RetireGrant, by grant token or by key and grant id: allowed for the retiring principal, the
    /// grantee when the grant includes RetireGrant, and the key's account.
    /// </summary>
    public ValueTask<EmptyResponse> RetireGrantAsync(KmsCallContext context, RetireGrantRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "RetireGrant", async operation =>
        {
            KeyRecord key;
            GrantRecord grant;
            if (request.GrantToken is { } token)
            {
                if (!TryReadGrantToken(token, out var tenant, out var keyId, out var grantId)
                    || (request.GrantId is not null && request.GrantId != grantId))
                {
                    throw InvalidGrantToken();
                }

                key = await ResolveKeyAsync(operation, $"arn:aws:kms:{context.Region}:{tenant}:key/{keyId}", cancellationToken, allowAlias: false, authorize: false).ConfigureAwait(false);
                if (request.KeyId is not null && !NamesKey(request.KeyId, key))
                {
                    throw InvalidGrantToken();
                }

                grant = await FindGrantByIdAsync(key, grantId, cancellationToken).ConfigureAwait(false);
                var digest = SHA256.HashData(Encoding.ASCII.GetBytes(token));
                var known = CryptographicOperations.FixedTimeEquals(digest, grant.TokenDigest);
                foreach (var extra in grant.ExtraTokenDigests ?? [])
                {
                    known |= CryptographicOperations.FixedTimeEquals(digest, extra);
                }

                if (!known)
                {
                    throw InvalidGrantToken();
                }
            }
            else
            {
                if (request.KeyId is null || request.GrantId is null)
                {
                    throw new KmsException(KmsErrorType.Validation, "Specify GrantToken, or both KeyId and GrantId.");
                }

                ValidateGrantId(request.GrantId);
                key = await ResolveKeyAsync(operation, request.KeyId, cancellationToken, allowAlias: false, authorize: false).ConfigureAwait(false);
                grant = await FindGrantByIdAsync(key, request.GrantId, cancellationToken).ConfigureAwait(false);
            }

            var principal = context.Principal;
            var allowed = principal.AccountId == key.Tenant
                || (grant.RetiringPrincipal is { } retiring && NamesPrincipal(retiring, principal))
                || (NamesPrincipal(grant.GranteePrincipal, principal) && grant.Operations.Contains("RetireGrant"));
            if (!allowed)
            {
                throw new KmsException(
                    KmsErrorType.AccessDenied,
                    $"User: {principal.Arn} is not authorized to perform: kms:RetireGrant on resource: {key.Arn} because it is neither the grant's retiring principal nor a grantee allowed to retire it");
            }

            ThrowIfDryRun(request.DryRun);
            operation.Changes.Add(new DeleteGrant(key.Tenant, key.KeyId, grant.GrantId));
            return new EmptyResponse();
        }, cancellationToken);
    }

    /// <summary>RevokeGrant: allowed by the key policy (kms:RevokeGrant).</summary>
    public ValueTask<EmptyResponse> RevokeGrantAsync(KmsCallContext context, RevokeGrantRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "RevokeGrant", async operation =>
        {
            var grantId = request.GrantId ?? throw new KmsException(KmsErrorType.Validation, "1 validation error detected: Value null at 'grantId' failed to satisfy constraint: Member must not be null");
            ValidateGrantId(grantId);
            var key = await ResolveKeyAsync(operation, request.KeyId, cancellationToken, allowAlias: false).ConfigureAwait(false);
            var grant = await FindGrantByIdAsync(key, grantId, cancellationToken).ConfigureAwait(false);
            ThrowIfDryRun(request.DryRun);
            operation.Changes.Add(new DeleteGrant(key.Tenant, key.KeyId, grant.GrantId));
            return new EmptyResponse();
        }, cancellationToken);
    }

    /// <summary>
    /// The first grant of <paramref name="key"/> that lets <paramref name="principal"/> run
    /// <paramref name="action"/> with <paramref name="context"/>, or null.
    /// </summary>
    private async ValueTask<GrantRecord?> FindGrantAsync(KeyRecord key, KmsPrincipal principal, string action, IReadOnlyDictionary<string, string>? context, CancellationToken cancellationToken)
    {
        if (!GrantOperations.Contains(action))
        {
            return null;
        }

        foreach (var grant in await _store.ListGrantsAsync(key.Tenant, key.KeyId, cancellationToken).ConfigureAwait(false))
        {
            if (NamesPrincipal(grant.GranteePrincipal, principal) && grant.Operations.Contains(action) && ConstraintsAllow(grant.Constraints, context))
            {
                return grant;
            }
        }

        return null;
    }

    /// <summary>Subset: every constrained pair is in the context. Equals: the context is exactly the constrained pairs.</summary>
    internal static bool ConstraintsAllow(string? constraintsJson, IReadOnlyDictionary<string, string>? context)
    {
        if (constraintsJson is null)
        {
            return true;
        }

        var constraints = JsonSerializer.Deserialize(constraintsJson, KmsJsonContext.Default.GrantConstraints);
        if (constraints?.EncryptionContextEquals is { } equals)
        {
            return (context?.Count ?? 0) == equals.Count && Contains(context, equals);
        }

        return constraints?.EncryptionContextSubset is not { } subset || Contains(context, subset);

        static bool Contains(IReadOnlyDictionary<string, string>? context, Dictionary<string, string> pairs) =>
            pairs.All(p => context is not null && context.TryGetValue(p.Key, out var value) && value == p.Value);
    }

    private async ValueTask<GrantRecord> FindGrantByIdAsync(KeyRecord key, string grantId, CancellationToken cancellationToken) =>
        (await _store.ListGrantsAsync(key.Tenant, key.KeyId, cancellationToken).ConfigureAwait(false)).FirstOrDefault(g => g.GrantId == grantId)
            ?? throw new KmsException(KmsErrorType.NotFound, $"Grant {Sanitize(grantId)} does not exist on {key.Arn}.");

    private static bool NamesPrincipal(string arn, KmsPrincipal principal) => arn == principal.Arn || arn == principal.AccountRootArn;

    private static bool NamesKey(string keyIdInput, KeyRecord key) => keyIdInput == key.KeyId || keyIdInput == key.Arn;

    private static GrantListEntry GrantEntry(KeyRecord key, GrantRecord grant) => new()
    {
        KeyId = key.Arn,
        GrantId = grant.GrantId,
        Name = grant.Name,
        CreationDate = grant.CreatedAt,
        GranteePrincipal = grant.GranteePrincipal,
        RetiringPrincipal = grant.RetiringPrincipal,
        IssuingAccount = grant.IssuingAccount.Split(':') is { Length: >= 5 } parts ? $"arn:aws:iam::{parts[4]}:root" : grant.IssuingAccount,
        Operations = grant.Operations,
        Constraints = grant.Constraints is null ? null : JsonSerializer.Deserialize(grant.Constraints, KmsJsonContext.Default.GrantConstraints),
    };

    private static string NewGrantToken(KeyRecord key, ReadOnlySpan<byte> grantId)
    {
        Span<byte> raw = stackalloc byte[GrantTokenLength];
        raw[0] = GrantTokenVersion;
        Encoding.ASCII.GetBytes(key.Tenant, raw.Slice(1, 12));
        Encoding.ASCII.GetBytes(key.KeyId, raw.Slice(13, 36));
        grantId.CopyTo(raw.Slice(49, 32));
        RandomNumberGenerator.Fill(raw[81..]);
        return Base64Url.EncodeToString(raw);
    }

    private static bool TryReadGrantToken(string token, out string tenant, out string keyId, out string grantId)
    {
        tenant = keyId = grantId = "";
        Span<byte> raw = stackalloc byte[GrantTokenLength + 3];
        int written;
        try
        {
            if (token.Length > 8192 || !Base64Url.TryDecodeFromChars(token, raw, out written) || written != GrantTokenLength || raw[0] != GrantTokenVersion)
            {
                return false;
            }
        }
        catch (FormatException)
        {
            return false;
        }

        tenant = Encoding.ASCII.GetString(raw.Slice(1, 12));
        keyId = Encoding.ASCII.GetString(raw.Slice(13, 36));
        grantId = Convert.ToHexStringLower(raw.Slice(49, 32));
        return AccountPattern().IsMatch(tenant) && Guid.TryParseExact(keyId, "D", out _);
    }

    private static KmsException InvalidGrantToken() => new(KmsErrorType.InvalidGrantToken, "The grant token is invalid.");

    private static string ValidatePrincipalArn(string? arn, string member)
    {
        if (arn is null)
        {
            throw new KmsException(KmsErrorType.Validation, $"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null");
        }

        return arn.Length <= 256 && (PrincipalArnPattern().IsMatch(arn) || ServicePrincipalPattern().IsMatch(arn))
            ? arn
            : throw new KmsException(KmsErrorType.Validation, $"1 validation error detected: Value '{Sanitize(arn)}' at '{member}' is not a valid principal ARN");
    }

    private static List<string> ValidateGrantOperations(IReadOnlyList<string>? operations)
    {
        if (operations is null || operations.Count == 0)
        {
            throw new KmsException(KmsErrorType.Validation, "1 validation error detected: Value null at 'operations' failed to satisfy constraint: Member must not be null");
        }

        foreach (var op in operations)
        {
            if (op is null || !GrantOperations.Contains(op))
            {
                throw new KmsException(KmsErrorType.Validation, $"1 validation error detected: Value '{Sanitize(op ?? "null")}' at 'operations' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", GrantOperations)}]");
            }
        }

        return operations.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The constraints as stored: canonical JSON (pairs sorted), or null for none.</summary>
    private static string? ConstraintsJson(GrantConstraints? constraints)
    {
        if (constraints is null || (constraints.EncryptionContextSubset is null && constraints.EncryptionContextEquals is null))
        {
            return null;
        }

        if (constraints.EncryptionContextSubset is not null && constraints.EncryptionContextEquals is not null)
        {
            throw new KmsException(KmsErrorType.Validation, "A grant takes EncryptionContextSubset or EncryptionContextEquals, not both.");
        }

        static Dictionary<string, string>? Sorted(Dictionary<string, string>? pairs)
        {
            if (pairs is null)
            {
                return null;
            }

            Envelope.EncryptionContext.Encode(pairs); // same limits as a request's context
            return pairs.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        }

        return JsonSerializer.Serialize(
            new GrantConstraints { EncryptionContextSubset = Sorted(constraints.EncryptionContextSubset), EncryptionContextEquals = Sorted(constraints.EncryptionContextEquals) },
            KmsJsonContext.Default.GrantConstraints);
    }

    /// <summary>The id of a named grant: SHA-256 over its key and parameters (length-prefixed; operations as a set).</summary>
    private static void NamedGrantId(KeyRecord key, string name, string grantee, string? retiring, IReadOnlyList<string> operations, string? constraints, Span<byte> destination)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Append(string? value)
        {
            var bytes = value is null ? [] : Encoding.UTF8.GetBytes(value);
            Span<byte> length = stackalloc byte[5];
            length[0] = value is null ? (byte)0 : (byte)1;
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length[1..], bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }

        Append("conclave/kms/named-grant/v1");
        Append(key.Tenant);
        Append(key.KeyId);
        Append(name);
        Append(grantee);
        Append(retiring);
        Append(constraints);
        foreach (var operation in operations.Order(StringComparer.Ordinal))
        {
            Append(operation);
        }

        hash.GetHashAndReset(destination);
    }

    private static void ValidateGrantName(string? name)
    {
        if (name is not null && !GrantNamePattern().IsMatch(name))
        {
            throw new KmsException(KmsErrorType.Validation, "1 validation error detected: Value at 'name' failed to satisfy constraint: Member must have length between 1 and 256 and match [a-zA-Z0-9:/_-]+");
        }
    }

    private static void ValidateGrantTokens(IReadOnlyList<string>? tokens)
    {
        if (tokens is not null && (tokens.Count > 10 || tokens.Any(t => t is not { Length: >= 1 and <= 8192 })))
        {
            throw new KmsException(KmsErrorType.Validation, "1 validation error detected: Value at 'grantTokens' failed to satisfy constraint: at most 10 tokens of 1 to 8192 characters");
        }
    }

    private static void ValidateGrantId(string grantId)
    {
        if (grantId.Length is 0 or > 128)
        {
            throw new KmsException(KmsErrorType.InvalidGrantId, $"Grant id '{Sanitize(grantId)}' is not valid.");
        }
    }

    [GeneratedRegex(@"^\d{12}$")]
    private static partial Regex AccountPattern();

    [GeneratedRegex(@"^arn:aws[a-z-]*:(iam|sts)::\d{12}:(root|(user|role|assumed-role)/[\w+=,.@/-]+)$")]
    private static partial Regex PrincipalArnPattern();

    [GeneratedRegex(@"^[a-z0-9.-]+\.amazonaws\.com$")]
    private static partial Regex ServicePrincipalPattern();

    [GeneratedRegex(@"^[a-zA-Z0-9:/_-]{1,256}$")]
    private static partial Regex GrantNamePattern();
}

using Conclave.Kms.Api;
using Conclave.Kms.Api.Actions;
using Conclave.Kms.Keys;
using Conclave.Kms.Storage;

namespace Conclave.Kms.Service;

/// <summary>
/// Key rotation (symmetric encryption keys only, as AWS): automatic rotation on a period, rotation
/// on demand, and the list of past rotations. A rotation adds a key version and makes it current;
/// old versions stay, so ciphertexts made under them (which name their version) still decrypt.
/// </summary>
public sealed partial class KmsService
{
    /// <summary>AWS's bounds and default for the automatic rotation period.</summary>
    public const int MinRotationPeriodInDays = 90, MaxRotationPeriodInDays = 2560, DefaultRotationPeriodInDays = 365;

    /// <summary>AWS's lifetime quota of on-demand rotations per key.</summary>
    public const int MaxOnDemandRotations = 10;

    private const string AutomaticRotation = "AUTOMATIC", OnDemandRotation = "ON_DEMAND";

    /// <summary>EnableKeyRotation: turns automatic rotation on (or changes its period).</summary>
    public ValueTask<EmptyResponse> EnableKeyRotationAsync(KmsCallContext context, EnableKeyRotationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "EnableKeyRotation", async operation =>
        {
            var period = request.RotationPeriodInDays ?? DefaultRotationPeriodInDays;
            if (period is < MinRotationPeriodInDays or > MaxRotationPeriodInDays)
            {
                throw new KmsException(KmsErrorType.Validation, $"1 validation error detected: Value '{period}' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value between {MinRotationPeriodInDays} and {MaxRotationPeriodInDays}");
            }

            var key = await ResolveRotatableKeyAsync(operation, request.KeyId, cancellationToken).ConfigureAwait(false);
            RequireEnabled(key);

            // A new schedule starts now; changing the period of a running schedule counts from the
            // last rotation (the current version's creation), but never schedules in the past.
            var next = operation.Now.AddDays(period);
            if (key.RotationEnabled)
            {
                var current = await VersionAsync(key, key.CurrentVersion, cancellationToken).ConfigureAwait(false);
                var fromLast = current.CreatedAt.AddDays(period);
                next = fromLast > operation.Now ? fromLast : operation.Now;
            }

            operation.Changes.Add(new UpdateKey(key with { RotationEnabled = true, RotationPeriodInDays = period, NextRotationDate = next, Revision = key.Revision + 1 }));
            return new EmptyResponse();
        }, cancellationToken);
    }

    /// <summary>DisableKeyRotation: turns automatic rotation off (on-demand rotation still works).</summary>
    public ValueTask<EmptyResponse> DisableKeyRotationAsync(KmsCallContext context, KeyIdRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "DisableKeyRotation", async operation =>
        {
            var key = await ResolveRotatableKeyAsync(operation, request.KeyId, cancellationToken).ConfigureAwait(false);
            RequireEnabled(key);
            if (key.RotationEnabled)
            {
                operation.Changes.Add(new UpdateKey(key with { RotationEnabled = false, RotationPeriodInDays = null, NextRotationDate = null, Revision = key.Revision + 1 }));
            }

            return new EmptyResponse();
        }, cancellationToken);
    }

    /// <summary>GetKeyRotationStatus (allowed for disabled keys and keys pending deletion).</summary>
    public ValueTask<GetKeyRotationStatusResponse> GetKeyRotationStatusAsync(KmsCallContext context, KeyIdRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "GetKeyRotationStatus", async operation =>
        {
            var key = await ResolveRotatableKeyAsync(operation, request.KeyId, cancellationToken).ConfigureAwait(false);
            return new GetKeyRotationStatusResponse
            {
                KeyRotationEnabled = key.RotationEnabled,
                KeyId = key.Arn,
                RotationPeriodInDays = key.RotationEnabled ? key.RotationPeriodInDays : null,
                NextRotationDate = key.RotationEnabled ? key.NextRotationDate : null,
            };
        }, cancellationToken);
    }

    /// <summary>
    /// RotateKeyOnDemand: adds a version at once and makes it current, without moving the automatic
    /// schedule. At most <see cref="MaxOnDemandRotations"/> per key (LimitExceededException after).
    /// </summary>
    public ValueTask<KeyIdResponse> RotateKeyOnDemandAsync(KmsCallContext context, KeyIdRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "RotateKeyOnDemand", async operation =>
        {
            var key = await ResolveRotatableKeyAsync(operation, request.KeyId, cancellationToken).ConfigureAwait(false);
            RequireEnabled(key);
            var versions = await _store.ListKeyVersionsAsync(key.Tenant, key.KeyId, cancellationToken).ConfigureAwait(false);
            if (versions.Count(v => v.RotationType == OnDemandRotation) >= MaxOnDemandRotations)
            {
                throw new KmsException(KmsErrorType.LimitExceeded, $"{key.Arn} has reached the limit of {MaxOnDemandRotations} on-demand rotations.");
            }

            var (updated, version) = await RotateCoreAsync(key, OnDemandRotation, operation.Now, cancellationToken).ConfigureAwait(false);
            operation.KeyVersion = version.Version;
            operation.Changes.Add(new UpdateKey(updated));
            operation.Changes.Add(new InsertKeyVersion(version));
            return new KeyIdResponse(key.KeyId);
        }, cancellationToken);
    }

    /// <summary>ListKeyRotations: the rotations (every version after the first), oldest first.</summary>
    public ValueTask<ListKeyRotationsResponse> ListKeyRotationsAsync(KmsCallContext context, ListKeyRotationsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "ListKeyRotations", async operation =>
        {
            var limit = BoundedLimit(request.Limit, max: MaxListLimit, fallback: DefaultListLimit);
            var after = Marker.Decode(request.Marker, "rotations");
            var afterVersion = 1;
            if (after is not null && (!int.TryParse(after, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out afterVersion) || afterVersion < 1))
            {
                throw new KmsException(KmsErrorType.InvalidMarker, "The pagination marker is not valid for this request.");
            }

            var key = await ResolveRotatableKeyAsync(operation, request.KeyId, cancellationToken).ConfigureAwait(false);
            var versions = await _store.ListKeyVersionsAsync(key.Tenant, key.KeyId, cancellationToken).ConfigureAwait(false);
            var remaining = versions.Where(v => v.Version > afterVersion).OrderBy(v => v.Version).ToList();
            var page = remaining.Take(limit).ToList();
            var truncated = remaining.Count > limit;
            return new ListKeyRotationsResponse(
                page.Select(v => new RotationsListEntry(key.KeyId, v.CreatedAt, v.RotationType ?? AutomaticRotation)).ToList(),
                truncated ? Marker.Encode("rotations", page[^1].Version.ToString(System.Globalization.CultureInfo.InvariantCulture)) : null,
                truncated);
        }, cancellationToken);
    }

    /// <summary>
    /// Background duty: rotates the keys whose automatic rotation is due (audited as
    /// <c>conclave:RotateKey</c> by <c>conclave:system</c>), and schedules the next rotation one
    /// period later. A disabled key is not rotated while disabled, as AWS; its due date stays, so
    /// it is rotated by the first sweep after it is enabled again. Returns how many keys were rotated.
    /// </summary>
    public async ValueTask<int> RunDueRotationsAsync(CancellationToken cancellationToken = default)
    {
        var now = Now();
        var rotated = 0;
        await foreach (var key in DueKeysAsync(now, cancellationToken).ConfigureAwait(false))
        {
            if (key.State != KeyState.Enabled || !key.RotationEnabled || key.KeySpec != SymmetricDefault
                || key.NextRotationDate is not { } due || due > now || key.RotationPeriodInDays is not { } period)
            {
                continue;
            }

            var (updated, version) = await RotateCoreAsync(key, AutomaticRotation, now, cancellationToken).ConfigureAwait(false);

            // One period after the due date; after a long outage, one period from now rather than a burst of catch-up rotations.
            var next = due.AddDays(period);
            updated = updated with { NextRotationDate = next > now ? next : now.AddDays(period) };
            var audit = new Audit.AuditEntry(now, "conclave:system", key.Tenant, "conclave:RotateKey", key.KeyId, version.Version, Guid.NewGuid().ToString(), Audit.AuditEntry.Success, new byte[32]);
            try
            {
                await _store.CommitAsync([new UpdateKey(updated), new InsertKeyVersion(version)], audit, cancellationToken).ConfigureAwait(false);
                rotated++;
            }
            catch (KmsConflictException)
            {
                // Changed meanwhile (disabled, rotated on demand, ...); the next sweep looks again.
            }
        }

        return rotated;
    }

    /// <summary>Resolves a key id or key ARN (not an alias, as AWS) of a symmetric encryption key.</summary>
    private async ValueTask<KeyRecord> ResolveRotatableKeyAsync(KmsOperation operation, string? keyIdInput, CancellationToken cancellationToken)
    {
        var key = await ResolveKeyAsync(operation, keyIdInput, cancellationToken, allowAlias: false).ConfigureAwait(false);
        if (key.KeySpec != SymmetricDefault)
        {
            throw new KmsException(KmsErrorType.UnsupportedOperation, $"{key.Arn} is a {key.KeySpec} key; only symmetric encryption keys (SYMMETRIC_DEFAULT) support rotation.");
        }

        return key;
    }

    /// <summary>Fresh material wrapped as version CurrentVersion+1, and the key record making it current.</summary>
    private async ValueTask<(KeyRecord Key, KeyVersionRecord Version)> RotateCoreAsync(KeyRecord key, string rotationType, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var number = key.CurrentVersion + 1;
        using var material = KeySpecRules.Generate(key.KeySpec);
        var (kekVersion, wrapped) = await _keyring.WrapAsync(key.Tenant, key.KeyId, number, material, cancellationToken).ConfigureAwait(false);
        var version = new KeyVersionRecord(key.Tenant, key.KeyId, number, now, kekVersion, wrapped, null, rotationType);
        return (key with { CurrentVersion = number, Revision = key.Revision + 1 }, version);
    }
}

using Conclave.Kms.Api;
using Conclave.Kms.Api.Actions;
using Conclave.Kms.Crypto;

namespace Conclave.Kms.Service;

/// <summary>HMAC keys: GenerateMac and VerifyMac.</summary>
public sealed partial class KmsService
{
    private const int MaxMacLength = 6144;

    /// <summary>GenerateMac.</summary>
    public ValueTask<GenerateMacResponse> GenerateMacAsync(KmsCallContext context, GenerateMacRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "GenerateMac", async operation =>
        {
            var message = RequireMessage(request.Message);
            var algorithm = RequireMember(request.MacAlgorithm, "macAlgorithm");
            var key = await ResolveKeyAsync(operation, request.KeyId, cancellationToken).ConfigureAwait(false);
            RequireEnabled(key);
            RequireUsage(key, KeyUsages.GenerateVerifyMac, "GenerateMac");
            ThrowIfDryRun(request.DryRun);
            var version = await VersionAsync(key, key.CurrentVersion, cancellationToken).ConfigureAwait(false);
            operation.KeyVersion = version.Version;
            using var material = await _keyring.LeaseAsync(version, cancellationToken).ConfigureAwait(false);
            return new GenerateMacResponse(Macs.Generate(key.KeySpec, material.Span, algorithm, message), algorithm, key.Arn);
        }, cancellationToken);
    }

    /// <summary>VerifyMac: a MAC that does not verify is KMSInvalidMacException, as in AWS.</summary>
    public ValueTask<VerifyMacResponse> VerifyMacAsync(KmsCallContext context, VerifyMacRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "VerifyMac", async operation =>
        {
            var message = RequireMessage(request.Message);
            var algorithm = RequireMember(request.MacAlgorithm, "macAlgorithm");
            var mac = request.Mac;
            if (mac is null || mac.Length is 0 or > MaxMacLength)
            {
                throw new KmsException(KmsErrorType.Validation, $"1 validation error detected: Value at 'mac' failed to satisfy constraint: Member must have length between 1 and {MaxMacLength}");
            }

            var key = await ResolveKeyAsync(operation, request.KeyId, cancellationToken).ConfigureAwait(false);
            RequireEnabled(key);
            RequireUsage(key, KeyUsages.GenerateVerifyMac, "VerifyMac");
            ThrowIfDryRun(request.DryRun);
            var version = await VersionAsync(key, key.CurrentVersion, cancellationToken).ConfigureAwait(false);
            operation.KeyVersion = version.Version;
            using var material = await _keyring.LeaseAsync(version, cancellationToken).ConfigureAwait(false);
            if (!Macs.Verify(key.KeySpec, material.Span, algorithm, message, mac))
            {
                throw new KmsException(KmsErrorType.KmsInvalidMac, "The MAC is not valid for the message, key and MAC algorithm.");
            }

            return new VerifyMacResponse(key.Arn, true, algorithm);
        }, cancellationToken);
    }
}

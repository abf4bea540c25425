using Conclave.Kms.Api;

namespace Conclave.Server.Aws;

/// <summary>
/// Handles one KMS action: <paramref name="jsonBody"/> is the authenticated request body (UTF-8, already
/// checked to be a JSON object; the host wipes it after the call, so do not keep it). Failures throw
/// <see cref="KmsException"/>; any other exception answers KMSInternalException without details.
/// </summary>
public delegate ValueTask<KmsActionResult> KmsActionHandler(KmsCallContext context, ReadOnlyMemory<byte> jsonBody, CancellationToken cancellationToken);

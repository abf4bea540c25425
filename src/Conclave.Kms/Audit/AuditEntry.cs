namespace Conclave.Kms.Audit;

/// <summary>
/// What a request contributes to the audit log. The store adds the sequence number and the hash
/// chain (<see cref="AuditRecord"/>). Never holds plaintext or key material: the request is present
/// only as <see cref="RequestDigest"/>, a SHA-256 over the request with plaintext fields removed.
/// </summary>
/// <param name="Time">When the request was handled.</param>
/// <param name="Principal">The caller's ARN (or <c>conclave:system</c> for internal work such as scheduled deletion).</param>
/// <param name="Tenant">The caller's account.</param>
/// <param name="Action">The AWS action name (or a <c>conclave:</c> name for internal work).</param>
/// <param name="KeyId">The key the request used, when it resolved to one (for cross-account use, <c>account/keyId</c>).</param>
/// <param name="KeyVersion">The key version used, when one was.</param>
/// <param name="RequestId">The request id returned to the caller.</param>
/// <param name="Outcome"><c>Success</c>, or the AWS error type the request failed with.</param>
/// <param name="RequestDigest">32 bytes.</param>
public sealed record AuditEntry(
    DateTimeOffset Time,
    string Principal,
    string Tenant,
    string Action,
    string? KeyId,
    int? KeyVersion,
    string RequestId,
    string Outcome,
    byte[] RequestDigest)
{
    /// <summary>The outcome of a request that succeeded.</summary>
    public const string Success = "Success";
}

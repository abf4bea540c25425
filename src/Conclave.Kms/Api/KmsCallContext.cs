using Conclave.Kms.Tenants;

namespace Conclave.Kms.Api;

/// <summary>Who is calling and how: built by the API host after authentication, passed to every action.</summary>
/// <param name="Principal">The authenticated caller.</param>
/// <param name="Region">The region the request was signed for (from the SigV4 credential scope); ARNs use it.</param>
/// <param name="RequestId">The request id returned to the caller in <c>x-amzn-RequestId</c> and written to the audit log.</param>
public sealed record KmsCallContext(KmsPrincipal Principal, string Region, string RequestId)
{
    /// <summary>
    /// SHA-256 of the request with its plaintext fields removed (<see cref="RequestDigest.Compute"/>),
    /// for the audit log. 32 zero bytes when the host did not compute one.
    /// </summary>
    public byte[] RequestDigest { get; init; } = new byte[32];
}

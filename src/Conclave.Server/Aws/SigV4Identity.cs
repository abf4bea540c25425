using Conclave.Kms.Tenants;

namespace Conclave.Server.Aws;

/// <summary>Who signed a request (SigV4) and for which region. Public data only.</summary>
/// <param name="Principal">The principal whose access key signed the request.</param>
/// <param name="Region">The region of the credential scope (any region is accepted).</param>
public sealed record SigV4Identity(KmsPrincipal Principal, string Region);

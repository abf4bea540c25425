using Conclave.Crypto;

namespace Conclave.Kms.Tenants;

/// <summary>Looks up principals and their secret access keys, for request authentication (SigV4).</summary>
public interface IPrincipalDirectory
{
    /// <summary>
    /// Finds the principal with <paramref name="accessKeyId"/> and a copy of its secret access key
    /// (UTF-8 bytes; the caller disposes it), or null when the key id is unknown or deactivated.
    /// </summary>
    ValueTask<(KmsPrincipal Principal, SecretBytes SecretAccessKey)?> FindAsync(string accessKeyId, CancellationToken cancellationToken = default);
}

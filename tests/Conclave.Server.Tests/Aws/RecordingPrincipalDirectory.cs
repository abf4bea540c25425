using Conclave.Crypto;
using Conclave.Kms.Tenants;
using Conclave.Server.Tenants;

namespace Conclave.Server.Tests.Aws;

/// <summary>A <see cref="StaticPrincipalDirectory"/> that remembers every secret copy it hands out.</summary>
internal sealed class RecordingPrincipalDirectory : IPrincipalDirectory, IDisposable
{
    private readonly StaticPrincipalDirectory _inner = new();

    public List<SecretBytes> HandedOut { get; } = [];

    public void Add(KmsPrincipal principal, ReadOnlySpan<byte> secret) => _inner.Add(principal, secret);

    public async ValueTask<(KmsPrincipal Principal, SecretBytes SecretAccessKey)?> FindAsync(string accessKeyId, CancellationToken cancellationToken = default)
    {
        var found = await _inner.FindAsync(accessKeyId, cancellationToken);
        if (found is { } entry)
        {
            HandedOut.Add(entry.SecretAccessKey);
        }

        return found;
    }

    public void Dispose() => _inner.Dispose();
}

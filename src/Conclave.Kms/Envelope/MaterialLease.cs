using Conclave.Crypto;
using Conclave.Kms.Crypto;

namespace Conclave.Kms.Envelope;

/// <summary>
/// Use of cached key material for one operation. The material stays valid (not wiped) until every
/// lease on it is disposed, even if the cache evicts it meanwhile; dispose the lease when done.
/// </summary>
public sealed class MaterialLease : IDisposable
{
    private readonly CachedMaterial _entry;
    private bool _disposed;

    internal MaterialLease(CachedMaterial entry)
    {
        _entry = entry;
    }

    /// <summary>The material.</summary>
    public ReadOnlySpan<byte> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _entry.Material.Span;
        }
    }

    /// <summary>The material as <see cref="SecretBytes"/> (valid while the lease is).</summary>
    public SecretBytes Material
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _entry.Material;
        }
    }

    /// <summary>
    /// Runs <paramref name="use"/> on the material imported as an asymmetric private key of
    /// <paramref name="keySpec"/>. The import is cached with the material (dropped when the cache
    /// evicts or forgets it and the last lease ends); calls on one key are serialized.
    /// </summary>
    public TResult UseAsymmetricKey<TState, TResult>(string keySpec, TState state, Func<AsymmetricKeyHandle, TState, TResult> use)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(use);
        return _entry.UseAsymmetricKey(keySpec, state, use);
    }

    /// <summary>Ends the lease.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _entry.Release();
        }
    }

    /// <inheritdoc />
    public override string ToString() => "<redacted>";
}

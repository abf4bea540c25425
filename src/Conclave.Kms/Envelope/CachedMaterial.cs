using Conclave.Crypto;
using Conclave.Kms.Crypto;

namespace Conclave.Kms.Envelope;

/// <summary>
/// Unwrapped material shared by concurrent operations, reference-counted: the cache holds one
/// reference, each lease another; the material is wiped when the last reference goes. For
/// asymmetric keys it also keeps the imported <see cref="AsymmetricKeyHandle"/> (importing PKCS#8
/// costs far more than a signature), created on first use and disposed with the material.
/// </summary>
internal sealed class CachedMaterial
{
    // The runtime does not document RSA/ECDsa objects as safe for concurrent use: one operation at a time per handle.
    private readonly Lock _handleLock = new();
    private AsymmetricKeyHandle? _handle;
    private int _references = 1;

    public CachedMaterial(SecretBytes material)
    {
        Material = material;
    }

    public SecretBytes Material { get; }

    /// <summary>Takes a lease, or returns null if the entry was already released by the cache and all leases.</summary>
    public MaterialLease? TryLease()
    {
        var current = Volatile.Read(ref _references);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return new MaterialLease(this);
            }

            current = seen;
        }

        return null;
    }

    /// <summary>Runs <paramref name="use"/> on the imported private key, one caller at a time. The caller holds a lease.</summary>
    public TResult UseAsymmetricKey<TState, TResult>(string keySpec, TState state, Func<AsymmetricKeyHandle, TState, TResult> use)
    {
        lock (_handleLock)
        {
            _handle ??= AsymmetricKeyHandle.FromPrivateKey(keySpec, Material.Span);
            return use(_handle, state);
        }
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            lock (_handleLock)
            {
                _handle?.Dispose();
                _handle = null;
            }

            Material.Dispose();
        }
    }
}

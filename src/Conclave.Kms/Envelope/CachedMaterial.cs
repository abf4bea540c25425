using Conclave.Crypto;

namespace Conclave.Kms.Envelope;

/// <summary>
/// Unwrapped material shared by concurrent operations, reference-counted: the cache holds one
/// reference, each lease another; the material is wiped when the last reference goes.
/// </summary>
internal sealed class CachedMaterial
{
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

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Material.Dispose();
        }
    }
}

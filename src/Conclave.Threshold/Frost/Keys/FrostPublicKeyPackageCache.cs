using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Conclave.Threshold.Frost.Keys;

/// <summary>
/// Remembers the public part of FROST key-share encodings that <see cref="FrostKeyShareEncoding.Parse(ReadOnlySpan{byte}, FrostPublicKeyPackageCache?)"/>
/// has fully validated (element encodings and the polynomial-consistency check of the verifying
/// shares), keyed by the SHA-256 of those exact public bytes, so that parsing the same share again
/// skips only checks whose answer cannot have changed. It holds public data only (group key,
/// verifying shares, threshold): never a secret share. The secret-share checks
/// (canonical, non-zero, s·G = Y_self) run on every parse. Bounded; thread-safe.
/// </summary>
public sealed class FrostPublicKeyPackageCache
{
    private readonly ConcurrentDictionary<string, PublicKeyPackage> _verified = new(StringComparer.Ordinal);

    /// <summary>Creates a cache holding at most <paramref name="capacity"/> packages (it is emptied when full).</summary>
    public FrostPublicKeyPackageCache(int capacity = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>The most packages held at once.</summary>
    public int Capacity { get; }

    /// <summary>How many packages are held.</summary>
    public int Count => _verified.Count;

    internal static string KeyOf(ReadOnlySpan<byte> publicPart) => Convert.ToHexString(SHA256.HashData(publicPart));

    internal bool TryGet(string key, out PublicKeyPackage package) => _verified.TryGetValue(key, out package!);

    internal void Add(string key, PublicKeyPackage package)
    {
        if (_verified.Count >= Capacity)
        {
            _verified.Clear();
        }

        _verified.TryAdd(key, package);
    }
}

using System.Security.Cryptography;
using Conclave.Crypto.Paillier;

namespace Conclave.Mpc.Node;

/// <summary>
/// A node's pool of safe primes for CGGMP21 aux info: the encrypted file <c>safe-primes.pool</c>
/// in its data directory, under a key derived from the node's data key, refilled in the
/// background to <see cref="Target"/> primes (two Paillier keys) so a keygen need not wait for a
/// prime search. Every prime is this node's own and used once (<see cref="SafePrimePool"/>).
/// </summary>
public static class NodePrimePool
{
    /// <summary>The pool's file name in the data directory.</summary>
    public const string FileName = "safe-primes.pool";

    /// <summary>Primes kept ready.</summary>
    public const int Target = 4;

    /// <summary>Opens the pool of <paramref name="runtime"/>'s node; <paramref name="refill"/> false opens it without background generation.</summary>
    public static SafePrimePool Open(NodeRuntime runtime, bool refill = true)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var key = new byte[SafePrimePool.StorageKeyLength];
        try
        {
            runtime.Store.DeriveSubkey("safe-prime-pool", key);
            var options = new SafePrimePoolOptions { FilePath = Path.Combine(runtime.Config.DataDirectory, FileName), TargetSize = refill ? Target : 0 };
            return new SafePrimePool(options, key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary><paramref name="options"/> with its Paillier key source taken from <paramref name="pool"/>.</summary>
    public static MpcNodeOptions Using(this MpcNodeOptions options, SafePrimePool pool)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pool);
        return options with { PaillierKeySource = pool.TakePaillierKeyAsync };
    }
}

namespace Conclave.Crypto.Paillier;

/// <summary>
/// Settings of a <see cref="SafePrimePool"/>. <see cref="Default"/> keeps eight 1024-bit safe
/// primes in memory only; production sets <see cref="FilePath"/> so the pool survives restarts.
/// The pool validates the values when it is constructed.
/// </summary>
public sealed record SafePrimePoolOptions
{
    /// <summary>Eight 1024-bit primes, memory only, one generation worker.</summary>
    public static SafePrimePoolOptions Default { get; } = new();

    /// <summary>Size of each prime in bits (at least 16; CGGMP21 uses 1024, so N has 2048 bits).</summary>
    public int PrimeBits { get; init; } = 1024;

    /// <summary>How many primes the background task keeps ready (0 disables background generation).</summary>
    public int TargetSize { get; init; } = 8;

    /// <summary>
    /// The encrypted pool file, or null to keep the pool in memory only. Its directory must exist;
    /// the pool also uses <c>FilePath.tmp</c> (atomic rewrite) and <c>FilePath.lock</c> (one pool per file).
    /// </summary>
    public string? FilePath { get; init; }

    /// <summary>
    /// Worker threads per prime search (<see cref="SafePrimes.Generate"/>); 0 means one per core.
    /// The default of 1 keeps the background refill from competing with protocol work.
    /// </summary>
    public int Parallelism { get; init; } = 1;
}

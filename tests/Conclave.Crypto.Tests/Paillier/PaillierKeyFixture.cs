using System.Numerics;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;

namespace Conclave.Crypto.Tests.Paillier;

/// <summary>
/// One Paillier key per test class, built from two fresh 512-bit safe primes (a 1024-bit N).
/// Real keys use 1024-bit primes (a 2048-bit N); half the size keeps the suite fast and exercises
/// the same code. The primes are also kept as <see cref="BigInteger"/>s for reference arithmetic.
/// </summary>
public sealed class PaillierKeyFixture : IDisposable
{
    public const int PrimeBits = 512;

    public PaillierKeyFixture()
    {
        using var p = SafePrimes.Generate(PrimeBits);
        using var q = GenerateDistinctFrom(p);
        Key = new PaillierSecretKey(p, q);
        P = p.ToBigInteger();
        Q = q.ToBigInteger();
        N = P * Q;
        NSquared = N * N;
    }

    public PaillierSecretKey Key { get; }

    public PaillierPublicKey PublicKey => Key.PublicKey;

    public BigInteger P { get; }

    public BigInteger Q { get; }

    public BigInteger N { get; }

    public BigInteger NSquared { get; }

    public void Dispose() => Key.Dispose();

    private static GmpInteger GenerateDistinctFrom(GmpInteger p)
    {
        while (true)
        {
            var q = SafePrimes.Generate(PrimeBits);
            if (q.CompareTo(p) != 0)
            {
                return q;
            }

            q.Dispose();
        }
    }
}

using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Random;

namespace Conclave.Crypto.Tests.Proofs;

/// <summary>
/// The keys of the presigning-proof tests: the prover's 2048-bit Paillier key, the verifier's
/// 2048-bit Paillier key and the verifier's ring-Pedersen parameters on its own modulus (as in
/// CGGMP21, where N̂ = N_j).
/// </summary>
public sealed class PresigningProofTestKeys : IDisposable
{
    public PresigningProofTestKeys()
    {
        ProverKey = TestOnlySafePrimes.CreateKey(0, 1);
        VerifierKey = TestOnlySafePrimes.CreateKey(2, 3);
        VerifierSecret = RingPedersenSecret.Generate(VerifierKey);
    }

    public PaillierSecretKey ProverKey { get; }

    public PaillierSecretKey VerifierKey { get; }

    public RingPedersenSecret VerifierSecret { get; }

    public RingPedersenParameters Aux => VerifierSecret.Parameters;

    public PaillierPublicKey N0 => ProverKey.PublicKey;

    /// <summary>2^bits.</summary>
    public static GmpInteger PowerOfTwo(int bits)
    {
        using var one = GmpInteger.FromUInt64(1);
        return GmpInteger.ShiftLeft(one, bits);
    }

    /// <summary>A uniform value in ±2^bits.</summary>
    public static GmpInteger RandomSigned(int bits) => GmpInteger.RandomSigned(bits, SystemRandomSource.Instance);

    /// <summary>Values that are not in Z*_{N²} for <paramref name="key"/>: 0, p, p·(a unit), N², N² + 1, -1.</summary>
    public static GmpInteger[] InvalidCiphertexts(PaillierSecretKey key)
    {
        var pk = key.PublicKey;
        using var one = GmpInteger.FromUInt64(1);
        using var seven = GmpInteger.FromUInt64(7);
        return
        [
            new GmpInteger(),
            key.P.Clone(),
            GmpInteger.Multiply(key.Q, seven),
            pk.NSquared.Clone(),
            GmpInteger.Add(pk.NSquared, one),
            GmpInteger.Negate(one),
        ];
    }

    public void Dispose()
    {
        VerifierSecret.Dispose();
        VerifierKey.Dispose();
        ProverKey.Dispose();
    }
}

using System.Globalization;
using System.Numerics;
using Conclave.Crypto.BigNumbers;

namespace Conclave.Crypto.Proofs;

/// <summary>
/// The CGGMP21 security parameters for secp256k1 at 128-bit security. The paper (Canetti, Gennaro,
/// Goldfeder, Makriyannis, Peled, ePrint 2021/060) sets ℓ = |q|, ℓ' = 5ℓ and ε = 2ℓ for the curve
/// order q; the Lockness implementation spec ("Security Parameters" / "Security Guidelines") raises
/// the repetition count of Π^mod and Π^prm to m = 128 so their soundness error 2^-m matches 128-bit
/// security, and asks for 2048-bit (or longer) Paillier moduli, i.e. 1024-bit primes.
/// </summary>
public static class Cggmp21Parameters
{
    /// <summary>ℓ = |q| = 256: the range of the secret values (paper §"Parameters": ℓ = |q|).</summary>
    public const int Ell = 256;

    /// <summary>ℓ' = 5ℓ = 1280: the range of the masks in the affine-operation proofs.</summary>
    public const int EllPrime = 1280;

    /// <summary>ε = 2ℓ = 512: the slack of the range proofs.</summary>
    public const int Epsilon = 512;

    /// <summary>m = 128: repetitions of Π^mod and Π^prm (soundness error 2^-128).</summary>
    public const int M = 128;

    /// <summary>Bits of each Paillier prime (so N has 2048 bits).</summary>
    public const int PaillierPrimeBits = 1024;

    /// <summary>
    /// The smallest modulus a production verifier accepts: 2047 bits, so that a product of two
    /// 1024-bit primes always passes. Π^fac's guarantee (no factor below about 2^ℓ) also needs
    /// √N₀ ≳ 2^(2ℓ+ε) (the "implicit constraint" of the paper's Fig. 28).
    /// </summary>
    public const int MinimumModulusBits = 2047;

    /// <summary>The secp256k1 group order q (Π^fac draws its challenge from ±q, as in the paper's Fig. 28).</summary>
    public static BigInteger CurveOrder { get; } = BigInteger.Parse(
        "0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141",
        NumberStyles.HexNumber,
        CultureInfo.InvariantCulture);

    /// <summary>q as a new <see cref="GmpInteger"/> (the caller disposes it).</summary>
    internal static GmpInteger CreateCurveOrder() => GmpInteger.FromBigInteger(CurveOrder);
}

using System.Security.Cryptography;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Paillier;

namespace Conclave.Crypto.Proofs;

/// <summary>
/// Arithmetic shared by the presigning proofs Π^enc, Π^aff-g and Π^log*: bounds, public Paillier
/// encryption for the verifier, and the map from integers to secp256k1 scalars (x ↦ x mod q).
/// </summary>
internal static class PresigningProofSupport
{
    /// <summary>The curve of the group commitments (secp256k1, order q).</summary>
    public static Secp256k1Group Curve => Secp256k1Group.Instance;

    /// <summary>2^bits (a new integer).</summary>
    public static GmpInteger PowerOfTwo(int bits)
    {
        using var one = GmpInteger.FromUInt64(1);
        return GmpInteger.ShiftLeft(one, bits);
    }

    /// <summary>a + e·b (a new integer).</summary>
    public static GmpInteger AddProduct(GmpInteger a, GmpInteger e, GmpInteger b)
    {
        using var product = GmpInteger.Multiply(e, b);
        return GmpInteger.Add(a, product);
    }

    /// <summary>
    /// Enc_N(m; ρ) = (1 + (m mod N)·N) · ρ^N mod N² with variable-time exponentiation: for the
    /// verifier, whose m and ρ are public responses. ρ must already be checked to be in Z*_N.
    /// With the key's own secret key as <paramref name="trapdoor"/>, ρ^N is computed by CRT.
    /// </summary>
    public static GmpInteger EncryptPublic(PaillierPublicKey key, GmpInteger message, GmpInteger rho, PaillierSecretKey? trapdoor = null)
    {
        using var m = GmpInteger.Mod(message, key.N);
        using var mn = GmpInteger.Multiply(m, key.N);
        using var one = GmpInteger.FromUInt64(1);
        using var g = GmpInteger.Add(mn, one);
        using var rn = ProofHelpers.PowPublic(rho, key.N, key.NSquared, trapdoor);
        return GmpInteger.MultiplyMod(g, rn, key.NSquared);
    }

    /// <summary>c^e mod N² for a public e (a negative e uses c⁻¹; c must be a valid ciphertext), by CRT with a trapdoor for N.</summary>
    public static GmpInteger PowCiphertextPublic(PaillierPublicKey key, GmpInteger ciphertext, GmpInteger e, PaillierSecretKey? trapdoor = null) =>
        ProofHelpers.PowPublic(ciphertext, e, key.NSquared, trapdoor);

    /// <summary>(value mod q)·point, with the scalar held in a wiped stack buffer (value may be secret).</summary>
    public static Element Multiply(Element point, GmpInteger value)
    {
        Span<byte> scalar = stackalloc byte[32];
        try
        {
            WriteScalar(value, scalar);
            return Curve.Multiply(point, scalar);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scalar);
        }
    }

    /// <summary>(value mod q)·G (value may be secret).</summary>
    public static Element MultiplyBase(GmpInteger value)
    {
        Span<byte> scalar = stackalloc byte[32];
        try
        {
            WriteScalar(value, scalar);
            return Curve.MultiplyBase(scalar);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scalar);
        }
    }

    /// <summary>Whether <paramref name="point"/> is a secp256k1 element other than the identity.</summary>
    public static bool IsValidPoint(Element point) => ReferenceEquals(point.Group, Curve) && !point.IsIdentity;

    /// <summary>Whether ρ ∈ Z*_N for the key's N.</summary>
    public static bool IsUnitModN(PaillierPublicKey key, GmpInteger rho) => ProofHelpers.IsUnit(rho, key.N);

    /// <summary>Writes value mod q as a 32-byte big-endian scalar.</summary>
    private static void WriteScalar(GmpInteger value, Span<byte> destination)
    {
        using var order = Cggmp21Parameters.CreateCurveOrder();
        using var reduced = GmpInteger.Mod(value, order);
        reduced.WriteBytes(destination);
    }
}

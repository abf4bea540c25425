namespace Conclave.Crypto.Proofs;

/// <summary>
/// Which check a proof failed. Internal: the public <c>Verify</c> methods only say yes or no
/// (STYLE 18); tests use this to show that each check rejects what it should.
/// </summary>
internal enum ProofFailure
{
    /// <summary>Every check passed.</summary>
    None,

    /// <summary>The proof does not have <see cref="Cggmp21Parameters.M"/> repetitions.</summary>
    WrongRepetitionCount,

    /// <summary>The modulus is below the caller's minimum size (or below 3).</summary>
    ModulusTooSmall,

    /// <summary>The modulus is even.</summary>
    ModulusEven,

    /// <summary>The modulus is (probably) prime.</summary>
    ModulusPrime,

    /// <summary>The modulus is a perfect square.</summary>
    ModulusPerfectSquare,

    /// <summary>The verifier's ring-Pedersen parameters are malformed.</summary>
    ParametersMalformed,

    /// <summary>A first-message value (w, A_i, P, Q, A, B, T) is not in Z*_N.</summary>
    CommitmentNotUnit,

    /// <summary>Π^mod: the Jacobi symbol (w/N) is not -1.</summary>
    JacobiNotMinusOne,

    /// <summary>A response lies outside the range the verifier accepts.</summary>
    ResponseOutOfRange,

    /// <summary>Π^mod: z_i^N ≠ y_i (mod N).</summary>
    NthRootMismatch,

    /// <summary>Π^mod: x_i^4 ≠ (-1)^a_i w^b_i y_i (mod N).</summary>
    FourthRootMismatch,

    /// <summary>Π^prm: t^z_i ≠ A_i s^e_i (mod N).</summary>
    EquationMismatch,

    /// <summary>Π^fac: s^z1 t^w1 ≠ A P^e (mod N̂).</summary>
    FirstEquationMismatch,

    /// <summary>Π^fac: s^z2 t^w2 ≠ B Q^e (mod N̂).</summary>
    SecondEquationMismatch,

    /// <summary>Π^fac: Q^z1 t^v ≠ T (s^N₀ t^σ)^e (mod N̂).</summary>
    ThirdEquationMismatch,

    /// <summary>Π^fac: z1 ∉ ±2^(ℓ+ε)·√N₀.</summary>
    Z1OutOfRange,

    /// <summary>Π^fac: z2 ∉ ±2^(ℓ+ε)·√N₀.</summary>
    Z2OutOfRange,

    /// <summary>Π^enc, Π^aff-g, Π^log*: a statement or first-message ciphertext is not in Z*_{N²} of its key.</summary>
    CiphertextInvalid,

    /// <summary>Π^aff-g, Π^log*: a curve point is not a secp256k1 element, or is the identity.</summary>
    PointInvalid,

    /// <summary>Π^enc, Π^aff-g, Π^log*: a Paillier randomness response (z2, w, w_y) is not in Z*_N.</summary>
    ResponseNotUnit,

    /// <summary>Π^enc, Π^aff-g, Π^log*: the Paillier equation over N₀² does not hold.</summary>
    PaillierEquationMismatch,

    /// <summary>Π^aff-g: B_y · Y^e ≠ Enc_N₁(z2; w_y) (mod N₁²).</summary>
    SecondPaillierEquationMismatch,

    /// <summary>Π^aff-g: z1·G ≠ B_x + e·X; Π^log*: z1·B ≠ Y + e·X.</summary>
    GroupEquationMismatch,

    /// <summary>Π^enc, Π^aff-g, Π^log*: the (first) ring-Pedersen equation mod N̂ does not hold.</summary>
    RingPedersenEquationMismatch,

    /// <summary>Π^aff-g: s^z2 t^z4 ≠ F · T^e (mod N̂).</summary>
    SecondRingPedersenEquationMismatch,

    /// <summary>Π^dec: z1 ≢ γ + e·x (mod q), or γ is not a residue mod q.</summary>
    ModularEquationMismatch,

    /// <summary>Π^mul: Y^z u^N ≠ A · C^e (mod N²).</summary>
    ProductEquationMismatch,
}

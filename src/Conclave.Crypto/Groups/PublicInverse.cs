using Conclave.Crypto.BigNumbers;

namespace Conclave.Crypto.Groups;

/// <summary>
/// Modular inversion of public scalars (Lagrange coefficients) with GMP's <c>mpz_invert</c>:
/// variable time, roughly 50 times faster than exponentiation, and only ever given public values.
/// </summary>
internal static class PublicInverse
{
    internal static void Invert(ReadOnlySpan<byte> a, GmpInteger order, bool bigEndian, Span<byte> result)
    {
        Span<byte> be = stackalloc byte[a.Length];
        a.CopyTo(be);
        if (!bigEndian)
        {
            be.Reverse();
        }

        using var x = GmpInteger.FromBytes(be);
        using var reduced = GmpInteger.Mod(x, order);
        if (reduced.IsZero)
        {
            throw new DivideByZeroException("Zero has no inverse.");
        }

        using var inv = GmpInteger.Invert(reduced, order) ?? throw new DivideByZeroException("The value has no inverse.");
        inv.WriteBytes(result);
        if (!bigEndian)
        {
            result.Reverse();
        }
    }
}

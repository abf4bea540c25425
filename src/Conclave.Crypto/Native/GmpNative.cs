using System.Runtime.InteropServices;

namespace Conclave.Crypto.Native;

/// <summary>
/// P/Invoke binding to GMP (Debian <c>libgmp10</c>). An <c>mpz_t</c> is a 16-byte struct
/// { int alloc; int size; mp_limb_t* d; } on 64-bit Linux; callers allocate it in native memory.
/// Only the functions Conclave uses are bound.
/// </summary>
internal static unsafe partial class GmpNative
{
    private const string Lib = "libgmp.so.10";

    /// <summary>sizeof(mpz_t) on x86_64/aarch64 Linux.</summary>
    internal const int MpzSize = 16;

    [StructLayout(LayoutKind.Sequential)]
    internal struct Mpz
    {
        internal int Alloc;
        internal int Size;
        internal nuint* Limbs;
    }

    [LibraryImport(Lib, EntryPoint = "__gmpz_init")]
    internal static partial void Init(Mpz* x);

    [LibraryImport(Lib, EntryPoint = "__gmpz_clear")]
    internal static partial void Clear(Mpz* x);

    [LibraryImport(Lib, EntryPoint = "__gmpz_set")]
    internal static partial void Set(Mpz* rop, Mpz* op);

    [LibraryImport(Lib, EntryPoint = "__gmpz_set_ui")]
    internal static partial void SetUi(Mpz* rop, nuint op);

    [LibraryImport(Lib, EntryPoint = "__gmpz_import")]
    internal static partial void Import(Mpz* rop, nuint count, int order, nuint size, int endian, nuint nails, byte* op);

    [LibraryImport(Lib, EntryPoint = "__gmpz_export")]
    internal static partial byte* Export(byte* rop, nuint* countp, int order, nuint size, int endian, nuint nails, Mpz* op);

    [LibraryImport(Lib, EntryPoint = "__gmpz_sizeinbase")]
    internal static partial nuint SizeInBase(Mpz* op, int b);

    [LibraryImport(Lib, EntryPoint = "__gmpz_cmp")]
    internal static partial int Cmp(Mpz* a, Mpz* b);

    [LibraryImport(Lib, EntryPoint = "__gmpz_cmp_ui")]
    internal static partial int CmpUi(Mpz* a, nuint b);

    [LibraryImport(Lib, EntryPoint = "__gmpz_add")]
    internal static partial void Add(Mpz* rop, Mpz* a, Mpz* b);

    [LibraryImport(Lib, EntryPoint = "__gmpz_add_ui")]
    internal static partial void AddUi(Mpz* rop, Mpz* a, nuint b);

    [LibraryImport(Lib, EntryPoint = "__gmpz_sub")]
    internal static partial void Sub(Mpz* rop, Mpz* a, Mpz* b);

    [LibraryImport(Lib, EntryPoint = "__gmpz_sub_ui")]
    internal static partial void SubUi(Mpz* rop, Mpz* a, nuint b);

    [LibraryImport(Lib, EntryPoint = "__gmpz_mul")]
    internal static partial void Mul(Mpz* rop, Mpz* a, Mpz* b);

    [LibraryImport(Lib, EntryPoint = "__gmpz_mul_ui")]
    internal static partial void MulUi(Mpz* rop, Mpz* a, nuint b);

    [LibraryImport(Lib, EntryPoint = "__gmpz_mul_2exp")]
    internal static partial void Mul2Exp(Mpz* rop, Mpz* a, nuint b);

    [LibraryImport(Lib, EntryPoint = "__gmpz_fdiv_q_2exp")]
    internal static partial void FdivQ2Exp(Mpz* rop, Mpz* a, nuint b);

    [LibraryImport(Lib, EntryPoint = "__gmpz_neg")]
    internal static partial void Neg(Mpz* rop, Mpz* a);

    [LibraryImport(Lib, EntryPoint = "__gmpz_mod")]
    internal static partial void Mod(Mpz* r, Mpz* n, Mpz* d);

    [LibraryImport(Lib, EntryPoint = "__gmpz_fdiv_ui")]
    internal static partial nuint FdivUi(Mpz* n, nuint d);

    [LibraryImport(Lib, EntryPoint = "__gmpz_divexact")]
    internal static partial void DivExact(Mpz* q, Mpz* n, Mpz* d);

    [LibraryImport(Lib, EntryPoint = "__gmpz_powm")]
    internal static partial void Powm(Mpz* rop, Mpz* b, Mpz* e, Mpz* m);

    [LibraryImport(Lib, EntryPoint = "__gmpz_powm_sec")]
    internal static partial void PowmSec(Mpz* rop, Mpz* b, Mpz* e, Mpz* m);

    [LibraryImport(Lib, EntryPoint = "__gmpz_invert")]
    internal static partial int Invert(Mpz* rop, Mpz* a, Mpz* m);

    [LibraryImport(Lib, EntryPoint = "__gmpz_gcd")]
    internal static partial void Gcd(Mpz* rop, Mpz* a, Mpz* b);

    [LibraryImport(Lib, EntryPoint = "__gmpz_jacobi")]
    internal static partial int Jacobi(Mpz* a, Mpz* b);

    [LibraryImport(Lib, EntryPoint = "__gmpz_probab_prime_p")]
    internal static partial int ProbabPrime(Mpz* n, int reps);

    [LibraryImport(Lib, EntryPoint = "__gmpz_perfect_square_p")]
    internal static partial int PerfectSquare(Mpz* n);

    [LibraryImport(Lib, EntryPoint = "__gmpz_tstbit")]
    internal static partial int TstBit(Mpz* n, nuint bit);

    [LibraryImport(Lib, EntryPoint = "__gmpz_sqrt")]
    internal static partial void Sqrt(Mpz* rop, Mpz* op);

    [LibraryImport(Lib, EntryPoint = "__gmpz_cmpabs")]
    internal static partial int CmpAbs(Mpz* a, Mpz* b);
}

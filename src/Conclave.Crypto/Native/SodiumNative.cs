using System.Runtime.InteropServices;

namespace Conclave.Crypto.Native;

/// <summary>
/// P/Invoke binding to libsodium (Debian <c>libsodium23</c>): the Ed25519 group and scalar
/// primitives, RFC 8032 signing/verification and RFC 7748 X25519. Only the functions Conclave uses are bound.
/// </summary>
internal static partial class SodiumNative
{
    private const string Lib = "libsodium.so.23";

    [LibraryImport(Lib, EntryPoint = "sodium_init")]
    internal static partial int SodiumInit();

    [LibraryImport(Lib, EntryPoint = "crypto_core_ed25519_is_valid_point")]
    internal static unsafe partial int IsValidPoint(byte* p);

    [LibraryImport(Lib, EntryPoint = "crypto_core_ed25519_add")]
    internal static unsafe partial int Add(byte* r, byte* p, byte* q);

    [LibraryImport(Lib, EntryPoint = "crypto_core_ed25519_sub")]
    internal static unsafe partial int Sub(byte* r, byte* p, byte* q);

    [LibraryImport(Lib, EntryPoint = "crypto_scalarmult_ed25519_noclamp")]
    internal static unsafe partial int ScalarMultNoClamp(byte* q, byte* n, byte* p);

    [LibraryImport(Lib, EntryPoint = "crypto_scalarmult_ed25519_base_noclamp")]
    internal static unsafe partial int ScalarMultBaseNoClamp(byte* q, byte* n);

    [LibraryImport(Lib, EntryPoint = "crypto_core_ed25519_scalar_add")]
    internal static unsafe partial void ScalarAdd(byte* z, byte* x, byte* y);

    [LibraryImport(Lib, EntryPoint = "crypto_core_ed25519_scalar_sub")]
    internal static unsafe partial void ScalarSub(byte* z, byte* x, byte* y);

    [LibraryImport(Lib, EntryPoint = "crypto_core_ed25519_scalar_mul")]
    internal static unsafe partial void ScalarMul(byte* z, byte* x, byte* y);

    [LibraryImport(Lib, EntryPoint = "crypto_core_ed25519_scalar_negate")]
    internal static unsafe partial void ScalarNegate(byte* neg, byte* s);

    [LibraryImport(Lib, EntryPoint = "crypto_core_ed25519_scalar_invert")]
    internal static unsafe partial int ScalarInvert(byte* recip, byte* s);

    [LibraryImport(Lib, EntryPoint = "crypto_core_ed25519_scalar_reduce")]
    internal static unsafe partial void ScalarReduce(byte* r, byte* s);

    [LibraryImport(Lib, EntryPoint = "crypto_scalarmult_curve25519")]
    internal static unsafe partial int ScalarMultCurve25519(byte* q, byte* n, byte* p);

    [LibraryImport(Lib, EntryPoint = "crypto_scalarmult_curve25519_base")]
    internal static unsafe partial int ScalarMultCurve25519Base(byte* q, byte* n);

    [LibraryImport(Lib, EntryPoint = "crypto_sign_ed25519_seed_keypair")]
    internal static unsafe partial int SignSeedKeypair(byte* pk, byte* sk, byte* seed);

    [LibraryImport(Lib, EntryPoint = "crypto_sign_ed25519_detached")]
    internal static unsafe partial int SignDetached(byte* sig, ulong* siglen, byte* m, ulong mlen, byte* sk);

    [LibraryImport(Lib, EntryPoint = "crypto_sign_ed25519_verify_detached")]
    internal static unsafe partial int VerifyDetached(byte* sig, byte* m, ulong mlen, byte* pk);
}

using System.Runtime.InteropServices;

namespace Conclave.Crypto.Native;

/// <summary>
/// P/Invoke binding to libsecp256k1 (Debian <c>libsecp256k1-1</c>, built with the extrakeys,
/// schnorrsig, recovery and ecdh modules). Only the functions Conclave uses are bound.
/// </summary>
internal static partial class Secp256k1Native
{
    private const string Lib = "libsecp256k1.so.1";

    internal const uint ContextNone = 1;
    internal const uint EcCompressed = (1 << 1) | (1 << 8);
    internal const uint EcUncompressed = 1 << 1;

    /// <summary>Size of the opaque <c>secp256k1_pubkey</c> structure.</summary>
    internal const int PubkeySize = 64;

    /// <summary>Size of the opaque <c>secp256k1_xonly_pubkey</c> structure.</summary>
    internal const int XOnlyPubkeySize = 64;

    /// <summary>Size of the opaque <c>secp256k1_keypair</c> structure.</summary>
    internal const int KeypairSize = 96;

    [LibraryImport(Lib, EntryPoint = "secp256k1_context_create")]
    internal static partial nint ContextCreate(uint flags);

    [LibraryImport(Lib, EntryPoint = "secp256k1_context_randomize")]
    internal static unsafe partial int ContextRandomize(nint ctx, byte* seed32);

    [LibraryImport(Lib, EntryPoint = "secp256k1_ec_pubkey_parse")]
    internal static unsafe partial int PubkeyParse(nint ctx, byte* pubkey, byte* input, nuint inputlen);

    [LibraryImport(Lib, EntryPoint = "secp256k1_ec_pubkey_serialize")]
    internal static unsafe partial int PubkeySerialize(nint ctx, byte* output, nuint* outputlen, byte* pubkey, uint flags);

    [LibraryImport(Lib, EntryPoint = "secp256k1_ec_pubkey_create")]
    internal static unsafe partial int PubkeyCreate(nint ctx, byte* pubkey, byte* seckey);

    [LibraryImport(Lib, EntryPoint = "secp256k1_ec_pubkey_tweak_mul")]
    internal static unsafe partial int PubkeyTweakMul(nint ctx, byte* pubkey, byte* tweak32);

    [LibraryImport(Lib, EntryPoint = "secp256k1_ec_pubkey_combine")]
    internal static unsafe partial int PubkeyCombine(nint ctx, byte* output, byte** ins, nuint n);

    [LibraryImport(Lib, EntryPoint = "secp256k1_ec_pubkey_negate")]
    internal static unsafe partial int PubkeyNegate(nint ctx, byte* pubkey);

    [LibraryImport(Lib, EntryPoint = "secp256k1_ec_pubkey_cmp")]
    internal static unsafe partial int PubkeyCmp(nint ctx, byte* pubkey1, byte* pubkey2);

    [LibraryImport(Lib, EntryPoint = "secp256k1_ec_seckey_verify")]
    internal static unsafe partial int SeckeyVerify(nint ctx, byte* seckey);

    [LibraryImport(Lib, EntryPoint = "secp256k1_ec_seckey_negate")]
    internal static unsafe partial int SeckeyNegate(nint ctx, byte* seckey);

    [LibraryImport(Lib, EntryPoint = "secp256k1_ec_seckey_tweak_add")]
    internal static unsafe partial int SeckeyTweakAdd(nint ctx, byte* seckey, byte* tweak32);

    [LibraryImport(Lib, EntryPoint = "secp256k1_ec_seckey_tweak_mul")]
    internal static unsafe partial int SeckeyTweakMul(nint ctx, byte* seckey, byte* tweak32);

    [LibraryImport(Lib, EntryPoint = "secp256k1_xonly_pubkey_parse")]
    internal static unsafe partial int XOnlyPubkeyParse(nint ctx, byte* pubkey, byte* input32);

    [LibraryImport(Lib, EntryPoint = "secp256k1_xonly_pubkey_serialize")]
    internal static unsafe partial int XOnlyPubkeySerialize(nint ctx, byte* output32, byte* pubkey);

    [LibraryImport(Lib, EntryPoint = "secp256k1_keypair_create")]
    internal static unsafe partial int KeypairCreate(nint ctx, byte* keypair, byte* seckey);

    [LibraryImport(Lib, EntryPoint = "secp256k1_keypair_xonly_pub")]
    internal static unsafe partial int KeypairXOnlyPub(nint ctx, byte* pubkey, int* pkParity, byte* keypair);

    [LibraryImport(Lib, EntryPoint = "secp256k1_schnorrsig_sign32")]
    internal static unsafe partial int SchnorrsigSign32(nint ctx, byte* sig64, byte* msg32, byte* keypair, byte* auxRand32);

    [LibraryImport(Lib, EntryPoint = "secp256k1_schnorrsig_sign_custom")]
    internal static unsafe partial int SchnorrsigSignCustom(nint ctx, byte* sig64, byte* msg, nuint msglen, byte* keypair, byte* extraparams);

    [LibraryImport(Lib, EntryPoint = "secp256k1_schnorrsig_verify")]
    internal static unsafe partial int SchnorrsigVerify(nint ctx, byte* sig64, byte* msg, nuint msglen, byte* pubkey);

    /// <summary>
    /// secp256k1_ecdh: multiplies a point by a secret scalar with the constant-time ladder
    /// (ecmult_const) and hands the affine result to <paramref name="hashfp"/>.
    /// </summary>
    [LibraryImport(Lib, EntryPoint = "secp256k1_ecdh")]
    internal static unsafe partial int Ecdh(nint ctx, byte* output, byte* pubkey, byte* seckey, delegate* unmanaged<byte*, byte*, byte*, nint, int> hashfp, nint data);

    /// <summary>Size of the opaque <c>secp256k1_ecdsa_signature</c> structure.</summary>
    internal const int EcdsaSignatureSize = 64;

    [LibraryImport(Lib, EntryPoint = "secp256k1_ecdsa_signature_parse_der")]
    internal static unsafe partial int EcdsaSignatureParseDer(nint ctx, byte* sig, byte* input, nuint inputlen);

    [LibraryImport(Lib, EntryPoint = "secp256k1_ecdsa_signature_parse_compact")]
    internal static unsafe partial int EcdsaSignatureParseCompact(nint ctx, byte* sig, byte* input64);

    [LibraryImport(Lib, EntryPoint = "secp256k1_ecdsa_signature_serialize_der")]
    internal static unsafe partial int EcdsaSignatureSerializeDer(nint ctx, byte* output, nuint* outputlen, byte* sig);

    [LibraryImport(Lib, EntryPoint = "secp256k1_ecdsa_signature_normalize")]
    internal static unsafe partial int EcdsaSignatureNormalize(nint ctx, byte* sigout, byte* sigin);

    [LibraryImport(Lib, EntryPoint = "secp256k1_ecdsa_verify")]
    internal static unsafe partial int EcdsaVerify(nint ctx, byte* sig, byte* msghash32, byte* pubkey);

    [LibraryImport(Lib, EntryPoint = "secp256k1_ecdsa_recoverable_signature_parse_compact")]
    internal static unsafe partial int EcdsaRecoverableSignatureParseCompact(nint ctx, byte* sig, byte* input64, int recid);

    [LibraryImport(Lib, EntryPoint = "secp256k1_ecdsa_recover")]
    internal static unsafe partial int EcdsaRecover(nint ctx, byte* pubkey, byte* sig, byte* msghash32);

    [LibraryImport(Lib, EntryPoint = "secp256k1_tagged_sha256")]
    internal static unsafe partial int TaggedSha256(nint ctx, byte* hash32, byte* tag, nuint taglen, byte* msg, nuint msglen);
}

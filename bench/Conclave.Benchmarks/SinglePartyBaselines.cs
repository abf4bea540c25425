using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Native;
using Conclave.Crypto.Signatures;
using NSec.Cryptography;

namespace Conclave.Benchmarks;

/// <summary>
/// Single-party signatures on a 32-byte message: the yardstick for the threshold rounds.
/// The Conclave entry points take a seed or secret key on every call; the "precomputed key"
/// variants sign with an already expanded key, which is the bare cost of one signature.
/// </summary>
public class SinglePartyBaselines
{
    private readonly byte[] _message = SHA256.HashData("Conclave single-party benchmark"u8);
    private readonly byte[] _signature = new byte[64];
    private readonly byte[] _auxRand = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _seed = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _secpKeypair = new byte[Secp256k1Native.KeypairSize];
    private Key _nsecKey = null!;

    [GlobalSetup]
    public unsafe void Setup()
    {
        _nsecKey = Key.Import(SignatureAlgorithm.Ed25519, _seed, KeyBlobFormat.RawPrivateKey);
        fixed (byte* kp = _secpKeypair)
        fixed (byte* sk = _seed)
        {
            if (Secp256k1Native.KeypairCreate(Secp256k1Group.Instance.Context, kp, sk) != 1)
            {
                throw new InvalidOperationException("The random seed is not a valid secp256k1 secret key.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _nsecKey.Dispose();

    /// <summary>Ed25519Signature.Sign (libsodium): seed expansion (one base multiplication) plus the signature.</summary>
    [Benchmark]
    public void Ed25519_Conclave_FromSeed() => Ed25519Signature.Sign(_seed, _message, _signature);

    /// <summary>NSec (libsodium crypto_sign_detached) with a precomputed key: one base multiplication.</summary>
    [Benchmark]
    public void Ed25519_NSec_PrecomputedKey() => SignatureAlgorithm.Ed25519.Sign(_nsecKey, _message, _signature);

    /// <summary>Bip340Signature.Sign (libsecp256k1): keypair derivation, the signature and its self-verification.</summary>
    [Benchmark]
    public void Bip340_Conclave_FromSecretKey() => Bip340Signature.Sign(_seed, _message, _auxRand, _signature);

    /// <summary>libsecp256k1 secp256k1_schnorrsig_sign32 with a precomputed keypair, no verification.</summary>
    [Benchmark]
    public unsafe void Bip340_libsecp256k1_PrecomputedKey()
    {
        fixed (byte* sig = _signature)
        fixed (byte* msg = _message)
        fixed (byte* kp = _secpKeypair)
        fixed (byte* aux = _auxRand)
        {
            _ = Secp256k1Native.SchnorrsigSign32(Secp256k1Group.Instance.Context, sig, msg, kp, aux);
        }
    }
}

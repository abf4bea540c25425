using BenchmarkDotNet.Attributes;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Proofs;
using Conclave.Crypto.Random;
using Conclave.Testing;

namespace Conclave.Benchmarks;

/// <summary>
/// CGGMP21 building blocks on 2048-bit Paillier moduli: each zero-knowledge proof, proven and
/// verified the way the protocols do it (presigning provers use their own key's CRT, verifiers
/// theirs), with keys from the TEST-ONLY fixture primes, and one 1024-bit safe-prime search.
/// Keygen, presign and sign are in <see cref="CggmpSigningBenchmarks"/>, aux info in <see cref="AuxInfoBenchmarks"/>.
/// </summary>
public class CggmpBenchmarks
{
    private static readonly byte[] Context = new byte[32];

    private PaillierSecretKey _prover = null!;
    private PaillierSecretKey _verifier = null!;
    private RingPedersenSecret _proverRingPedersen = null!;
    private RingPedersenSecret _verifierRingPedersen = null!;
    private PaillierBlumModulusProof _mod = null!;
    private RingPedersenParametersProof _prm = null!;
    private NoSmallFactorProof _fac = null!;
    private GmpInteger _k = null!;
    private GmpInteger _rho = null!;
    private GmpInteger _ciphertext = null!;
    private PaillierEncryptionInRangeProof _enc = null!;
    private Element _point = null!;
    private GroupElementVsPaillierEncryptionProof _logStar = null!;
    private GmpInteger _verifierCiphertext = null!;
    private GmpInteger _beta = null!;
    private GmpInteger _d = null!;
    private GmpInteger _f = null!;
    private PaillierAffineOperationProof _aff = null!;

    [GlobalSetup]
    public void Setup()
    {
        _prover = TestOnlySafePrimes.CreateKey(0, 1);
        _verifier = TestOnlySafePrimes.CreateKey(2, 3);
        _proverRingPedersen = RingPedersenSecret.Generate(_prover);
        _verifierRingPedersen = RingPedersenSecret.Generate(_verifier);
        _mod = PaillierBlumModulusProof.Prove(Context, _prover);
        _prm = RingPedersenParametersProof.Prove(Context, _proverRingPedersen);
        _fac = NoSmallFactorProof.Prove(Context, _prover, _verifierRingPedersen.Parameters);
        _k = GmpInteger.RandomBits(255, SystemRandomSource.Instance);
        _rho = _prover.PublicKey.RandomUnit(SystemRandomSource.Instance);
        _ciphertext = _prover.PublicKey.Encrypt(_k, _rho);
        _enc = PaillierEncryptionInRangeProof.Prove(Context, _prover.PublicKey, _ciphertext, _k, _rho, _verifierRingPedersen.Parameters);
        var scalar = _k.ToBytes(32);
        _point = Secp256k1Group.Instance.MultiplyBase(scalar);
        _logStar = GroupElementVsPaillierEncryptionProof.Prove(Context, _prover.PublicKey, _ciphertext, _point, Secp256k1Group.Instance.Generator, _k, _rho, _verifierRingPedersen.Parameters);
        using (var rho = _verifier.PublicKey.RandomUnit(SystemRandomSource.Instance))
        {
            _verifierCiphertext = _verifier.PublicKey.Encrypt(_k, rho);
        }

        _beta = GmpInteger.RandomSigned(Cggmp21Parameters.EllPrime, SystemRandomSource.Instance);
        _aff = PaillierAffineOperationProof.ProveAffine(Context, _verifier.PublicKey, _prover, _verifierCiphertext, _k, _beta, _point, _verifierRingPedersen.Parameters, null, out _d, out _f);
    }

    [Benchmark]
    public void PiModProve() => PaillierBlumModulusProof.Prove(Context, _prover).Dispose();

    [Benchmark]
    public bool PiModVerify() => _mod.Verify(Context, _prover.PublicKey.N);

    [Benchmark]
    public void PiPrmProve() => RingPedersenParametersProof.Prove(Context, _proverRingPedersen).Dispose();

    [Benchmark]
    public bool PiPrmVerify() => _prm.Verify(Context, _proverRingPedersen.Parameters);

    [Benchmark]
    public void PiFacProve() => NoSmallFactorProof.Prove(Context, _prover, _verifierRingPedersen.Parameters).Dispose();

    [Benchmark]
    public bool PiFacVerify() => _fac.Verify(Context, _prover.PublicKey.N, _verifierRingPedersen.Parameters, ownKey: _verifier);

    /// <summary>Π^enc as presigning proves it: for its own fresh ciphertext, by CRT, without the re-encryption check.</summary>
    [Benchmark]
    public void PiEncProve() => PaillierEncryptionInRangeProof.ProveOwn(Context, _prover, _ciphertext, _k, _rho, _verifierRingPedersen.Parameters, null).Dispose();

    /// <summary>Π^enc verified with the verifier's own key (CRT for the checks mod N̂), as presigning does.</summary>
    [Benchmark]
    public bool PiEncVerify() => _enc.Verify(Context, _prover.PublicKey, _ciphertext, _verifierRingPedersen.Parameters, _verifier);

    [Benchmark]
    public void PiLogStarProve() => GroupElementVsPaillierEncryptionProof.ProveOwn(Context, _prover, _ciphertext, _point, Secp256k1Group.Instance.Generator, _k, _rho, _verifierRingPedersen.Parameters, null).Dispose();

    [Benchmark]
    public bool PiLogStarVerify() => _logStar.Verify(Context, _prover.PublicKey, _ciphertext, _point, Secp256k1Group.Instance.Generator, _verifierRingPedersen.Parameters, _verifier);

    /// <summary>One MtA sender step: D, F and Π^aff-g (<see cref="PaillierAffineOperationProof.ProveAffine"/>).</summary>
    [Benchmark]
    public void PiAffgProveWithMta()
    {
        PaillierAffineOperationProof.ProveAffine(Context, _verifier.PublicKey, _prover, _verifierCiphertext, _k, _beta, _point, _verifierRingPedersen.Parameters, null, out var d, out var f).Dispose();
        d.Dispose();
        f.Dispose();
    }

    /// <summary>Π^aff-g verified by the owner of N₀ = N̂ (CRT mod N̂ and N₀²), as presigning does.</summary>
    [Benchmark]
    public bool PiAffgVerify() => _aff.Verify(Context, _verifier.PublicKey, _prover.PublicKey, _verifierCiphertext, _d, _f, _point, _verifierRingPedersen.Parameters, _verifier);

    /// <summary>One 1024-bit safe prime (sieve + Baillie-PSW + Miller-Rabin on both cores); high variance by nature.</summary>
    [Benchmark]
    public void SafePrime1024() => SafePrimes.Generate(1024).Dispose();
}

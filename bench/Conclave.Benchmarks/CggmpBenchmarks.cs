using BenchmarkDotNet.Attributes;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Proofs;
using Conclave.Crypto.Random;
using Conclave.Testing;
using Conclave.Threshold;
using Conclave.Threshold.Cggmp.AuxInfo;
using Conclave.Threshold.Cggmp.Keygen;

namespace Conclave.Benchmarks;

/// <summary>
/// CGGMP21 building blocks on 2048-bit Paillier moduli: each zero-knowledge proof (prove and
/// verify), threshold keygen (excluding aux info) and aux info for 2-of-3, with keys from the
/// TEST-ONLY fixture primes (so without prime generation), and one 1024-bit safe-prime search.
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
    public bool PiFacVerify() => _fac.Verify(Context, _prover.PublicKey.N, _verifierRingPedersen.Parameters);

    [Benchmark]
    public void PiEncProve() => PaillierEncryptionInRangeProof.Prove(Context, _prover.PublicKey, _ciphertext, _k, _rho, _verifierRingPedersen.Parameters).Dispose();

    [Benchmark]
    public bool PiEncVerify() => _enc.Verify(Context, _prover.PublicKey, _ciphertext, _verifierRingPedersen.Parameters);

    [Benchmark]
    public void PiLogStarProve() => GroupElementVsPaillierEncryptionProof.Prove(Context, _prover.PublicKey, _ciphertext, _point, Secp256k1Group.Instance.Generator, _k, _rho, _verifierRingPedersen.Parameters).Dispose();

    [Benchmark]
    public bool PiLogStarVerify() => _logStar.Verify(Context, _prover.PublicKey, _ciphertext, _point, Secp256k1Group.Instance.Generator, _verifierRingPedersen.Parameters);

    /// <summary>Threshold keygen for 2-of-3, all three parties in one process (total CPU, excluding aux info).</summary>
    [Benchmark]
    public void Keygen2of3Total()
    {
        var session = SessionId.Random();
        List<ParticipantId> ids = [new(1), new(2), new(3)];
        var parties = ids.Select(i => new KeygenParty(session, i, ids, 2)).ToList();
        var commits = parties.Select(p => p.Round1()).ToList();
        var echoes = parties.Select(p => p.Round2([.. commits.Where(c => c.Sender != p.Self)])).ToList();
        var round3 = parties.Select(p => p.Round3([.. echoes.Where(e => e.Sender != p.Self)])).ToList();
        var shares = round3.SelectMany(r => r.Shares).ToList();
        var proofs = parties.Select(p => p.Round4([.. round3.Select(r => r.Reveal).Where(r => r.Sender != p.Self)], [.. shares.Where(s => s.Recipient == p.Self)])).ToList();
        foreach (var p in parties)
        {
            p.Finish([.. proofs.Where(m => m.Sender != p.Self)]).Dispose();
            p.Dispose();
        }

        shares.ForEach(s => s.Dispose());
    }

    /// <summary>Aux info for 3 parties in one process (total CPU), Paillier keys from fixture primes: no prime generation.</summary>
    [Benchmark]
    public void AuxInfo3PartiesTotalWithoutPrimeGeneration()
    {
        var session = SessionId.Random();
        List<ParticipantId> ids = [new(1), new(2), new(3)];
        var parties = ids.Select((id, k) => new AuxInfoParty(session, id, ids, TestOnlySafePrimes.CreateKey(2 * k, (2 * k) + 1))).ToList();
        var commits = parties.Select(p => p.Round1()).ToList();
        var echoes = parties.Select(p => p.Round2([.. commits.Where(c => c.Sender != p.Self)])).ToList();
        var reveals = parties.Select(p => p.Round3([.. echoes.Where(e => e.Sender != p.Self)])).ToList();
        var proofs = parties.SelectMany(p => p.Round4([.. reveals.Where(r => r.Sender != p.Self)])).ToList();
        foreach (var p in parties)
        {
            p.Finish([.. proofs.Where(m => m.Sender != p.Self)]).Dispose();
            p.Dispose();
        }
    }

    /// <summary>One 1024-bit safe prime (sieve + Baillie-PSW + Miller-Rabin on both cores); high variance by nature.</summary>
    [Benchmark]
    public void SafePrime1024() => SafePrimes.Generate(1024).Dispose();
}

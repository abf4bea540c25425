using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Conclave.Crypto.Random;
using Conclave.Testing;
using Conclave.Threshold;
using Conclave.Threshold.Cggmp.AuxInfo;
using Conclave.Threshold.Cggmp.Keygen;
using Conclave.Threshold.Cggmp.Presign;

namespace Conclave.Benchmarks;

/// <summary>
/// CGGMP21 presigning and signing, every signer in one process (so the time is the total CPU of
/// all signers; per signer is total / t since the protocol is symmetric): 2-of-3 and 3-of-5, keys
/// and aux info made once in setup (aux info with TEST-ONLY fixture primes). Sign = every signer's
/// partial signature from a fresh presignature plus the combination (which verifies the result).
/// </summary>
public class CggmpSigningBenchmarks
{
    private readonly Dictionary<int, (List<CggmpCoreKeyShare> Shares, List<CggmpAuxInfo> Aux)> _keys = [];
    private readonly byte[] _hash = RandomNumberGenerator.GetBytes(32);
    private List<Presignature> _presignatures = [];

    /// <summary>The committee: "2-of-3" or "3-of-5".</summary>
    [Params("2-of-3", "3-of-5")]
    public string Committee { get; set; } = "2-of-3";

    private int T => Committee[0] - '0';

    private int N => Committee[^1] - '0';

    [GlobalSetup]
    public void Setup()
    {
        var shares = CggmpDriver.Keygen(T, N);
        var aux = CggmpDriver.AuxInfo(N);
        _keys[T] = (shares, aux);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var (shares, aux) in _keys.Values)
        {
            shares.ForEach(s => s.Dispose());
            aux.ForEach(a => a.Dispose());
        }
    }

    /// <summary>Presigning by the first t parties (all rounds of all signers).</summary>
    [Benchmark]
    public void PresignTotal() => CggmpDriver.Presign(_keys[T].Shares, _keys[T].Aux, T).ForEach(p => p.Dispose());

    [IterationSetup(Target = nameof(SignTotal))]
    public void MakePresignatures() => _presignatures = CggmpDriver.Presign(_keys[T].Shares, _keys[T].Aux, T);

    /// <summary>Signing from a presignature: t partial signatures and the verified combination.</summary>
    [Benchmark]
    public EcdsaSignature SignTotal()
    {
        var partials = _presignatures.Select(p => CggmpSigning.PartialSign(p, _hash)).ToList();
        return CggmpSigning.Combine(_presignatures[0].PublicData, partials, _hash);
    }

    /// <summary>Threshold keygen, all n parties (excluding aux info).</summary>
    [Benchmark]
    public void KeygenTotal() => CggmpDriver.Keygen(T, N).ForEach(s => s.Dispose());
}

/// <summary>Drives CGGMP21 sub-protocols among parties in one process for the benchmarks.</summary>
internal static class CggmpDriver
{
    internal static List<CggmpCoreKeyShare> Keygen(int t, int n)
    {
        var session = SessionId.Random();
        var ids = Ids(n);
        var parties = ids.Select(i => new KeygenParty(session, i, ids, t)).ToList();
        var commits = parties.Select(p => p.Round1()).ToList();
        var echoes = parties.Select(p => p.Round2([.. commits.Where(c => c.Sender != p.Self)])).ToList();
        var round3 = parties.Select(p => p.Round3([.. echoes.Where(e => e.Sender != p.Self)])).ToList();
        var shares = round3.SelectMany(r => r.Shares).ToList();
        var proofs = parties.Select(p => p.Round4([.. round3.Select(r => r.Reveal).Where(r => r.Sender != p.Self)], [.. shares.Where(s => s.Recipient == p.Self)])).ToList();
        var result = parties.Select(p => p.Finish([.. proofs.Where(m => m.Sender != p.Self)])).ToList();
        parties.ForEach(p => p.Dispose());
        shares.ForEach(s => s.Dispose());
        return result;
    }

    /// <summary>Aux info for n parties, Paillier keys from the TEST-ONLY fixture primes (no prime generation).</summary>
    internal static List<CggmpAuxInfo> AuxInfo(int n)
    {
        var session = SessionId.Random();
        var ids = Ids(n);
        var parties = ids.Select((id, k) => new AuxInfoParty(session, id, ids, TestOnlySafePrimes.CreateKey(2 * k, (2 * k) + 1))).ToList();
        var commits = parties.Select(p => p.Round1()).ToList();
        var echoes = parties.Select(p => p.Round2([.. commits.Where(c => c.Sender != p.Self)])).ToList();
        var reveals = parties.Select(p => p.Round3([.. echoes.Where(e => e.Sender != p.Self)])).ToList();
        var proofs = parties.SelectMany(p => p.Round4([.. reveals.Where(r => r.Sender != p.Self)])).ToList();
        var result = parties.Select(p => p.Finish([.. proofs.Where(m => m.Sender != p.Self)])).ToList();
        parties.ForEach(p => p.Dispose());
        return result;
    }

    /// <summary>Presigning by parties 1..t.</summary>
    internal static List<Presignature> Presign(List<CggmpCoreKeyShare> shares, List<CggmpAuxInfo> aux, int t) =>
        CggmpPresigning.Run(shares, aux, Enumerable.Range(1, t), random: _ => SystemRandomSource.Instance);

    private static List<ParticipantId> Ids(int n) => [.. Enumerable.Range(1, n).Select(i => new ParticipantId((ushort)i))];
}

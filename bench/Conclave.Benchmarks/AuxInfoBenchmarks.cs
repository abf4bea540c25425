using BenchmarkDotNet.Attributes;
using Conclave.Crypto.Paillier;
using Conclave.Testing;
using Conclave.Threshold;
using Conclave.Threshold.Cggmp.AuxInfo;

namespace Conclave.Benchmarks;

/// <summary>
/// CGGMP21 aux info for 3 and 5 parties, all parties in one process (total CPU; per party is
/// total / n since the protocol is symmetric): with Paillier keys from the TEST-ONLY fixture primes
/// (no prime generation), and with two fresh 1024-bit safe primes per party (what a node without a
/// prime pool pays; high variance, prime search is a random walk). Seconds per run, so few iterations.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3, id: "Slow")]
public class AuxInfoBenchmarks
{
    /// <summary>The number of parties.</summary>
    [Params(3, 5)]
    public int Parties { get; set; } = 3;

    [Benchmark]
    public void AuxInfoWithoutPrimeGeneration() => Run(k => TestOnlySafePrimes.CreateKey(2 * k, (2 * k) + 1));

    [Benchmark]
    public void AuxInfoWithPrimeGeneration() => Run(_ => PaillierSecretKey.Generate());

    private void Run(Func<int, PaillierSecretKey> key)
    {
        var session = SessionId.Random();
        var ids = Enumerable.Range(1, Parties).Select(i => new ParticipantId((ushort)i)).ToList();
        var parties = ids.Select((id, k) => new AuxInfoParty(session, id, ids, key(k))).ToList();
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
}

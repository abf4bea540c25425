using BenchmarkDotNet.Attributes;
using Conclave.Threshold;
using Conclave.Threshold.Frost.Ciphersuites;
using Conclave.Threshold.Frost.Keys;
using Conclave.Threshold.Frost.Keys.Dkg;

namespace Conclave.Benchmarks;

/// <summary>
/// A whole DKG among n simulated parties in one thread: the sum of all parties' work, without
/// transport. 67-of-100 is left out: it is about n times <see cref="FrostBenchmarks.DkgPerParty"/>.
/// </summary>
public class FrostDkgTotalBenchmarks
{
    private FrostCiphersuite _suite = null!;
    private int _minSigners;
    private int _maxSigners;
    private ParticipantId[] _ids = [];

    [Params("ed25519", "secp256k1", "secp256k1-tr")]
    public string Suite { get; set; } = "ed25519";

    [Params("2-of-3", "7-of-10")]
    public string Config { get; set; } = "2-of-3";

    [GlobalSetup]
    public void Setup()
    {
        _suite = FrostCiphersuite.FromName(Suite);
        (_minSigners, _maxSigners) = CommitteeConfig.Parse(Config);
        _ids = CommitteeConfig.Ids(_maxSigners);
    }

    [Benchmark]
    public PublicKeyPackage DkgTotal()
    {
        var round1 = _ids.ToDictionary(id => id, id => FrostDkg.Part1(_suite, id, _maxSigners, _minSigners));
        var round2Secrets = new Dictionary<ParticipantId, Round2SecretPackage>(_ids.Length);
        var inbox = _ids.ToDictionary(id => id, _ => new Dictionary<ParticipantId, Round2Package>(_ids.Length - 1));
        foreach (var id in _ids)
        {
            var (secret, packages) = FrostDkg.Part2(round1[id].Secret, OthersRound1(round1, id));
            round2Secrets[id] = secret;
            foreach (var (recipient, package) in packages)
            {
                inbox[recipient][id] = package;
            }
        }

        PublicKeyPackage? result = null;
        foreach (var id in _ids)
        {
            var (keyPackage, publicKeyPackage) = FrostDkg.Part3(round2Secrets[id], OthersRound1(round1, id), inbox[id]);
            keyPackage.Dispose();
            result ??= publicKeyPackage;
        }

        foreach (var package in inbox.Values.SelectMany(d => d.Values))
        {
            package.Dispose();
        }

        return result!;
    }

    private static Dictionary<ParticipantId, Round1Package> OthersRound1(
        Dictionary<ParticipantId, (Round1SecretPackage Secret, Round1Package Package)> round1, ParticipantId self) =>
        round1.Where(kv => kv.Key != self).ToDictionary(kv => kv.Key, kv => kv.Value.Package);
}

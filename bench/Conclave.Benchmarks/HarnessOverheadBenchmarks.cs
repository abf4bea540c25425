using BenchmarkDotNet.Attributes;
using Conclave.Crypto;
using Conclave.Threshold.Frost.Ciphersuites;
using Conclave.Threshold.Frost.Keys;
using Conclave.Threshold.Frost.Signing;

namespace Conclave.Benchmarks;

/// <summary>
/// What <see cref="FrostBenchmarks.Round2"/> adds to Round2.Sign: copying the nonce pair into a
/// new <see cref="SigningNonces"/>. Disposing it here stands in for the wipe Round2.Sign does.
/// </summary>
public class HarnessOverheadBenchmarks
{
    private DealerOutput? _dealer;
    private SecretBytes? _nonces;
    private SigningCommitments _commitments = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dealer = TrustedDealer.Generate(FrostCiphersuite.FromName("ed25519"), 2, 3);
        using var nonces = Round1.Commit(_dealer.KeyPackages[0]);
        _commitments = nonces.Commitments;
        _nonces = nonces.Consume();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _dealer?.Dispose();
        _nonces?.Dispose();
    }

    [Benchmark]
    public bool CopySigningNonces()
    {
        using var copy = new SigningNonces(SecretBytes.Copy(_nonces!.Span), _commitments);
        return copy.IsConsumed;
    }
}

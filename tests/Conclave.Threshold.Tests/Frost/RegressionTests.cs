using Conclave.Threshold.Frost.Ciphersuites;
using Conclave.Threshold.Frost.Keys;
using Conclave.Threshold.Frost.Keys.Dkg;
using Conclave.Threshold.Frost.Signing;

namespace Conclave.Threshold.Tests.Frost;

/// <summary>Regressions for bugs found while writing the adversarial suites.</summary>
public sealed class RegressionTests
{
    public static TheoryData<string> Suites => FrostTestKit.SuiteNames();

    [Theory]
    [MemberData(nameof(Suites))]
    public void Messages_of_participants_above_255_round_trip(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        var g = suite.Group;
        var id = FrostTestKit.Id(40000);
        var c = new SigningCommitments(id, g.Generator, g.Add(g.Generator, g.Generator));
        Assert.Equal(c, SigningCommitments.Deserialize(suite, c.Serialize()));
        var s = new SignatureShare(suite, id, FrostTestKit.AddOne(g, g.NewScalar()));
        Assert.Equal(id, SignatureShare.Deserialize(suite, s.Serialize()).Identifier);
        using var r2 = new Round2Package(suite, id, FrostTestKit.Id(256), FrostTestKit.AddOne(g, g.NewScalar()));
        using var parsed = Round2Package.Deserialize(suite, r2.Serialize());
        Assert.Equal(id, parsed.Sender);
        Assert.Equal(FrostTestKit.Id(256), parsed.Recipient);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Concurrent_signing_attempts_never_both_obtain_the_nonces(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, 2, 2);
        var k1 = dealt.KeyPackages[0];
        var k2 = dealt.KeyPackages[1];
        for (var trial = 0; trial < 300; trial++)
        {
            using var n1 = Round1.Commit(k1);
            using var n2 = Round1.Commit(k2);
            var pa = new SigningPackage([n1.Commitments, n2.Commitments], "a"u8);
            var pb = new SigningPackage([n1.Commitments, n2.Commitments], "b"u8);
            var ok = 0;
            using var barrier = new Barrier(2);
            void Attempt(SigningPackage p)
            {
                barrier.SignalAndWait();
                try
                {
                    Round2.Sign(p, n1, k1);
                    Interlocked.Increment(ref ok);
                }
                catch (InvalidOperationException)
                {
                }
            }

            var a = new Thread(() => Attempt(pa));
            var b = new Thread(() => Attempt(pb));
            a.Start();
            b.Start();
            a.Join();
            b.Join();
            Assert.Equal(1, ok);
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Round1_package_parser_rejects_a_non_canonical_proof(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        var (secret, package) = FrostDkg.Part1(suite, FrostTestKit.Id(1), 3, 2);
        secret.Dispose();
        var bytes = package.Serialize();
        Round1Package.Deserialize(suite, bytes); // the honest encoding parses
        var order = FrostTestKit.GroupOrder(suite);
        order.CopyTo(bytes, bytes.Length - order.Length);
        Assert.Throws<FormatException>(() => Round1Package.Deserialize(suite, bytes));
    }

    [Theory]
    [InlineData("ed25519")]
    [InlineData("secp256k1")]
    public void A_merkle_root_for_a_suite_without_tweaks_is_an_argument_error_everywhere(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, 2, 2);
        var (package, shares) = FrostTestKit.SignShares(dealt.KeyPackages, [1, 2, 3]);
        Assert.Throws<ArgumentException>(() => Aggregate.Run(package, shares, dealt.PublicKeyPackage, new byte[32]));
        Assert.Throws<ArgumentException>(() => Aggregate.VerifySignatureShare(package, shares[0], dealt.PublicKeyPackage, new byte[32]));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Part3_reports_a_commitment_of_another_length_as_malformed(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        var p1 = FrostTestKit.Id(1);
        var p2 = FrostTestKit.Id(2);
        var (s1, broadcasts) = DkgSimulation.Round1(suite, 2, 3, []);
        var (s2, inboxes) = DkgSimulation.Round2(s1, broadcasts);
        var (longSecret, longPackage) = FrostDkg.Part1(suite, p2, 3, 3);
        var received = DkgSimulation.Others(broadcasts, p1);
        received[p2] = longPackage;
        var share = suite.Group.NewScalar();
        longSecret.Polynomial.Evaluate(p1, share);
        inboxes[p1][p2] = new Round2Package(suite, p2, p1, share);
        var abort = Assert.Throws<ProtocolAbortException>(() => FrostDkg.Part3(s2[p1], received, inboxes[p1]));
        Assert.Equal(AbortReason.MalformedMessage, abort.Reason);
        Assert.Equal([p2], abort.Culprits);
        longSecret.Dispose();
    }
}

using System.Security.Cryptography;
using Conclave.Threshold.Frost;
using Conclave.Threshold.Frost.Ciphersuites;
using Conclave.Threshold.Frost.Keys;
using Conclave.Threshold.Frost.Keys.Dkg;

namespace Conclave.Threshold.Tests.Frost;

/// <summary>
/// Full FROST DKG runs among simulated parties for every suite: all parties agree on the public
/// outputs, any threshold subset signs, and the signature verifies under NSec or BouncyCastle.
/// </summary>
public sealed class DkgRoundTripTests
{
    public static TheoryData<string> Suites => FrostTestKit.SuiteNames();

    public static TheoryData<string, int, int> SuitesAndSizes
    {
        get
        {
            var data = new TheoryData<string, int, int>();
            foreach (var suite in FrostCiphersuite.All)
            {
                data.Add(suite.Name, 2, 3);
                data.Add(suite.Name, 3, 5);
                data.Add(suite.Name, 5, 9);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(SuitesAndSizes))]
    public void Dkg_parties_agree_and_a_random_threshold_subset_signs(string suiteName, int t, int n)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        var g = suite.Group;
        var context = RandomNumberGenerator.GetBytes(16);
        var (keyPackages, publicKeyPackages) = DkgSimulation.Run(suite, t, n, context);
        try
        {
            var ids = FrostTestKit.Range(n);
            Assert.Equal(ids, keyPackages.Keys.Order());
            var reference = publicKeyPackages[ids[0]];
            Assert.False(reference.VerifyingKey.IsIdentity);
            Assert.Equal(ids, reference.VerifyingShares.Keys.Order());
            foreach (var id in ids)
            {
                var kp = keyPackages[id];
                var pkp = publicKeyPackages[id];
                Assert.Same(suite, kp.Suite);
                Assert.Equal(id, kp.Identifier);
                Assert.Equal(t, kp.MinSigners);
                Assert.Equal(t, pkp.MinSigners);
                Assert.Equal(reference.VerifyingKey, kp.VerifyingKey);
                Assert.Equal(reference.VerifyingKey, pkp.VerifyingKey);
                Assert.Equal(reference.VerifyingShares[id], kp.VerifyingShare);
                Assert.Equal(g.MultiplyBase(kp.SigningShare), kp.VerifyingShare);
                foreach (var other in ids)
                {
                    Assert.Equal(reference.VerifyingShares[other], pkp.VerifyingShares[other]);
                }
            }

            // Verifying shares are all distinct (each party has its own share).
            Assert.Equal(n, reference.VerifyingShares.Values.Distinct().Count());

            // Any t shares interpolate to the group secret: sum(lambda_i * s_i) * G == PK.
            var subset = FrostTestKit.RandomSubset(ids, t);
            var secret = g.NewScalar();
            var term = g.NewScalar();
            foreach (var id in subset)
            {
                g.ScalarMultiply(FrostMath.DeriveInterpolatingValue(g, subset, id), keyPackages[id].SigningShare, term);
                g.ScalarAdd(secret, term, secret);
            }

            Assert.Equal(reference.VerifyingKey, g.MultiplyBase(secret));

            // A threshold signature by a random t-subset verifies with the independent verifier.
            var message = RandomNumberGenerator.GetBytes(45);
            var signers = FrostTestKit.RandomSubset(ids, t).Select(id => keyPackages[id]).ToList();
            var coordinatorView = publicKeyPackages[FrostTestKit.RandomSubset(ids, 1)[0]];
            var signature = FrostTestKit.Sign(signers, coordinatorView, message);
            FrostTestKit.AssertVerifies(suite, coordinatorView.SerializePublicKey(), message, signature);
        }
        finally
        {
            foreach (var kp in keyPackages.Values)
            {
                kp.Dispose();
            }
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Taproot_dkg_output_is_the_bip341_tweak_of_the_summed_key(string suiteName)
    {
        // For secp256k1-tr the DKG output key is Q = lift_x(P) + int(hash_TapTweak(x(P)))G (an
        // unspendable script path); the other suites output P itself.
        var suite = FrostCiphersuite.FromName(suiteName);
        var g = suite.Group;
        var (secrets1, broadcasts) = DkgSimulation.Round1(suite, 2, 3, []);
        var summed = g.Sum(broadcasts.Values.Select(b => b.Commitment.ConstantTerm));
        var (secrets2, inboxes) = DkgSimulation.Round2(secrets1, broadcasts);
        var (keyPackages, publicKeyPackages) = DkgSimulation.Round3(secrets2, broadcasts, inboxes);
        foreach (var kp in keyPackages.Values)
        {
            kp.Dispose();
        }

        var output = publicKeyPackages[FrostTestKit.Id(1)].SerializePublicKey();
        if (suite is Secp256k1Taproot)
        {
            var internalKey = IndependentVerifier.XOnly(g.SerializeElement(summed));
            Assert.Equal(Convert.ToHexString(IndependentVerifier.TaprootTweak(internalKey, []).OutputKey), Convert.ToHexString(output));
        }
        else
        {
            Assert.Equal(g.SerializeElement(summed), output);
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Dkg_steps_consume_their_secret_packages(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        var (secrets1, broadcasts) = DkgSimulation.Round1(suite, 2, 3, []);
        var (secrets2, inboxes) = DkgSimulation.Round2(secrets1, broadcasts);
        var self = FrostTestKit.Id(1);
        var others = DkgSimulation.Others(broadcasts, self);
        Assert.Throws<ObjectDisposedException>(() => FrostDkg.Part2(secrets1[self], others));

        var (keyPackage, _) = FrostDkg.Part3(secrets2[self], others, inboxes[self]);
        keyPackage.Dispose();
        Assert.Throws<ObjectDisposedException>(() => FrostDkg.Part3(secrets2[self], others, inboxes[self]));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Proof_of_knowledge_is_bound_to_the_session_context(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        byte[] contextA = [.. "session-A"u8];
        byte[] contextB = [.. "session-B"u8];
        var dealer = FrostTestKit.Id(2);
        var (secretsA, broadcastsA) = DkgSimulation.Round1(suite, 2, 3, contextA);
        var (secretsB, broadcastsB) = DkgSimulation.Round1(suite, 2, 3, contextB);

        // Receiver 1 runs session B, but dealer 2's package was made for session A.
        var received = DkgSimulation.Others(broadcastsB, FrostTestKit.Id(1));
        received[dealer] = broadcastsA[dealer];
        var abort = Assert.Throws<ProtocolAbortException>(() => FrostDkg.Part2(secretsB[FrostTestKit.Id(1)], received));
        Assert.Equal(AbortReason.InvalidProofOfKnowledge, abort.Reason);
        Assert.Equal([dealer], abort.Culprits);

        // The same package is accepted by a receiver of session A.
        var (secret2, outbox) = FrostDkg.Part2(secretsA[FrostTestKit.Id(1)], DkgSimulation.Others(broadcastsA, FrostTestKit.Id(1)));
        secret2.Dispose();
        Assert.Equal(2, outbox.Count);
        foreach (var p in outbox.Values)
        {
            p.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Dkg_with_empty_context_differs_from_dkg_with_a_context(string suiteName)
    {
        // An empty context is not a wildcard: a package proven for context "" fails under "x" and vice versa.
        var suite = FrostCiphersuite.FromName(suiteName);
        var dealer = FrostTestKit.Id(3);
        var (secretsEmpty, broadcastsEmpty) = DkgSimulation.Round1(suite, 2, 3, []);
        var (secretsX, broadcastsX) = DkgSimulation.Round1(suite, 2, 3, [.. "x"u8]);

        var toX = DkgSimulation.Others(broadcastsX, FrostTestKit.Id(1));
        toX[dealer] = broadcastsEmpty[dealer];
        var abort = Assert.Throws<ProtocolAbortException>(() => FrostDkg.Part2(secretsX[FrostTestKit.Id(1)], toX));
        Assert.Equal([dealer], abort.Culprits);

        var toEmpty = DkgSimulation.Others(broadcastsEmpty, FrostTestKit.Id(1));
        toEmpty[dealer] = broadcastsX[dealer];
        abort = Assert.Throws<ProtocolAbortException>(() => FrostDkg.Part2(secretsEmpty[FrostTestKit.Id(1)], toEmpty));
        Assert.Equal(AbortReason.InvalidProofOfKnowledge, abort.Reason);
        Assert.Equal([dealer], abort.Culprits);
    }
}

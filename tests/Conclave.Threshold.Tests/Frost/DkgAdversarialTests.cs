using Conclave.Threshold.Frost.Ciphersuites;
using Conclave.Threshold.Frost.Keys;
using Conclave.Threshold.Frost.Keys.Dkg;

namespace Conclave.Threshold.Tests.Frost;

/// <summary>
/// A cheating DKG dealer is caught and named: bad proofs of knowledge, inconsistent shares,
/// malformed commitments and malformed wire messages, for every suite.
/// </summary>
public sealed class DkgAdversarialTests
{
    private static readonly ParticipantId P1 = FrostTestKit.Id(1);
    private static readonly ParticipantId P2 = FrostTestKit.Id(2);
    private static readonly ParticipantId P3 = FrostTestKit.Id(3);
    private static readonly ParticipantId P4 = FrostTestKit.Id(4);
    private static readonly ParticipantId P5 = FrostTestKit.Id(5);

    public static TheoryData<string> Suites => FrostTestKit.SuiteNames();

    [Theory]
    [MemberData(nameof(Suites))]
    public void Part2_names_the_dealer_whose_proof_scalar_was_altered(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        var (secrets, broadcasts) = DkgSimulation.Round1(suite, 2, 3, []);
        var received = DkgSimulation.Others(broadcasts, P1);
        received[P3] = WithProof(received[P3], proof => proof[^5] ^= 0x01); // a low-order byte of mu

        var abort = Assert.Throws<ProtocolAbortException>(() => FrostDkg.Part2(secrets[P1], received));
        Assert.Equal(AbortReason.InvalidProofOfKnowledge, abort.Reason);
        Assert.Equal([P3], abort.Culprits);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Part2_names_the_dealer_whose_proof_commitment_was_altered(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        var (secrets, broadcasts) = DkgSimulation.Round1(suite, 2, 3, []);
        var received = DkgSimulation.Others(broadcasts, P1);

        // R replaced by the R of another dealer's proof (a valid point, wrong equation).
        var e = suite.SignatureLength - suite.Group.ScalarLength;
        var otherR = received[P2].ProofOfKnowledge[..e].ToArray();
        received[P3] = WithProof(received[P3], proof => otherR.CopyTo(proof, 0));

        var abort = Assert.Throws<ProtocolAbortException>(() => FrostDkg.Part2(secrets[P1], received));
        Assert.Equal(AbortReason.InvalidProofOfKnowledge, abort.Reason);
        Assert.Equal([P3], abort.Culprits);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Part2_names_the_dealer_that_replays_another_participants_package(string suiteName)
    {
        // The proof binds the dealer's identifier: participant 3 copying participant 2's package
        // (commitment and proof, a rogue-key attempt) is caught, and 2 is not blamed.
        var suite = FrostCiphersuite.FromName(suiteName);
        var (secrets, broadcasts) = DkgSimulation.Round1(suite, 2, 3, []);
        var received = DkgSimulation.Others(broadcasts, P1);
        received[P3] = received[P2];

        var abort = Assert.Throws<ProtocolAbortException>(() => FrostDkg.Part2(secrets[P1], received));
        Assert.Equal(AbortReason.InvalidProofOfKnowledge, abort.Reason);
        Assert.Equal([P3], abort.Culprits);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Part2_names_the_dealer_whose_proof_belongs_to_another_commitment(string suiteName)
    {
        // Participant 3 keeps its own commitment but attaches participant 2's (valid) proof.
        var suite = FrostCiphersuite.FromName(suiteName);
        var (secrets, broadcasts) = DkgSimulation.Round1(suite, 2, 3, []);
        var received = DkgSimulation.Others(broadcasts, P1);
        received[P3] = new Round1Package(received[P3].Commitment, received[P2].ProofOfKnowledge);

        var abort = Assert.Throws<ProtocolAbortException>(() => FrostDkg.Part2(secrets[P1], received));
        Assert.Equal(AbortReason.InvalidProofOfKnowledge, abort.Reason);
        Assert.Equal([P3], abort.Culprits);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Part2_names_every_dealer_with_a_bad_proof(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        var (secrets, broadcasts) = DkgSimulation.Round1(suite, 3, 5, []);
        var received = DkgSimulation.Others(broadcasts, P2);
        received[P5] = WithProof(received[P5], proof => proof[^1] ^= 0x01);
        received[P3] = WithProof(received[P3], proof => proof[^9] ^= 0x80);

        var abort = Assert.Throws<ProtocolAbortException>(() => FrostDkg.Part2(secrets[P2], received));
        Assert.Equal(AbortReason.InvalidProofOfKnowledge, abort.Reason);
        Assert.Equal([P3, P5], abort.Culprits);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Part2_rejects_a_non_canonical_proof_scalar_naming_the_dealer(string suiteName)
    {
        // mu replaced by the group order n: not a canonical scalar, so never a valid proof.
        var suite = FrostCiphersuite.FromName(suiteName);
        var (secrets, broadcasts) = DkgSimulation.Round1(suite, 2, 3, []);
        var received = DkgSimulation.Others(broadcasts, P1);
        var order = FrostTestKit.GroupOrder(suite);
        received[P2] = WithProof(received[P2], proof => order.CopyTo(proof, proof.Length - order.Length));

        var abort = Assert.Throws<ProtocolAbortException>(() => FrostDkg.Part2(secrets[P1], received));
        Assert.Equal(AbortReason.InvalidProofOfKnowledge, abort.Reason);
        Assert.Equal([P2], abort.Culprits);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Part2_reports_a_commitment_of_the_wrong_length_as_malformed(string suiteName)
    {
        // Dealer 4 runs a 3-of-5 DKG while the others run 2-of-5: its commitment has 3 entries
        // (and a valid proof), so only the length is wrong.
        var suite = FrostCiphersuite.FromName(suiteName);
        var (secrets, broadcasts) = DkgSimulation.Round1(suite, 2, 5, []);
        var (_, cheat) = FrostDkg.Part1(suite, P4, 5, 3);
        broadcasts[P4] = cheat;

        var abort = Assert.Throws<ProtocolAbortException>(() => FrostDkg.Part2(secrets[P1], DkgSimulation.Others(broadcasts, P1)));
        Assert.Equal(AbortReason.MalformedMessage, abort.Reason);
        Assert.Equal([P4], abort.Culprits);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Part3_complains_about_the_dealer_of_an_inconsistent_share(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        var (secrets1, broadcasts) = DkgSimulation.Round1(suite, 2, 3, []);
        var (secrets2, inboxes) = DkgSimulation.Round2(secrets1, broadcasts);

        // Dealer 2 sends participant 3 the share f_2(3) + 1; participant 1 gets an honest share.
        var honest = inboxes[P3][P2];
        inboxes[P3][P2] = new Round2Package(suite, P2, P3, FrostTestKit.AddOne(suite.Group, honest.SigningShare));
        honest.Dispose();

        var abort = Assert.Throws<ProtocolAbortException>(() => FrostDkg.Part3(secrets2[P3], DkgSimulation.Others(broadcasts, P3), inboxes[P3]));
        Assert.Equal(AbortReason.InvalidSecretShare, abort.Reason);
        Assert.Equal([P2], abort.Culprits);

        var (keyPackage, _) = FrostDkg.Part3(secrets2[P1], DkgSimulation.Others(broadcasts, P1), inboxes[P1]);
        keyPackage.Dispose();
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Part3_complains_about_every_dealer_of_an_inconsistent_share(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        var (secrets1, broadcasts) = DkgSimulation.Round1(suite, 3, 5, []);
        var (secrets2, inboxes) = DkgSimulation.Round2(secrets1, broadcasts);
        var inbox = inboxes[P1];

        // Dealer 5 sends dealer 4's share for participant 1 (a real share, of the wrong polynomial); dealer 2 adds one.
        inbox[P5] = new Round2Package(suite, P5, P1, inbox[P4].SigningShare);
        inbox[P2] = new Round2Package(suite, P2, P1, FrostTestKit.AddOne(suite.Group, inbox[P2].SigningShare));

        var abort = Assert.Throws<ProtocolAbortException>(() => FrostDkg.Part3(secrets2[P1], DkgSimulation.Others(broadcasts, P1), inbox));
        Assert.Equal(AbortReason.InvalidSecretShare, abort.Reason);
        Assert.Equal([P2, P5], abort.Culprits);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Part3_rejects_a_misaddressed_or_unexpected_share(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        var (secrets1, broadcasts) = DkgSimulation.Round1(suite, 2, 3, []);
        var (secrets2, inboxes) = DkgSimulation.Round2(secrets1, broadcasts);

        // Participant 1 receives, under dealer 3's slot, the share dealer 3 made for participant 2.
        var inbox = new Dictionary<ParticipantId, Round2Package>(inboxes[P1]) { [P3] = inboxes[P2][P3] };
        var abort = Assert.Throws<ProtocolAbortException>(() => FrostDkg.Part3(secrets2[P1], DkgSimulation.Others(broadcasts, P1), inbox));
        Assert.Equal(AbortReason.UnexpectedParticipant, abort.Reason);
        Assert.Equal([P3], abort.Culprits);

        // Participant 2 receives dealer 1's share filed under dealer 3.
        inbox = new Dictionary<ParticipantId, Round2Package>(inboxes[P2]) { [P3] = inboxes[P2][P1] };
        abort = Assert.Throws<ProtocolAbortException>(() => FrostDkg.Part3(secrets2[P2], DkgSimulation.Others(broadcasts, P2), inbox));
        Assert.Equal(AbortReason.UnexpectedParticipant, abort.Reason);
        Assert.Equal([P3], abort.Culprits);

        // Participant 3 gets no share from dealer 2.
        inbox = new Dictionary<ParticipantId, Round2Package>(inboxes[P3]);
        inbox.Remove(P2);
        abort = Assert.Throws<ProtocolAbortException>(() => FrostDkg.Part3(secrets2[P3], DkgSimulation.Others(broadcasts, P3), inbox));
        Assert.Equal(AbortReason.UnexpectedParticipant, abort.Reason);
        Assert.Equal([P2], abort.Culprits);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Part2_rejects_missing_extra_and_own_packages(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        var (secrets, broadcasts) = DkgSimulation.Round1(suite, 2, 4, []);
        var (_, stranger) = FrostDkg.Part1(suite, FrostTestKit.Id(9), 4, 2);

        var missing = DkgSimulation.Others(broadcasts, P1);
        missing.Remove(P4);
        Assert.Throws<ArgumentException>(() => FrostDkg.Part2(secrets[P1], missing));

        var extra = DkgSimulation.Others(broadcasts, P2);
        extra[FrostTestKit.Id(9)] = stranger;
        Assert.Throws<ArgumentException>(() => FrostDkg.Part2(secrets[P2], extra));

        var withOwn = new Dictionary<ParticipantId, Round1Package>(broadcasts);
        withOwn.Remove(P4);
        Assert.Throws<ArgumentException>(() => FrostDkg.Part2(secrets[P3], withOwn));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Part3_rejects_missing_and_extra_round_one_packages(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        var (secrets1, broadcasts) = DkgSimulation.Round1(suite, 2, 4, []);
        var (secrets2, inboxes) = DkgSimulation.Round2(secrets1, broadcasts);

        var missing = DkgSimulation.Others(broadcasts, P1);
        missing.Remove(P2);
        Assert.Throws<ArgumentException>(() => FrostDkg.Part3(secrets2[P1], missing, inboxes[P1]));

        Assert.Throws<ArgumentException>(() => FrostDkg.Part3(secrets2[P2], broadcasts, inboxes[P2]));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Round1Package_deserialize_rejects_malformed_input(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        var (secret, package) = FrostDkg.Part1(suite, P1, 3, 2);
        secret.Dispose();
        var bytes = package.Serialize();
        Assert.Equal(2 + (2 * suite.Group.ElementLength) + suite.SignatureLength, bytes.Length);
        Assert.Equal(bytes, Round1Package.Deserialize(suite, bytes).Serialize());

        Assert.Throws<FormatException>(() => Round1Package.Deserialize(suite, []));
        Assert.Throws<FormatException>(() => Round1Package.Deserialize(suite, bytes.AsSpan(0, 1)));
        Assert.Throws<FormatException>(() => Round1Package.Deserialize(suite, bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<FormatException>(() => Round1Package.Deserialize(suite, [.. bytes, 0]));
        Assert.Throws<FormatException>(() => Round1Package.Deserialize(suite, With(bytes, 0, 2))); // unknown version
        Assert.Throws<FormatException>(() => Round1Package.Deserialize(suite, With(bytes, 1, 3))); // count says 3, two elements sent
        Assert.Throws<FormatException>(() => Round1Package.Deserialize(suite, With(bytes, 1, 0)));

        var ne = suite.Group.ElementLength;
        foreach (var (name, element) in FrostTestKit.InvalidElementEncodings(suite))
        {
            foreach (var slot in new[] { 0, 1 })
            {
                byte[] bad = [.. bytes];
                element.CopyTo(bad, 2 + (slot * ne));
                var ex = Record.Exception(() => Round1Package.Deserialize(suite, bad));
                Assert.True(ex is FormatException, $"{name} in coefficient {slot}: expected FormatException, got {ex?.GetType().Name ?? "success"}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Round2Package_deserialize_rejects_malformed_input(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        var share = suite.Group.NewScalar();
        suite.Group.ScalarFromUInt64(12345, share);
        using var package = new Round2Package(suite, P2, P3, share);
        var bytes = package.Serialize();
        using (var parsed = Round2Package.Deserialize(suite, bytes))
        {
            Assert.Equal(P2, parsed.Sender);
            Assert.Equal(P3, parsed.Recipient);
            Assert.Equal(share, parsed.SigningShare.ToArray());
        }

        Assert.Throws<FormatException>(() => Round2Package.Deserialize(suite, bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<FormatException>(() => Round2Package.Deserialize(suite, [.. bytes, 0]));
        Assert.Throws<FormatException>(() => Round2Package.Deserialize(suite, With(bytes, 0, 0)));
        Assert.Throws<FormatException>(() => Round2Package.Deserialize(suite, With(With(bytes, 1, 0), 2, 0))); // sender 0
        Assert.Throws<FormatException>(() => Round2Package.Deserialize(suite, With(With(bytes, 3, 0), 4, 0))); // recipient 0
        Assert.Throws<FormatException>(() => Round2Package.Deserialize(suite, [.. bytes[..5], .. FrostTestKit.GroupOrder(suite)]));
        Assert.Throws<FormatException>(() => Round2Package.Deserialize(suite, [.. bytes[..5], .. Enumerable.Repeat((byte)0xFF, 32)]));
        Assert.Throws<FormatException>(() => new Round2Package(suite, P2, P3, FrostTestKit.GroupOrder(suite)));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Part1_and_dealer_reject_invalid_thresholds(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        Assert.Throws<ArgumentOutOfRangeException>(() => FrostDkg.Part1(suite, P1, 3, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrostDkg.Part1(suite, P1, 3, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrostDkg.Part1(suite, P1, 3, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrostDkg.Part1(suite, P1, 256, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrustedDealer.Generate(suite, 1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrustedDealer.Generate(suite, 4, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrustedDealer.Generate(suite, 2, 256));

        // The boundaries themselves are accepted.
        FrostDkg.Part1(suite, P1, 2, 2).Secret.Dispose();
        FrostDkg.Part1(suite, P1, TrustedDealer.MaxParticipants, 2).Secret.Dispose();
    }

    private static Round1Package WithProof(Round1Package package, Action<byte[]> tamper)
    {
        var proof = package.ProofOfKnowledge.ToArray();
        tamper(proof);
        return new Round1Package(package.Commitment, proof);
    }

    private static byte[] With(byte[] bytes, int index, byte value)
    {
        byte[] copy = [.. bytes];
        copy[index] = value;
        return copy;
    }
}

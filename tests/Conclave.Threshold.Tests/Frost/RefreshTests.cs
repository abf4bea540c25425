using Conclave.Threshold.Frost.Ciphersuites;
using Conclave.Threshold.Frost.Keys;
using Conclave.Threshold.Frost.Keys.Dkg;
using Conclave.Threshold.Frost.Keys.Refresh;

namespace Conclave.Threshold.Tests.Frost;

/// <summary>
/// FROST proactive refresh (<see cref="FrostRefresh"/>, HJKY95 share renewal) for every suite:
/// the group key stays, every t-subset of new shares signs, old and new shares do not combine,
/// and a dealer that sends a share off its commitment or commits to a non-zero constant is named.
/// </summary>
public sealed class RefreshTests
{
    private static readonly byte[] Message = "refresh me"u8.ToArray();

    public static TheoryData<string, int, int> SuitesAndSizes
    {
        get
        {
            var data = new TheoryData<string, int, int>();
            foreach (var suite in FrostCiphersuite.All)
            {
                data.Add(suite.Name, 2, 3);
                data.Add(suite.Name, 3, 5);
            }

            return data;
        }
    }

    public static TheoryData<string> Suites => FrostTestKit.SuiteNames();

    [Theory]
    [MemberData(nameof(SuitesAndSizes))]
    public void Refresh_keeps_the_group_key_and_every_threshold_subset_of_new_shares_signs(string suiteName, int t, int n)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        var (oldKeys, oldPublic) = DkgSimulation.Run(suite, t, n, []);
        var (newKeys, newPublic) = Run(suite, t, n, oldKeys, oldPublic);
        var ids = FrostTestKit.Range(n);
        var reference = newPublic[ids[0]];
        Assert.Equal(oldPublic[ids[0]].VerifyingKey, reference.VerifyingKey);
        Assert.Equal(oldPublic[ids[0]].SerializePublicKey(), reference.SerializePublicKey());
        foreach (var id in ids)
        {
            Assert.Equal(reference.VerifyingKey, newKeys[id].VerifyingKey);
            Assert.Equal(reference.VerifyingShares, newPublic[id].VerifyingShares);
            Assert.Equal(reference.VerifyingShares[id], newKeys[id].VerifyingShare);
            Assert.NotEqual(oldPublic[id].VerifyingShares[id], newKeys[id].VerifyingShare);
            Assert.Equal(suite.Group.MultiplyBase(newKeys[id].SigningShare), newKeys[id].VerifyingShare);
        }

        foreach (var subset in FrostTestKit.Subsets(ids, t))
        {
            var signature = FrostTestKit.Sign([.. subset.Select(id => newKeys[id])], reference, Message);
            FrostTestKit.AssertVerifies(suite, reference.SerializePublicKey(), Message, signature);
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void An_old_share_does_not_sign_together_with_new_shares(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        var (oldKeys, oldPublic) = DkgSimulation.Run(suite, 2, 3, []);
        var (newKeys, newPublic) = Run(suite, 2, 3, oldKeys, oldPublic);
        KeyPackage[] mixed = [oldKeys[FrostTestKit.Id(1)], newKeys[FrostTestKit.Id(2)]];

        // Against the new verifying shares the old share is the bad one; against the old ones the new share is.
        var (package, shares) = FrostTestKit.SignShares(mixed, Message);
        var abort = Assert.Throws<ProtocolAbortException>(() => Threshold.Frost.Signing.Aggregate.Run(package, shares, newPublic[FrostTestKit.Id(1)]));
        Assert.Equal([FrostTestKit.Id(1)], abort.Culprits);
        (package, shares) = FrostTestKit.SignShares(mixed, Message);
        abort = Assert.Throws<ProtocolAbortException>(() => Threshold.Frost.Signing.Aggregate.Run(package, shares, oldPublic[FrostTestKit.Id(1)]));
        Assert.Equal([FrostTestKit.Id(2)], abort.Culprits);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Part3_names_the_dealer_of_a_tampered_refresh_share(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        var (oldKeys, oldPublic) = DkgSimulation.Run(suite, 2, 3, []);
        var (secrets, packages) = Part1All(suite, 2, 3);
        var inboxes = Part2All(secrets, packages);
        var p1 = FrostTestKit.Id(1);
        var p3 = FrostTestKit.Id(3);
        var honest = inboxes[p1][p3];
        inboxes[p1][p3] = new Round2Package(suite, p3, p1, FrostTestKit.AddOne(suite.Group, honest.SigningShare));
        var abort = Assert.Throws<ProtocolAbortException>(() => FrostRefresh.Part3(secrets[p1], Others(packages, p1), inboxes[p1], oldKeys[p1], oldPublic[p1]));
        Assert.Equal(AbortReason.InvalidSecretShare, abort.Reason);
        Assert.Equal([p3], abort.Culprits);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void A_commitment_with_a_non_identity_constant_term_names_its_dealer(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        var g = suite.Group;
        var (oldKeys, oldPublic) = DkgSimulation.Run(suite, 2, 3, []);
        var (secrets, packages) = Part1All(suite, 2, 3);
        var p1 = FrostTestKit.Id(1);
        var p2 = FrostTestKit.Id(2);

        // Dealer 2 shares 1 instead of 0 (it would shift the group key by G): its commitment starts with G.
        var shifted = new RefreshPackage(new VssCommitment([g.Generator, .. packages[p2].Commitment.Coefficients.Skip(1)]));
        var wire = RefreshPackage.Deserialize(suite, shifted.Serialize());
        Assert.False(wire.Commitment.ConstantTerm.IsIdentity);
        var received = Others(packages, p1);
        received[p2] = wire;
        var abort = Assert.Throws<ProtocolAbortException>(() => FrostRefresh.Part2(secrets[p1], received));
        Assert.Equal(AbortReason.MalformedMessage, abort.Reason);
        Assert.Equal([p2], abort.Culprits);

        var inboxes = Part2All(secrets, packages);
        abort = Assert.Throws<ProtocolAbortException>(() => FrostRefresh.Part3(secrets[p1], received, inboxes[p1], oldKeys[p1], oldPublic[p1]));
        Assert.Equal([p2], abort.Culprits);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void A_refresh_package_round_trips_with_the_identity_constant_term(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        var (secret, package) = FrostRefresh.Part1(suite, FrostTestKit.Id(1), 3, 2);
        using (secret)
        {
            var wire = package.Serialize();
            Assert.All(wire.AsSpan(2, suite.Group.ElementLength).ToArray(), b => Assert.Equal(0, b));
            var parsed = RefreshPackage.Deserialize(suite, wire);
            Assert.True(parsed.Commitment.ConstantTerm.IsIdentity);
            Assert.Equal(package.Commitment.Coefficients, parsed.Commitment.Coefficients);
            Assert.Throws<FormatException>(() => RefreshPackage.Deserialize(suite, wire.AsSpan(0, wire.Length - 1)));
        }
    }

    /// <summary>A full refresh among all n holders of a DKG key, every message through its wire encoding.</summary>
    internal static (Dictionary<ParticipantId, KeyPackage> Keys, Dictionary<ParticipantId, PublicKeyPackage> Public) Run(
        FrostCiphersuite suite, int t, int n, Dictionary<ParticipantId, KeyPackage> oldKeys, Dictionary<ParticipantId, PublicKeyPackage> oldPublic)
    {
        var (secrets, packages) = Part1All(suite, t, n);
        var inboxes = Part2All(secrets, packages);
        var keys = new Dictionary<ParticipantId, KeyPackage>();
        var publicPackages = new Dictionary<ParticipantId, PublicKeyPackage>();
        foreach (var id in FrostTestKit.Range(n))
        {
            var (key, pub) = FrostRefresh.Part3(secrets[id], Others(packages, id), inboxes[id], oldKeys[id], oldPublic[id]);
            keys[id] = key;
            publicPackages[id] = pub;
        }

        return (keys, publicPackages);
    }

    private static (Dictionary<ParticipantId, RefreshSecretPackage> Secrets, Dictionary<ParticipantId, RefreshPackage> Packages) Part1All(FrostCiphersuite suite, int t, int n)
    {
        var secrets = new Dictionary<ParticipantId, RefreshSecretPackage>();
        var packages = new Dictionary<ParticipantId, RefreshPackage>();
        foreach (var id in FrostTestKit.Range(n))
        {
            var (secret, package) = FrostRefresh.Part1(suite, id, n, t);
            secrets[id] = secret;
            packages[id] = RefreshPackage.Deserialize(suite, package.Serialize());
        }

        return (secrets, packages);
    }

    private static Dictionary<ParticipantId, Dictionary<ParticipantId, Round2Package>> Part2All(Dictionary<ParticipantId, RefreshSecretPackage> secrets, Dictionary<ParticipantId, RefreshPackage> packages)
    {
        var inboxes = secrets.Keys.ToDictionary(id => id, _ => new Dictionary<ParticipantId, Round2Package>());
        foreach (var (dealer, secret) in secrets)
        {
            foreach (var (to, share) in FrostRefresh.Part2(secret, Others(packages, dealer)))
            {
                inboxes[to][dealer] = DkgSimulation.OverTheWire(share);
            }
        }

        return inboxes;
    }

    private static Dictionary<ParticipantId, RefreshPackage> Others(Dictionary<ParticipantId, RefreshPackage> packages, ParticipantId self) =>
        packages.Where(kv => kv.Key != self).ToDictionary();
}

using Conclave.Threshold.Frost.Ciphersuites;
using Conclave.Threshold.Frost.Keys;
using Conclave.Threshold.Frost.Keys.Dkg;

namespace Conclave.Threshold.Tests.Frost;

/// <summary>
/// n DKG parties in one process: each makes its own Part1/Part2/Part3 calls, and every message
/// crosses a simulated wire (Serialize, then Deserialize on the receiving side). The rounds are
/// separate so adversarial tests can tamper with messages in between.
/// </summary>
internal static class DkgSimulation
{
    /// <summary>Round one: every party runs Part1; the broadcasts are returned as received from the wire.</summary>
    public static (Dictionary<ParticipantId, Round1SecretPackage> Secrets, Dictionary<ParticipantId, Round1Package> Broadcasts) Round1(
        FrostCiphersuite suite, int minSigners, int maxSigners, byte[] context)
    {
        var secrets = new Dictionary<ParticipantId, Round1SecretPackage>();
        var broadcasts = new Dictionary<ParticipantId, Round1Package>();
        foreach (var id in FrostTestKit.Range(maxSigners))
        {
            var (secret, package) = FrostDkg.Part1(suite, id, maxSigners, minSigners, context);
            secrets[id] = secret;
            broadcasts[id] = OverTheWire(suite, package);
        }

        return (secrets, broadcasts);
    }

    /// <summary>Round two: every party runs Part2 on the others' broadcasts; returns each party's inbox (dealer → package).</summary>
    public static (Dictionary<ParticipantId, Round2SecretPackage> Secrets, Dictionary<ParticipantId, Dictionary<ParticipantId, Round2Package>> Inboxes) Round2(
        IReadOnlyDictionary<ParticipantId, Round1SecretPackage> round1Secrets, IReadOnlyDictionary<ParticipantId, Round1Package> broadcasts)
    {
        var secrets = new Dictionary<ParticipantId, Round2SecretPackage>();
        var inboxes = broadcasts.Keys.ToDictionary(id => id, _ => new Dictionary<ParticipantId, Round2Package>());
        foreach (var (id, round1Secret) in round1Secrets)
        {
            var (secret, outbox) = FrostDkg.Part2(round1Secret, Others(broadcasts, id));
            Assert.True(outbox.Keys.Order().SequenceEqual(broadcasts.Keys.Where(k => k != id).Order()));
            secrets[id] = secret;
            foreach (var (recipient, package) in outbox)
            {
                Assert.Equal(id, package.Sender);
                Assert.Equal(recipient, package.Recipient);
                inboxes[recipient][id] = OverTheWire(package);
            }
        }

        return (secrets, inboxes);
    }

    /// <summary>Round three: every party runs Part3; returns each party's key package and public key package.</summary>
    public static (Dictionary<ParticipantId, KeyPackage> KeyPackages, Dictionary<ParticipantId, PublicKeyPackage> PublicKeyPackages) Round3(
        IReadOnlyDictionary<ParticipantId, Round2SecretPackage> round2Secrets,
        IReadOnlyDictionary<ParticipantId, Round1Package> broadcasts,
        IReadOnlyDictionary<ParticipantId, Dictionary<ParticipantId, Round2Package>> inboxes)
    {
        var keyPackages = new Dictionary<ParticipantId, KeyPackage>();
        var publicKeyPackages = new Dictionary<ParticipantId, PublicKeyPackage>();
        foreach (var (id, secret) in round2Secrets)
        {
            var (keyPackage, publicKeyPackage) = FrostDkg.Part3(secret, Others(broadcasts, id), inboxes[id]);
            keyPackages[id] = keyPackage;
            publicKeyPackages[id] = publicKeyPackage;
        }

        return (keyPackages, publicKeyPackages);
    }

    /// <summary>The whole DKG among participants 1..n with the given session context.</summary>
    public static (Dictionary<ParticipantId, KeyPackage> KeyPackages, Dictionary<ParticipantId, PublicKeyPackage> PublicKeyPackages) Run(
        FrostCiphersuite suite, int minSigners, int maxSigners, byte[] context)
    {
        var (secrets1, broadcasts) = Round1(suite, minSigners, maxSigners, context);
        var (secrets2, inboxes) = Round2(secrets1, broadcasts);
        try
        {
            return Round3(secrets2, broadcasts, inboxes);
        }
        finally
        {
            foreach (var package in inboxes.Values.SelectMany(i => i.Values))
            {
                package.Dispose();
            }
        }
    }

    /// <summary>What one party receives from the broadcast: everyone's package but its own.</summary>
    public static Dictionary<ParticipantId, Round1Package> Others(IReadOnlyDictionary<ParticipantId, Round1Package> broadcasts, ParticipantId self) =>
        broadcasts.Where(kv => kv.Key != self).ToDictionary();

    /// <summary>Serializes a round-one package and parses it back, checking the encoding is stable.</summary>
    public static Round1Package OverTheWire(FrostCiphersuite suite, Round1Package package)
    {
        var bytes = package.Serialize();
        var received = Round1Package.Deserialize(suite, bytes);
        Assert.Equal(bytes, received.Serialize());
        return received;
    }

    /// <summary>Serializes a round-two package and parses it back (disposing the sent copy), checking the encoding is stable.</summary>
    public static Round2Package OverTheWire(Round2Package package)
    {
        using (package)
        {
            var bytes = package.Serialize();
            var received = Round2Package.Deserialize(package.Suite, bytes);
            Assert.Equal(bytes, received.Serialize());
            Assert.Equal(package.Sender, received.Sender);
            Assert.Equal(package.Recipient, received.Recipient);
            return received;
        }
    }
}

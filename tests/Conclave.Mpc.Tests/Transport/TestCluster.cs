using Conclave.Mpc.Transport;
using Conclave.Threshold;
using NSec.Cryptography;

namespace Conclave.Mpc.Tests.Transport;

/// <summary>Three listed nodes (a, b, c) with a membership signed by a fresh operator key, and one active session on every opener.</summary>
internal sealed class TestCluster : IDisposable
{
    public TestCluster()
    {
        A = NodeIdentity.Create("node-a", allowExport: true);
        B = NodeIdentity.Create("node-b", allowExport: true);
        C = NodeIdentity.Create("node-c", allowExport: true);
        Operator = Key.Create(SignatureAlgorithm.Ed25519);
        var membership = new ClusterMembership(1, [
            new ClusterMember(A.PublicIdentity, "127.0.0.1:7101"),
            new ClusterMember(B.PublicIdentity, "127.0.0.1:7102"),
            new ClusterMember(C.PublicIdentity, "127.0.0.1:7103"),
        ]);
        SignedMembership = membership.Sign(Operator);

        // Every node works from the verified file, as a deployment would.
        Membership = ClusterMembership.Parse(SignedMembership, Operator.PublicKey);
        Session = SessionId.Random();
        OpenerA = new EnvelopeOpener(A, Membership);
        OpenerB = new EnvelopeOpener(B, Membership);
        OpenerC = new EnvelopeOpener(C, Membership);
        foreach (var o in new[] { OpenerA, OpenerB, OpenerC })
        {
            o.AddSession(Session);
        }
    }

    public NodeIdentity A { get; }

    public NodeIdentity B { get; }

    public NodeIdentity C { get; }

    public Key Operator { get; }

    public byte[] SignedMembership { get; }

    public ClusterMembership Membership { get; }

    public SessionId Session { get; }

    public EnvelopeOpener OpenerA { get; }

    public EnvelopeOpener OpenerB { get; }

    public EnvelopeOpener OpenerC { get; }

    /// <summary>Asserts that <paramref name="envelope"/> is dropped for <paramref name="expected"/> and that exactly that counter moved, by one.</summary>
    public static void AssertDroppedOnce(EnvelopeOpener opener, byte[] envelope, DropReason expected)
    {
        var before = opener.DropCounts;
        var openedBefore = opener.OpenedCount;

        var ok = opener.TryOpen(envelope, out var message, out var reason);

        Assert.False(ok);
        Assert.Null(message);
        Assert.Equal(expected, reason);
        var after = opener.DropCounts;
        foreach (var (r, count) in after)
        {
            Assert.Equal(before[r] + (r == expected ? 1 : 0), count);
        }

        Assert.Equal(openedBefore, opener.OpenedCount);
    }

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
        C.Dispose();
        Operator.Dispose();
    }
}

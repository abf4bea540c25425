using System.Security.Cryptography;
using System.Text;
using Conclave.Mpc.Transport;
using Conclave.Threshold;
using NSec.Cryptography;

namespace Conclave.Mpc.Tests.Transport;

/// <summary>
/// A frozen version-1 envelope: fixed identities (keys = SHA-512 of a label), session, ephemeral key
/// and nonce give exactly these bytes, and the recipient opens them. A change to the header,
/// key derivation, encryption or signature input breaks it; a deliberate format change needs a new
/// version byte and a new vector, never an edit of this one.
/// </summary>
public sealed class EnvelopeVectorTests
{
    private const string Expected =
        "01203a598c0ea91fbe561fea44befd8caa0166deacd83abcedf591cd2a73b1aa2b2c00000002066e6f64652d61066e6f" +
        "64652d620000000000000007aef5cb1a5b86b8e7271fc3a0d22dc3d3ded21d79a653b684f20a9e713d1d1f3c299f72ad" +
        "ce513b37e913a65acf6e84aec1bdbf51382998ce84e900ceb53ff5c0506d26719740e0e9523a0dd5edb7d7e41baf8381" +
        "fdfd0d0381a0be97bddf8964d66c183c68d5d59349d1d1ca18ef234a374f4cce8e3ef8b0f3490e092785b1476ce672ce" +
        "ae7d56e070034ffc0f29210af4dc751dc744bf66dae86328b407";

    [Fact]
    public void The_frozen_v1_envelope_is_reproduced_and_opens()
    {
        using var a = Identity("node-a");
        using var b = Identity("node-b");
        var session = new SessionId(SHA256.HashData(Encoding.UTF8.GetBytes("conclave/test-vector/envelope/session")));
        var ephemeral = SHA256.HashData(Encoding.UTF8.GetBytes("conclave/test-vector/envelope/ephemeral"));
        var nonce = SHA256.HashData(Encoding.UTF8.GetBytes("conclave/test-vector/envelope/nonce"))[..12];
        var payload = Encoding.UTF8.GetBytes("round 2 of keygen, for node-b only");

        var envelope = EnvelopeSealer.SealCore(a, b.PublicIdentity, session, 2, 7, payload, ephemeral, nonce);
        Assert.Equal(Expected, Convert.ToHexStringLower(envelope));

        using var operatorKey = Key.Import(SignatureAlgorithm.Ed25519, SHA256.HashData(Encoding.UTF8.GetBytes("conclave/test-vector/operator")), KeyBlobFormat.RawPrivateKey);
        var membership = ClusterMembership.Parse(
            new ClusterMembership(1, [new ClusterMember(a.PublicIdentity, "127.0.0.1:7101"), new ClusterMember(b.PublicIdentity, "127.0.0.1:7102")]).Sign(operatorKey),
            operatorKey.PublicKey);
        var opener = new EnvelopeOpener(b, membership);
        opener.AddSession(session);
        Assert.True(opener.TryOpen(Convert.FromHexString(Expected), out var opened, out var reason), reason.ToString());
        using (opened)
        {
            Assert.Equal(payload, opened!.Payload.ToArray());
            Assert.Equal(7UL, opened.Sequence);
            Assert.Equal(2, opened.Round);
        }
    }

    private static NodeIdentity Identity(string id) => NodeIdentity.Import(id, SHA512.HashData(Encoding.UTF8.GetBytes($"conclave/test-vector/{id}")));
}

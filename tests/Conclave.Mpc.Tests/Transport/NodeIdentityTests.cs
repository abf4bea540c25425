using System.Globalization;
using Conclave.Mpc.Transport;

namespace Conclave.Mpc.Tests.Transport;

public sealed class NodeIdentityTests
{
    [Fact]
    public void ToString_shows_the_node_id_and_no_key_bytes()
    {
        using var identity = NodeIdentity.Create("node-a", allowExport: true);
        using var secret = identity.ExportPrivateKeys();
        var text = identity.ToString();

        Assert.Contains("node-a", text, StringComparison.Ordinal);
        foreach (var key in new[] { secret.Span[..32].ToArray(), secret.Span[32..].ToArray(), identity.PublicIdentity.SigningPublicKey.ToArray(), identity.PublicIdentity.AgreementPublicKey.ToArray() })
        {
            foreach (var form in new[] { Convert.ToHexStringLower(key), Convert.ToHexString(key), Convert.ToBase64String(key) })
            {
                Assert.DoesNotContain(form[..8], text, StringComparison.Ordinal);
            }

            Assert.DoesNotContain(string.Join(", ", key.Select(b => b.ToString(CultureInfo.InvariantCulture))), text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Export_is_refused_unless_allowed_at_creation()
    {
        using var identity = NodeIdentity.Create("node-a");

        Assert.False(identity.IsExportable);
        Assert.Throws<InvalidOperationException>(() => identity.ExportPrivateKeys());
    }

    [Fact]
    public void Exported_private_keys_import_to_the_same_public_identity_and_the_export_is_wiped_on_dispose()
    {
        using var identity = NodeIdentity.Create("node-a", allowExport: true);
        var secret = identity.ExportPrivateKeys();
        Assert.Equal(NodeIdentity.PrivateKeysLength, secret.Length);

        using var imported = NodeIdentity.Import("node-a", secret.Span);
        secret.Dispose();

        Assert.Equal(identity.PublicIdentity, imported.PublicIdentity);
        Assert.True(secret.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => secret.Span.Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Node-A")]
    [InlineData("node_a")]
    [InlineData("node a")]
    [InlineData("a23456789012345678901234567890123")]
    public void Invalid_node_ids_are_refused(string nodeId)
    {
        Assert.Throws<ArgumentException>(() => NodeIdentity.Create(nodeId));
        Assert.False(NodePublicIdentity.IsValidNodeId(nodeId));
    }

    [Fact]
    public void Import_refuses_the_wrong_length()
    {
        Assert.Throws<ArgumentException>(() => NodeIdentity.Import("node-a", new byte[63]));
    }

    [Fact]
    public void A_disposed_identity_cannot_seal()
    {
        var identity = NodeIdentity.Create("node-a");
        using var other = NodeIdentity.Create("node-b");
        identity.Dispose();

        Assert.Throws<ObjectDisposedException>(() => EnvelopeSealer.Seal(identity, other.PublicIdentity, Conclave.Threshold.SessionId.Random(), 0, 0, [1]));
    }

    [Fact]
    public void Public_identities_compare_by_value()
    {
        using var a = NodeIdentity.Create("node-a");
        using var b = NodeIdentity.Create("node-a");
        var copy = new NodePublicIdentity("node-a", a.PublicIdentity.SigningPublicKey, a.PublicIdentity.AgreementPublicKey);
        var renamed = new NodePublicIdentity("node-x", a.PublicIdentity.SigningPublicKey, a.PublicIdentity.AgreementPublicKey);

        Assert.Equal(a.PublicIdentity, copy);
        Assert.True(a.PublicIdentity == copy);
        Assert.Equal(a.PublicIdentity.GetHashCode(), copy.GetHashCode());
        Assert.NotEqual(a.PublicIdentity, b.PublicIdentity);
        Assert.NotEqual(a.PublicIdentity, renamed);
    }
}

using System.Text;
using Conclave.Mpc.Transport;
using NSec.Cryptography;

namespace Conclave.Mpc.Tests.Transport;

public sealed class ClusterMembershipTests : IDisposable
{
    private readonly TestCluster _c = new();

    public void Dispose() => _c.Dispose();

    [Fact]
    public void A_signed_membership_parses_back_to_the_same_members_and_bytes()
    {
        var parsed = ClusterMembership.Parse(_c.SignedMembership, _c.Operator.PublicKey);

        Assert.Equal(1UL, parsed.Serial);
        Assert.Equal(["node-a", "node-b", "node-c"], parsed.Members.Select(m => m.NodeId));
        Assert.Equal(_c.B.PublicIdentity, parsed.Members[1].Identity);
        Assert.Equal("127.0.0.1:7102", parsed.Members[1].Address);
        Assert.Equal(_c.Membership.Encode(), parsed.Encode());
        Assert.Equal(_c.SignedMembership[..^64], parsed.Encode());
    }

    [Fact]
    public void The_encoding_does_not_depend_on_the_order_members_are_given_in()
    {
        var shuffled = new ClusterMembership(1, _c.Membership.Members.Reverse());

        Assert.Equal(_c.Membership.Encode(), shuffled.Encode());
    }

    [Fact]
    public void A_membership_signed_by_another_operator_is_refused_as_bad_signature()
    {
        using var otherOperator = Key.Create(SignatureAlgorithm.Ed25519);
        var file = _c.Membership.Sign(otherOperator);

        var e = Assert.Throws<MembershipException>(() => ClusterMembership.Parse(file, _c.Operator.PublicKey));
        Assert.Equal(MembershipError.BadSignature, e.Error);
    }

    [Theory]
    [InlineData("node-c")] // an id
    [InlineData("127.0.0.1:7103")] // an address
    public void A_membership_with_a_tampered_entry_is_refused_as_bad_signature(string text)
    {
        var file = (byte[])_c.SignedMembership.Clone();
        var at = file.AsSpan().IndexOf(Encoding.ASCII.GetBytes(text));
        Assert.True(at > 0);
        file[at + text.Length - 1] ^= 0x02; // node-c -> node-a, 7103 -> 7101: still well-formed

        Assert.False(ClusterMembership.TryParse(file, _c.Operator.PublicKey, out var m, out var error));
        Assert.Null(m);
        Assert.Equal(MembershipError.BadSignature, error);
    }

    [Fact]
    public void A_membership_with_a_tampered_public_key_is_refused_as_bad_signature()
    {
        var file = (byte[])_c.SignedMembership.Clone();
        var at = file.AsSpan().IndexOf(_c.B.PublicIdentity.AgreementPublicKey);
        file[at] ^= 0x01;

        Assert.False(ClusterMembership.TryParse(file, _c.Operator.PublicKey, out _, out var error));
        Assert.Equal(MembershipError.BadSignature, error);
    }

    [Fact]
    public void An_operator_signed_file_with_duplicate_node_ids_is_refused()
    {
        var body = _c.Membership.Encode();
        var at = body.AsSpan().IndexOf("node-b"u8);
        body[at + 5] = (byte)'a';

        var e = Assert.Throws<MembershipException>(() => ClusterMembership.Parse(OperatorSigned(body), _c.Operator.PublicKey));
        Assert.Equal(MembershipError.DuplicateNodeId, e.Error);
    }

    [Fact]
    public void An_operator_signed_file_with_a_duplicate_key_is_refused()
    {
        var body = _c.Membership.Encode();
        var at = body.AsSpan().IndexOf(_c.B.PublicIdentity.SigningPublicKey);
        _c.A.PublicIdentity.SigningPublicKey.CopyTo(body.AsSpan(at));

        var e = Assert.Throws<MembershipException>(() => ClusterMembership.Parse(OperatorSigned(body), _c.Operator.PublicKey));
        Assert.Equal(MembershipError.DuplicateKey, e.Error);
    }

    [Fact]
    public void An_operator_signed_file_with_entries_out_of_order_is_refused_as_not_canonical()
    {
        var body = _c.Membership.Encode();
        var a = body.AsSpan().IndexOf("node-a"u8);
        var c = body.AsSpan().IndexOf("node-c"u8);
        body[a + 5] = (byte)'c';
        body[c + 5] = (byte)'a';

        var e = Assert.Throws<MembershipException>(() => ClusterMembership.Parse(OperatorSigned(body), _c.Operator.PublicKey));
        Assert.Equal(MembershipError.NotCanonical, e.Error);
    }

    [Fact]
    public void An_operator_signed_file_with_trailing_bytes_or_a_bad_address_is_refused()
    {
        var body = _c.Membership.Encode();
        Assert.Equal(
            MembershipError.Malformed,
            Assert.Throws<MembershipException>(() => ClusterMembership.Parse(OperatorSigned([.. body, 0]), _c.Operator.PublicKey)).Error);

        var at = body.AsSpan().IndexOf("127.0.0.1:7103"u8);
        body[at + 9] = (byte)'/';
        Assert.Equal(
            MembershipError.InvalidAddress,
            Assert.Throws<MembershipException>(() => ClusterMembership.Parse(OperatorSigned(body), _c.Operator.PublicKey)).Error);
    }

    [Fact]
    public void A_truncated_file_is_refused()
    {
        Assert.False(ClusterMembership.TryParse(_c.SignedMembership.AsSpan(0, 40), _c.Operator.PublicKey, out _, out var error));
        Assert.Equal(MembershipError.Malformed, error);
        Assert.False(ClusterMembership.TryParse(_c.SignedMembership.AsSpan(0, _c.SignedMembership.Length - 1), _c.Operator.PublicKey, out _, out error));
        Assert.Equal(MembershipError.BadSignature, error);
    }

    [Fact]
    public void Building_a_membership_with_duplicate_ids_or_keys_or_no_members_throws()
    {
        using var otherA = NodeIdentity.Create("node-a");
        var sameKeysOtherId = new NodePublicIdentity("node-z", _c.A.PublicIdentity.SigningPublicKey, _c.A.PublicIdentity.AgreementPublicKey);

        Assert.Throws<ArgumentException>(() => new ClusterMembership(1, [
            new ClusterMember(_c.A.PublicIdentity, "127.0.0.1:1"), new ClusterMember(otherA.PublicIdentity, "127.0.0.1:2")]));
        Assert.Throws<ArgumentException>(() => new ClusterMembership(1, [
            new ClusterMember(_c.A.PublicIdentity, "127.0.0.1:1"), new ClusterMember(sameKeysOtherId, "127.0.0.1:2")]));
        Assert.Throws<ArgumentException>(() => new ClusterMembership(1, []));
    }

    [Theory]
    [InlineData("127.0.0.1:7101", true)]
    [InlineData("[::1]:7101", true)]
    [InlineData("localhost:7101", true)]
    [InlineData("node-a.example.internal:443", true)]
    [InlineData("10.0.0.5:65535", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData(":7101", false)]
    [InlineData("host:0", false)]
    [InlineData("host:65536", false)]
    [InlineData("host:0080", false)]
    [InlineData("a b:80", false)]
    [InlineData("1.2:80", false)]
    [InlineData("999.1.1.1:80", false)]
    [InlineData("[zz]:80", false)]
    [InlineData("::1:80", false)]
    [InlineData("http://host:80", false)]
    [InlineData("-host:80", false)]
    public void Addresses_are_host_port_strings(string address, bool valid)
    {
        Assert.Equal(valid, ClusterMember.IsValidAddress(address));
    }

    [Fact]
    public void A_membership_without_tls_pins_is_written_and_read_as_version_1()
    {
        var parsed = ClusterMembership.Parse(_c.SignedMembership, _c.Operator.PublicKey);

        Assert.Equal(ClusterMembership.FormatVersionWithoutTlsPins, _c.SignedMembership[4]);
        Assert.False(parsed.HasTlsPins);
        Assert.All(parsed.Members, m => Assert.False(m.HasTlsPin));
        Assert.All(parsed.Members, m => Assert.True(m.TlsCertificateSha256.IsEmpty));
    }

    [Fact]
    public void A_version_2_membership_round_trips_its_tls_pins_and_bytes()
    {
        var (membership, pins) = Pinned();
        var file = membership.Sign(_c.Operator);

        var parsed = ClusterMembership.Parse(file, _c.Operator.PublicKey);

        Assert.Equal(ClusterMembership.FormatVersion, file[4]);
        Assert.True(parsed.HasTlsPins);
        Assert.Equal(pins, parsed.Members.Select(m => m.TlsCertificateSha256.ToArray()));
        Assert.Equal(membership.Encode(), parsed.Encode());
        Assert.Equal(file[..^64], parsed.Encode());
        Assert.Equal(_c.SignedMembership.Length - 64 + (3 * 32), file.Length - 64); // one 32-byte pin per entry more than v1
    }

    [Fact]
    public void A_version_2_membership_with_a_tampered_pin_is_refused_as_bad_signature()
    {
        var (membership, pins) = Pinned();
        var file = membership.Sign(_c.Operator);
        var at = file.AsSpan().IndexOf(pins[1]);
        Assert.True(at > 0);
        file[at + 7] ^= 0x01;

        Assert.False(ClusterMembership.TryParse(file, _c.Operator.PublicKey, out _, out var error));
        Assert.Equal(MembershipError.BadSignature, error);
    }

    [Fact]
    public void A_version_2_body_relabelled_as_version_1_is_refused_even_when_signed()
    {
        var (membership, _) = Pinned();
        var body = membership.Encode();
        body[4] = 1;

        Assert.False(ClusterMembership.TryParse(OperatorSigned(body), _c.Operator.PublicKey, out _, out var error));
        Assert.NotEqual(MembershipError.None, error);
        body[4] = 3;
        Assert.Equal(MembershipError.UnsupportedVersion, Assert.Throws<MembershipException>(() => ClusterMembership.Parse(OperatorSigned(body), _c.Operator.PublicKey)).Error);
    }

    [Fact]
    public void An_operator_signed_version_2_file_with_a_duplicate_pin_is_refused()
    {
        var (membership, pins) = Pinned();
        var body = membership.Encode();
        pins[0].CopyTo(body.AsSpan(body.AsSpan().IndexOf(pins[2])));

        var e = Assert.Throws<MembershipException>(() => ClusterMembership.Parse(OperatorSigned(body), _c.Operator.PublicKey));
        Assert.Equal(MembershipError.DuplicateKey, e.Error);
    }

    [Fact]
    public void Building_a_membership_with_some_members_pinned_and_others_not_throws()
    {
        Assert.Throws<ArgumentException>(() => new ClusterMembership(1, [
            new ClusterMember(_c.A.PublicIdentity, "127.0.0.1:1", new byte[32]),
            new ClusterMember(_c.B.PublicIdentity, "127.0.0.1:2")]));
        Assert.Throws<ArgumentException>(() => new ClusterMember(_c.A.PublicIdentity, "127.0.0.1:1", new byte[31]));
    }

    private (ClusterMembership Membership, byte[][] Pins) Pinned()
    {
        byte[][] pins = [System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)];
        var membership = new ClusterMembership(1, [
            new ClusterMember(_c.A.PublicIdentity, "127.0.0.1:7101", pins[0]),
            new ClusterMember(_c.B.PublicIdentity, "127.0.0.1:7102", pins[1]),
            new ClusterMember(_c.C.PublicIdentity, "127.0.0.1:7103", pins[2]),
        ]);
        return (membership, pins);
    }

    private byte[] OperatorSigned(byte[] body)
    {
        // Independent of ClusterMembership.Sign: the documented label, then the body.
        byte[] message = [.. "conclave/membership/v1"u8, .. body];
        return [.. body, .. SignatureAlgorithm.Ed25519.Sign(_c.Operator, message)];
    }
}

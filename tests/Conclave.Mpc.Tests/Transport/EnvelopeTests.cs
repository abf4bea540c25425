using System.Text;
using Conclave.Mpc.Transport;
using Conclave.Threshold;
using NSec.Cryptography;

namespace Conclave.Mpc.Tests.Transport;

public sealed class EnvelopeTests : IDisposable
{
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("round 1 package for node-b");

    private readonly TestCluster _c = new();

    public void Dispose() => _c.Dispose();

    [Fact]
    public void An_envelope_from_a_to_b_opens_at_b_with_its_session_round_sender_sequence_and_payload()
    {
        var envelope = EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 2, 7, Payload);

        Assert.True(_c.OpenerB.TryOpen(envelope, out var message, out var reason));

        using (message)
        {
            Assert.Equal(DropReason.None, reason);
            Assert.Equal(_c.Session, message.Session);
            Assert.Equal(2, message.Round);
            Assert.Equal("node-a", message.Sender);
            Assert.Equal("node-b", message.Recipient);
            Assert.Equal(7UL, message.Sequence);
            Assert.Equal(Payload, message.Payload.ToArray());
        }

        Assert.Equal(1, _c.OpenerB.OpenedCount);
        Assert.All(_c.OpenerB.DropCounts.Values, v => Assert.Equal(0, v));
    }

    [Fact]
    public void The_payload_does_not_appear_in_the_envelope()
    {
        var envelope = EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 1, 0, Payload);

        Assert.Equal(-1, envelope.AsSpan().IndexOf(Payload.AsSpan(0, 8)));
    }

    [Fact]
    public void An_empty_payload_round_trips()
    {
        var envelope = EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 0, 0, []);

        Assert.True(_c.OpenerB.TryOpen(envelope, out var message, out _));
        Assert.Equal(0, message.Payload.Length);
    }

    [Fact]
    public void Disposing_an_opened_message_wipes_its_payload()
    {
        var envelope = EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 1, 0, Payload);
        Assert.True(_c.OpenerB.TryOpen(envelope, out var message, out _));
        var memory = message.Payload;

        message.Dispose();

        Assert.All(memory.ToArray(), b => Assert.Equal(0, b));
        Assert.Throws<ObjectDisposedException>(() => message.Payload);
    }

    [Fact]
    public void Two_envelopes_of_the_same_payload_differ_in_ephemeral_key_nonce_and_ciphertext()
    {
        var first = EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 1, 3, Payload);
        var second = EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 1, 3, Payload);
        var h = HeaderLength(_c.A, _c.B);

        Assert.Equal(first.AsSpan(0, h).ToArray(), second.AsSpan(0, h).ToArray());
        Assert.NotEqual(first.AsSpan(h, 32).ToArray(), second.AsSpan(h, 32).ToArray());
        Assert.NotEqual(first.AsSpan(h + 32, 12).ToArray(), second.AsSpan(h + 32, 12).ToArray());
        Assert.NotEqual(first.AsSpan(h + 44, Payload.Length).ToArray(), second.AsSpan(h + 44, Payload.Length).ToArray());
    }

    [Fact]
    public void An_envelope_signed_by_c_but_claiming_to_come_from_b_is_dropped_as_bad_signature()
    {
        using var keys = _c.C.ExportPrivateKeys();
        using var impostor = NodeIdentity.Import("node-b", keys.Span);
        var forged = EnvelopeSealer.Seal(impostor, _c.A.PublicIdentity, _c.Session, 1, 0, Payload);

        TestCluster.AssertDroppedOnce(_c.OpenerA, forged, DropReason.BadSignature);
    }

    [Fact]
    public void A_replayed_envelope_is_dropped_as_replay()
    {
        var envelope = EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 1, 42, Payload);
        Assert.True(_c.OpenerB.TryOpen(envelope, out _, out _));

        TestCluster.AssertDroppedOnce(_c.OpenerB, envelope, DropReason.Replay);
    }

    [Fact]
    public void A_fresh_envelope_reusing_an_accepted_sequence_is_dropped_as_replay()
    {
        Assert.True(_c.OpenerB.TryOpen(EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 1, 42, Payload), out _, out _));
        var again = EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 2, 42, Payload);

        TestCluster.AssertDroppedOnce(_c.OpenerB, again, DropReason.Replay);
    }

    [Fact]
    public void The_same_sequence_from_another_sender_or_in_another_session_is_not_a_replay()
    {
        var other = SessionId.Random();
        _c.OpenerB.AddSession(other);

        Assert.True(_c.OpenerB.TryOpen(EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 1, 5, Payload), out _, out _));
        Assert.True(_c.OpenerB.TryOpen(EnvelopeSealer.Seal(_c.C, _c.B.PublicIdentity, _c.Session, 1, 5, Payload), out _, out _));
        Assert.True(_c.OpenerB.TryOpen(EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, other, 1, 5, Payload), out _, out _));
    }

    [Fact]
    public void An_envelope_for_an_unknown_session_is_dropped_as_foreign_session()
    {
        var envelope = EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, SessionId.Random(), 1, 0, Payload);

        TestCluster.AssertDroppedOnce(_c.OpenerB, envelope, DropReason.ForeignSession);
    }

    [Fact]
    public void An_envelope_for_a_closed_session_is_dropped_as_foreign_session_and_the_session_cannot_be_reopened()
    {
        var envelope = EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 1, 0, Payload);
        Assert.True(_c.OpenerB.CloseSession(_c.Session));

        TestCluster.AssertDroppedOnce(_c.OpenerB, envelope, DropReason.ForeignSession);
        Assert.Throws<InvalidOperationException>(() => _c.OpenerB.AddSession(_c.Session));
    }

    [Fact]
    public void An_envelope_from_a_node_with_valid_keys_that_is_not_listed_is_dropped_as_unknown_sender()
    {
        using var outsider = NodeIdentity.Create("node-d");
        var envelope = EnvelopeSealer.Seal(outsider, _c.B.PublicIdentity, _c.Session, 1, 0, Payload);

        TestCluster.AssertDroppedOnce(_c.OpenerB, envelope, DropReason.UnknownSender);
    }

    [Fact]
    public void An_envelope_addressed_to_b_is_dropped_at_c_as_wrong_recipient()
    {
        var envelope = EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 1, 0, Payload);

        TestCluster.AssertDroppedOnce(_c.OpenerC, envelope, DropReason.WrongRecipient);
    }

    [Fact]
    public void A_sequence_a_full_window_behind_the_highest_is_dropped_as_out_of_window_and_one_less_is_accepted()
    {
        const ulong highest = 5000;
        Assert.True(_c.OpenerB.TryOpen(EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 1, highest, Payload), out _, out _));

        var tooOld = EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 1, highest - EnvelopeOpener.ReplayWindowSize, Payload);
        TestCluster.AssertDroppedOnce(_c.OpenerB, tooOld, DropReason.OutOfWindow);

        var oldest = EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 1, highest - EnvelopeOpener.ReplayWindowSize + 1, Payload);
        Assert.True(_c.OpenerB.TryOpen(oldest, out _, out var reason), reason.ToString());
    }

    [Fact]
    public void Sequences_that_left_the_window_and_came_back_into_its_slots_are_not_mistaken_for_replays()
    {
        // 3 and 3 + window share a bitmap slot; accepting the later one must not mark the earlier as seen, and vice versa.
        Assert.True(_c.OpenerB.TryOpen(EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 1, 3, Payload), out _, out _));
        Assert.True(_c.OpenerB.TryOpen(EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 1, 3 + EnvelopeOpener.ReplayWindowSize, Payload), out _, out _));
        Assert.True(_c.OpenerB.TryOpen(EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 1, 4, Payload), out _, out var reason), reason.ToString());

        TestCluster.AssertDroppedOnce(_c.OpenerB, EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 1, 3, Payload), DropReason.OutOfWindow);
    }

    public static TheoryData<string> TamperedRegions => ["round", "sequence", "ephemeral key", "nonce", "ciphertext", "tag", "signature"];

    [Theory]
    [MemberData(nameof(TamperedRegions))]
    public void A_tampered_byte_anywhere_the_signature_covers_is_dropped_as_bad_signature_before_decryption(string region)
    {
        var envelope = EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 1, 9, Payload);
        envelope[Offset(envelope, region)] ^= 0x01;

        TestCluster.AssertDroppedOnce(_c.OpenerB, envelope, DropReason.BadSignature);
    }

    [Theory]
    [InlineData("ephemeral key")]
    [InlineData("nonce")]
    [InlineData("ciphertext")]
    [InlineData("tag")]
    public void A_tampered_body_re_signed_by_the_listed_sender_is_dropped_as_decryption_failed(string region)
    {
        var envelope = EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 1, 9, Payload);
        envelope[Offset(envelope, region)] ^= 0x01;
        EnvelopeFormat.Sign(_c.A, envelope);

        TestCluster.AssertDroppedOnce(_c.OpenerB, envelope, DropReason.DecryptionFailed);
    }

    [Fact]
    public void An_envelope_a_listed_sender_encrypted_to_the_wrong_key_is_dropped_as_decryption_failed()
    {
        using var otherKey = Key.Create(KeyAgreementAlgorithm.X25519);
        var wrongB = new NodePublicIdentity("node-b", _c.B.PublicIdentity.SigningPublicKey, otherKey.PublicKey.Export(KeyBlobFormat.RawPublicKey));
        var envelope = EnvelopeSealer.Seal(_c.A, wrongB, _c.Session, 1, 0, Payload);

        TestCluster.AssertDroppedOnce(_c.OpenerB, envelope, DropReason.DecryptionFailed);
    }

    [Fact]
    public void A_failed_decryption_does_not_consume_the_sequence()
    {
        var good = EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 1, 9, Payload);
        var bad = (byte[])good.Clone();
        bad[Offset(bad, "tag")] ^= 0x01;
        EnvelopeFormat.Sign(_c.A, bad);
        TestCluster.AssertDroppedOnce(_c.OpenerB, bad, DropReason.DecryptionFailed);

        Assert.True(_c.OpenerB.TryOpen(good, out _, out var reason), reason.ToString());
    }

    [Fact]
    public void A_header_naming_an_unlisted_sender_is_dropped_as_unknown_sender()
    {
        var envelope = EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 1, 0, Payload);
        var senderAt = 1 + 1 + 32 + 4 + 1;
        Assert.Equal("node-a"u8.ToArray(), envelope.AsSpan(senderAt, 6).ToArray());
        envelope[senderAt + 5] = (byte)'x';

        TestCluster.AssertDroppedOnce(_c.OpenerB, envelope, DropReason.UnknownSender);
    }

    [Fact]
    public void Truncated_or_garbage_input_is_dropped_as_malformed_without_throwing()
    {
        var envelope = EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 1, 0, Payload);

        TestCluster.AssertDroppedOnce(_c.OpenerB, [], DropReason.Malformed);
        TestCluster.AssertDroppedOnce(_c.OpenerB, envelope[..40], DropReason.Malformed);
        TestCluster.AssertDroppedOnce(_c.OpenerB, envelope[..(HeaderLength(_c.A, _c.B) + 100)], DropReason.Malformed);
        var badSessionLength = (byte[])envelope.Clone();
        badSessionLength[1] = 200;
        TestCluster.AssertDroppedOnce(_c.OpenerB, badSessionLength, DropReason.Malformed);
    }

    [Fact]
    public void An_unknown_version_byte_is_dropped_as_unsupported_version()
    {
        var envelope = EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, 1, 0, Payload);
        envelope[0] = 2;

        TestCluster.AssertDroppedOnce(_c.OpenerB, envelope, DropReason.UnsupportedVersion);
    }

    [Fact]
    public void An_opener_refuses_an_identity_the_membership_does_not_list()
    {
        using var outsider = NodeIdentity.Create("node-d");
        using var keys = _c.A.ExportPrivateKeys();
        using var sameIdOtherKeys = NodeIdentity.Create("node-a");

        Assert.Throws<ArgumentException>(() => new EnvelopeOpener(outsider, _c.Membership));
        Assert.Throws<ArgumentException>(() => new EnvelopeOpener(sameIdOtherKeys, _c.Membership));
    }

    [Fact]
    public void Seal_refuses_a_negative_round_and_a_default_session()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, _c.Session, -1, 0, Payload));
        Assert.Throws<ArgumentException>(() => EnvelopeSealer.Seal(_c.A, _c.B.PublicIdentity, default, 1, 0, Payload));
    }

    private static int HeaderLength(NodeIdentity sender, NodeIdentity recipient) =>
        1 + 1 + 32 + 4 + 1 + sender.NodeId.Length + 1 + recipient.NodeId.Length + 8;

    private int Offset(byte[] envelope, string region)
    {
        var h = HeaderLength(_c.A, _c.B);
        return region switch
        {
            "round" => 1 + 1 + 32 + 3,
            "sequence" => h - 1,
            "ephemeral key" => h + 5,
            "nonce" => h + 32 + 3,
            "ciphertext" => h + 44 + 2,
            "tag" => envelope.Length - 64 - 16 + 4,
            "signature" => envelope.Length - 10,
            _ => throw new ArgumentOutOfRangeException(nameof(region)),
        };
    }
}

using System.Security.Cryptography;
using Conclave.Crypto.Groups;
using Conclave.Mpc.Sessions;
using Conclave.Threshold;
using Conclave.Threshold.Cggmp.AuxInfo;
using Conclave.Threshold.Cggmp.Keygen;
using Conclave.Threshold.Cggmp.Presign;
using Conclave.Threshold.Frost.Keys;

namespace Conclave.Mpc.Tests.Sessions;

public sealed class CggmpSessionPayloadTests
{
    private static readonly SessionId Session = SessionId.Random();
    private static readonly ParticipantId Sender = new(2);
    private static readonly ParticipantId Self = new(3);

    [Fact]
    public void Every_message_kind_round_trips_with_session_and_sender_taken_from_the_envelope()
    {
        var commit = new KeygenCommitMessage(Session, Sender, Bytes(32));
        AssertRecord(commit, CggmpPayload.DecodeKeygenCommit(Body(CggmpPayload.Encode(commit), CggmpPayload.KeygenCommit), Session, Sender));

        var echo = new KeygenEchoMessage(Session, Sender, [Bytes(32), Bytes(32), Bytes(0)]);
        var echoBack = CggmpPayload.DecodeKeygenEcho(Body(CggmpPayload.Encode(echo), CggmpPayload.KeygenEcho), Session, Sender);
        Assert.Equal(echo.Commitments, echoBack.Commitments);

        var g = Secp256k1Group.Instance;
        var reveal = new KeygenRevealMessage(Session, Sender, Bytes(32), new VssCommitment([g.MultiplyBase(Scalar()), g.MultiplyBase(Scalar())]), g.MultiplyBase(Scalar()), Bytes(32));
        var revealBack = CggmpPayload.DecodeKeygenReveal(Body(CggmpPayload.Encode(reveal), CggmpPayload.KeygenReveal), Session, Sender);
        Assert.Equal(reveal.Rid, revealBack.Rid);
        Assert.Equal(reveal.Nonce, revealBack.Nonce);
        Assert.Equal(reveal.SchnorrCommitment, revealBack.SchnorrCommitment);
        Assert.Equal(reveal.Coefficients.Coefficients, revealBack.Coefficients.Coefficients);

        var secret = Scalar();
        using var share = new KeygenShareMessage(Session, Sender, Self, secret);
        var sharePayload = CggmpPayload.Encode(share);
        using var shareBack = CggmpPayload.DecodeKeygenShare(Body(sharePayload, CggmpPayload.KeygenShare), Session, Sender, Self);
        var copy = new byte[shareBack.ShareLength];
        shareBack.CopyShareTo(copy);
        Assert.Equal(secret, copy);
        Assert.Equal((Session, Sender, Self), (shareBack.Session, shareBack.Sender, shareBack.Recipient));

        var proof = new KeygenProofMessage(Session, Sender, Bytes(32));
        AssertRecord(proof, CggmpPayload.DecodeKeygenProof(Body(CggmpPayload.Encode(proof), CggmpPayload.KeygenProof), Session, Sender));

        var auxReveal = new AuxRevealMessage(Session, Sender, Bytes(256), Bytes(256), Bytes(256), Bytes(4000), Bytes(32), Bytes(32));
        AssertRecord(auxReveal, CggmpPayload.DecodeAuxReveal(Body(CggmpPayload.Encode(auxReveal), CggmpPayload.AuxReveal), Session, Sender));

        var auxProof = new AuxProofMessage(Session, Sender, Self, Bytes(5000), Bytes(700));
        AssertRecord(auxProof, CggmpPayload.DecodeAuxProof(Body(CggmpPayload.Encode(auxProof), CggmpPayload.AuxProof), Session, Sender, Self));

        var round1 = new PresignRound1Message(Session, Sender, Self, Bytes(512), Bytes(512), Bytes(900));
        AssertRecord(round1, CggmpPayload.DecodePresignRound1(Body(CggmpPayload.Encode(round1), CggmpPayload.PresignRound1), Session, Sender, Self));

        var round2 = new PresignRound2Message(Session, Sender, Self, Bytes(33), Bytes(512), Bytes(512), Bytes(512), Bytes(512), Bytes(1500), Bytes(1500), Bytes(700), [Bytes(32), Bytes(32)]);
        var round2Back = CggmpPayload.DecodePresignRound2(Body(CggmpPayload.Encode(round2), CggmpPayload.PresignRound2), Session, Sender, Self);
        Assert.Equal(CggmpPayload.Encode(round2), CggmpPayload.Encode(round2Back));
        Assert.Equal(round2.Echo, round2Back.Echo);

        var round3 = new PresignRound3Message(Session, Sender, Self, Bytes(32), Bytes(33), Bytes(33), Bytes(700), [Bytes(33), Bytes(33)]);
        var round3Back = CggmpPayload.DecodePresignRound3(Body(CggmpPayload.Encode(round3), CggmpPayload.PresignRound3), Session, Sender, Self);
        Assert.Equal(CggmpPayload.Encode(round3), CggmpPayload.Encode(round3Back));

        var partial = new PartialSignature(Sender, Scalar());
        var partialBack = CggmpPayload.DecodePartialSignature(Body(CggmpPayload.Encode(partial), CggmpPayload.PartialSignature), Sender);
        Assert.Equal(partial.Sigma, partialBack.Sigma);
        Assert.Equal(Sender, partialBack.Signer);
    }

    [Fact]
    public void Truncated_trailing_wrong_version_and_oversized_payloads_are_refused()
    {
        var payload = CggmpPayload.Encode(new PresignRound1Message(Session, Sender, Self, Bytes(64), Bytes(64), Bytes(64)));
        PresignRound1Message Decode(byte[] p) => CggmpPayload.DecodePresignRound1(Body(p, CggmpPayload.PresignRound1), Session, Sender, Self);

        Assert.Throws<FormatException>(() => Decode(payload[..^1]));
        Assert.Throws<FormatException>(() => Decode([.. payload, 0]));
        Assert.Throws<FormatException>(() => Decode(payload[..2]));
        var badVersion = (byte[])payload.Clone();
        badVersion[1] = 2;
        Assert.Throws<FormatException>(() => Decode(badVersion));
        var oversized = (byte[])payload.Clone();
        oversized[4] = 0xff; // the first length field: 0xff000040
        Assert.Throws<FormatException>(() => Decode(oversized));
        Assert.Throws<FormatException>(() => CggmpPayload.DecodePartialSignature(Body(CggmpPayload.Encode(new PartialSignature(Sender, Scalar()))[..^1], CggmpPayload.PartialSignature), Sender));
    }

    [Fact]
    public void An_identification_message_round_trips_and_a_malformed_one_is_refused()
    {
        var first = new ParticipantId(1);
        var message = new PresignIdentificationMessage(
            Session, Sender, Self, Bytes(512), Bytes(900),
            [new PresignMtaClaim(first, Bytes(512), Bytes(512)), new PresignMtaClaim(Self, Bytes(512), Bytes(0))],
            [new PresignMtaClaim(first, Bytes(512), Bytes(512)), new PresignMtaClaim(Self, Bytes(1), Bytes(512))],
            [Bytes(700)],
            Bytes(800));
        var payload = CggmpPayload.Encode(message);
        PresignIdentificationMessage Decode(byte[] p) => CggmpPayload.DecodePresignIdentification(Body(p, CggmpPayload.PresignIdentification), Session, Sender, Self);

        var back = Decode(payload);
        AssertRecord(message, back);
        Assert.Equal(message.Recipient, back.Recipient);
        Assert.Equal(message.H, back.H);
        Assert.Equal(message.MulProof, back.MulProof);
        Assert.Equal(message.DecProof, back.DecProof);
        Assert.Equal(message.AffineProofs, back.AffineProofs);
        foreach (var (expected, actual) in message.Sent.Concat(message.Received).Zip(back.Sent.Concat(back.Received)))
        {
            Assert.Equal(expected.Peer, actual.Peer);
            Assert.Equal(expected.D, actual.D);
            Assert.Equal(expected.F, actual.F);
        }

        Assert.Throws<FormatException>(() => Decode(payload[..^1]));
        Assert.Throws<FormatException>(() => Decode([.. payload, 0]));
        var toOther = CggmpPayload.Encode(message with { Recipient = first });
        Assert.Throws<FormatException>(() => Decode(toOther));

        // kind ‖ version ‖ recipient ‖ H (4 + 512) ‖ Π^mul (4 + 900) ‖ count:u16 ‖ first peer:u16
        var countAt = 4 + 4 + 512 + 4 + 900;
        var tooMany = (byte[])payload.Clone();
        tooMany[countAt] = 0xff;
        Assert.Throws<FormatException>(() => Decode(tooMany));
        var zeroPeer = (byte[])payload.Clone();
        zeroPeer[countAt + 2] = 0;
        zeroPeer[countAt + 3] = 0;
        Assert.Throws<FormatException>(() => Decode(zeroPeer));

        // Through the session parser: a malformed identification message aborts naming its sender.
        var abort = Assert.Throws<ProtocolAbortException>(() => SessionPayload.Body(CggmpPayload.EncodePresignStatus(identify: true), CggmpPayload.PresignIdentification, Sender));
        Assert.Equal([Sender], abort.Culprits);
    }

    [Fact]
    public void A_chi_identification_message_round_trips_and_a_malformed_one_is_refused()
    {
        var first = new ParticipantId(1);
        var message = new PresignChiIdentificationMessage(
            Session, Sender, Self, Scalar(), Bytes(512),
            [new PresignMtaClaim(first, Bytes(512), Bytes(512)), new PresignMtaClaim(Self, Bytes(512), Bytes(0))],
            [new PresignMtaClaim(first, Bytes(512), Bytes(512)), new PresignMtaClaim(Self, Bytes(1), Bytes(512))],
            [Bytes(700)],
            Bytes(900),
            Bytes(800));
        var payload = CggmpPayload.Encode(message);
        PresignChiIdentificationMessage Decode(byte[] p) => CggmpPayload.DecodePresignChiIdentification(Body(p, CggmpPayload.PresignChiIdentification), Session, Sender, Self);

        var back = Decode(payload);
        AssertRecord(message, back);
        Assert.Equal(message.Recipient, back.Recipient);
        Assert.Equal(message.Sigma, back.Sigma);
        Assert.Equal(message.HHat, back.HHat);
        Assert.Equal(message.MulStarProof, back.MulStarProof);
        Assert.Equal(message.DecProof, back.DecProof);
        Assert.Equal(message.AffineProofs, back.AffineProofs);
        foreach (var (expected, actual) in message.Sent.Concat(message.Received).Zip(back.Sent.Concat(back.Received)))
        {
            Assert.Equal(expected.Peer, actual.Peer);
            Assert.Equal(expected.D, actual.D);
            Assert.Equal(expected.F, actual.F);
        }

        Assert.Throws<FormatException>(() => Decode(payload[..^1]));
        Assert.Throws<FormatException>(() => Decode([.. payload, 0]));
        Assert.Throws<FormatException>(() => Decode(CggmpPayload.Encode(message with { Recipient = first })));

        // A δ identification message is not a χ one: the session parser names the sender.
        var abort = Assert.Throws<ProtocolAbortException>(() => SessionPayload.Body(CggmpPayload.EncodePresignStatus(PresignOutputCheck.Chi), CggmpPayload.PresignChiIdentification, Sender));
        Assert.Equal([Sender], abort.Culprits);
    }

    [Fact]
    public void A_presign_status_round_trips_and_an_unknown_status_is_refused()
    {
        Assert.True(CggmpPayload.DecodePresignStatus(Body(CggmpPayload.EncodePresignStatus(identify: true), CggmpPayload.PresignStatus)));
        Assert.False(CggmpPayload.DecodePresignStatus(Body(CggmpPayload.EncodePresignStatus(identify: false), CggmpPayload.PresignStatus)));
        Assert.Throws<FormatException>(() => CggmpPayload.DecodePresignStatus([CggmpPayload.Version, 3]));
        foreach (var check in new[] { PresignOutputCheck.None, PresignOutputCheck.Delta, PresignOutputCheck.Chi })
        {
            Assert.Equal(check, CggmpPayload.DecodePresignStatusCheck(Body(CggmpPayload.EncodePresignStatus(check), CggmpPayload.PresignStatus)));
        }

        Assert.True(CggmpPayload.DecodePresignStatus(Body(CggmpPayload.EncodePresignStatus(PresignOutputCheck.Chi), CggmpPayload.PresignStatus)));
        Assert.Throws<FormatException>(() => CggmpPayload.DecodePresignStatus([CggmpPayload.Version, 1, 0]));
        Assert.Throws<FormatException>(() => CggmpPayload.DecodePresignStatus([CggmpPayload.Version]));
    }

    [Fact]
    public void A_point_to_point_message_addressed_to_another_participant_is_refused()
    {
        var payload = CggmpPayload.Encode(new AuxProofMessage(Session, Sender, new ParticipantId(1), Bytes(8), Bytes(8)));
        Assert.Throws<FormatException>(() => CggmpPayload.DecodeAuxProof(Body(payload, CggmpPayload.AuxProof), Session, Sender, Self));
    }

    [Fact]
    public void A_payload_of_the_wrong_kind_aborts_naming_the_sender()
    {
        var payload = CggmpPayload.Encode(new KeygenProofMessage(Session, Sender, Bytes(32)));
        var abort = Assert.Throws<ProtocolAbortException>(() => SessionPayload.Body(payload, CggmpPayload.KeygenCommit, Sender));
        Assert.Equal([Sender], abort.Culprits);
        Assert.Throws<ProtocolAbortException>(() => SessionPayload.Body([], CggmpPayload.KeygenCommit, Sender));
    }

    [Fact]
    public void Derived_session_ids_are_deterministic_and_distinct_per_sub_protocol()
    {
        var session = SessionId.Random();
        Assert.Equal(CggmpSessionIds.AuxInfo(session), CggmpSessionIds.AuxInfo(new SessionId(session.Bytes)));
        Assert.NotEqual(CggmpSessionIds.AuxInfo(session), CggmpSessionIds.Presign(session));
        Assert.NotEqual(session, CggmpSessionIds.AuxInfo(session));
        Assert.NotEqual(CggmpSessionIds.Presign(session), CggmpSessionIds.Presign(SessionId.Random()));
    }

    private static byte[] Body(byte[] payload, byte kind) => SessionPayload.Body(payload, kind, Sender).ToArray();

    private static byte[] Bytes(int length) => RandomNumberGenerator.GetBytes(length);

    private static byte[] Scalar()
    {
        var s = new byte[32];
        Secp256k1Group.Instance.RandomScalar(Conclave.Crypto.Random.SystemRandomSource.Instance, s);
        return s;
    }

    /// <summary>Records compare byte arrays by reference: compare their encodings instead.</summary>
    private static void AssertRecord(ProtocolMessage expected, ProtocolMessage actual)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        Assert.Equal(expected.Session, actual.Session);
        Assert.Equal(expected.Sender, actual.Sender);
        Assert.Equal(Reencode(expected), Reencode(actual));
    }

    private static byte[] Reencode(ProtocolMessage m) => m switch
    {
        KeygenCommitMessage x => CggmpPayload.Encode(x),
        KeygenProofMessage x => CggmpPayload.Encode(x),
        AuxRevealMessage x => CggmpPayload.Encode(x),
        AuxProofMessage x => CggmpPayload.Encode(x),
        PresignRound1Message x => CggmpPayload.Encode(x),
        PresignIdentificationMessage x => CggmpPayload.Encode(x),
        PresignChiIdentificationMessage x => CggmpPayload.Encode(x),
        _ => throw new ArgumentException("not covered", nameof(m)),
    };
}

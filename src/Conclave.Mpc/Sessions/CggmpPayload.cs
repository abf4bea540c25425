using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Conclave.Crypto.Groups;
using Conclave.Threshold;
using Conclave.Threshold.Cggmp.AuxInfo;
using Conclave.Threshold.Cggmp.Keygen;
using Conclave.Threshold.Cggmp.Presign;
using Conclave.Threshold.Frost.Keys;

namespace Conclave.Mpc.Sessions;

/// <summary>
/// Session payloads of the CGGMP21 sessions (docs/design/cggmp-sessions.md): <c>kind:u8 ‖ version:u8 (1) ‖ fields</c>.
/// Byte strings are <c>len:u32be ‖ bytes</c> (at most <see cref="MaxFieldLength"/>), lists are
/// <c>count:u16be ‖ count × byte string</c> (at most <see cref="MaxListCount"/>), participant ids are
/// <c>u16be</c> (non-zero), points are 33-byte compressed secp256k1, scalars 32 bytes. Session and
/// sender are not on the wire: they come from the authenticated envelope. A point-to-point message
/// carries its recipient, which must be the receiving participant. Parsing is strict: a wrong
/// version, a short body, an oversized field or trailing bytes are a <see cref="FormatException"/>.
/// </summary>
internal static class CggmpPayload
{
    internal const byte KeygenCommit = 0x21;
    internal const byte KeygenEcho = 0x22;
    internal const byte KeygenReveal = 0x23;
    internal const byte KeygenShare = 0x24;
    internal const byte KeygenProof = 0x25;
    internal const byte AuxCommit = 0x31;
    internal const byte AuxEcho = 0x32;
    internal const byte AuxReveal = 0x33;
    internal const byte AuxProof = 0x34;
    internal const byte PresignRound1 = 0x41;
    internal const byte PresignRound2 = 0x42;
    internal const byte PresignRound3 = 0x43;
    internal const byte PartialSignature = 0x44;
    internal const byte PresignIdentification = 0x45;
    internal const byte PresignStatus = 0x46;
    internal const byte PresignChiIdentification = 0x47;

    /// <summary><see cref="EchoBroadcast"/>: a round payload carried with its sender's signed statement.</summary>
    internal const byte SignedStatement = 0x4E;

    /// <summary><see cref="EchoBroadcast"/>: the echo of every signed statement received in the round.</summary>
    internal const byte StatementEcho = 0x4F;

    /// <summary><see cref="PresignStatus"/>'s status byte: this signer made its presignature.</summary>
    internal const byte StatusPresigned = 0;

    /// <summary><see cref="PresignStatus"/>'s status byte: this signer's δ·G = ΣΔ_j check failed; identify.</summary>
    internal const byte StatusIdentify = 1;

    /// <summary><see cref="PresignStatus"/>'s status byte: δ·G = ΣΔ_j held but this signer's δ·X = ΣS_j check failed; identify (χ round).</summary>
    internal const byte StatusIdentifyChi = 2;

    /// <summary>The body version every kind starts with.</summary>
    internal const byte Version = 1;

    /// <summary>The largest byte string accepted (1 MiB; the largest real field, Π^mod, is some 40 KiB).</summary>
    internal const int MaxFieldLength = 1 << 20;

    /// <summary>The most items in a list (echoes have one per party; parties are at most 1024 cluster members).</summary>
    internal const int MaxListCount = 1024;

    /// <summary>The most VSS coefficients (t ≤ n ≤ <see cref="MaxListCount"/>).</summary>
    internal const int MaxCoefficients = MaxListCount;

    private const int ScalarLength = 32;
    private const int PointLength = 33;

    private static Secp256k1Group Group => Secp256k1Group.Instance;

    // ---- encoding ----

    internal static byte[] Encode(KeygenCommitMessage m) => new Writer(KeygenCommit).Bytes(m.Commitment).ToArray();

    internal static byte[] Encode(KeygenEchoMessage m) => new Writer(KeygenEcho).List(m.Commitments).ToArray();

    internal static byte[] Encode(KeygenRevealMessage m)
    {
        // A refresh's constant term commits to zero: the identity, written as 33 zero bytes (no
        // valid compressed point is all zero). Keygen constant terms are never the identity.
        var w = new Writer(KeygenReveal).Bytes(m.Rid).U16(m.Coefficients.Coefficients.Count);
        var coefficients = m.Coefficients.Coefficients;
        w.Fixed(coefficients[0].IsIdentity ? new byte[PointLength] : Group.SerializeElement(coefficients[0]));
        foreach (var c in coefficients.Skip(1))
        {
            w.Point(c);
        }

        return w.Point(m.SchnorrCommitment).Bytes(m.Nonce).ToArray();
    }

    /// <summary>
    /// <c>kind ‖ version ‖ recipient:u16 ‖ share:32</c>. SECRET: the caller wipes the result once
    /// sealed (it is pinned so no copy is left behind by the collector).
    /// </summary>
    internal static byte[] Encode(KeygenShareMessage m)
    {
        if (m.ShareLength != ScalarLength)
        {
            throw new InternalInvariantException("A keygen share is a 32-byte scalar.");
        }

        var payload = GC.AllocateArray<byte>(4 + ScalarLength, pinned: true);
        payload[0] = KeygenShare;
        payload[1] = Version;
        BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(2), m.Recipient.Value);
        m.CopyShareTo(payload.AsSpan(4));
        return payload;
    }

    internal static byte[] Encode(KeygenProofMessage m) => new Writer(KeygenProof).Bytes(m.Response).ToArray();

    internal static byte[] Encode(AuxCommitMessage m) => new Writer(AuxCommit).Bytes(m.Commitment).ToArray();

    internal static byte[] Encode(AuxEchoMessage m) => new Writer(AuxEcho).List(m.Commitments).ToArray();

    internal static byte[] Encode(AuxRevealMessage m) =>
        new Writer(AuxReveal).Bytes(m.Modulus).Bytes(m.S).Bytes(m.T).Bytes(m.ParametersProof).Bytes(m.Rho).Bytes(m.Nonce).ToArray();

    internal static byte[] Encode(AuxProofMessage m) =>
        new Writer(AuxProof).U16(m.Recipient.Value).Bytes(m.ModulusProof).Bytes(m.FactorProof).ToArray();

    internal static byte[] Encode(PresignRound1Message m) =>
        new Writer(PresignRound1).U16(m.Recipient.Value).Bytes(m.K).Bytes(m.G).Bytes(m.EncProof).ToArray();

    internal static byte[] Encode(PresignRound2Message m) =>
        new Writer(PresignRound2).U16(m.Recipient.Value).Bytes(m.Gamma).Bytes(m.D).Bytes(m.F).Bytes(m.DHat).Bytes(m.FHat)
            .Bytes(m.AffineProof).Bytes(m.AffineProofHat).Bytes(m.LogStarProof).List(m.Echo).ToArray();

    internal static byte[] Encode(PresignRound3Message m) =>
        new Writer(PresignRound3).U16(m.Recipient.Value).Bytes(m.Delta).Bytes(m.BigDelta).Bytes(m.S).Bytes(m.LogStarProof).List(m.GammaEcho).ToArray();

    internal static byte[] Encode(PresignIdentificationMessage m)
    {
        var w = new Writer(PresignIdentification).U16(m.Recipient.Value).Bytes(m.H).Bytes(m.MulProof);
        WriteClaims(w, m.Sent);
        WriteClaims(w, m.Received);
        return w.List(m.AffineProofs).Bytes(m.DecProof).ToArray();
    }

    private static void WriteClaims(Writer w, IReadOnlyList<PresignMtaClaim> claims)
    {
        if (claims.Count > MaxListCount)
        {
            throw new InternalInvariantException($"A list of {claims.Count} items exceeds the payload limit.");
        }

        w.U16(claims.Count);
        foreach (var c in claims)
        {
            w.U16(c.Peer.Value).Bytes(c.D).Bytes(c.F);
        }
    }

    internal static byte[] EncodePresignStatus(bool identify) => EncodePresignStatus(identify ? PresignOutputCheck.Delta : PresignOutputCheck.None);

    /// <summary>The status for this signer's failed output check (<see cref="PresignOutputCheck.None"/>: presignature made).</summary>
    internal static byte[] EncodePresignStatus(PresignOutputCheck failed) => new Writer(PresignStatus).Fixed([failed switch
    {
        PresignOutputCheck.None => StatusPresigned,
        PresignOutputCheck.Delta => StatusIdentify,
        PresignOutputCheck.Chi => StatusIdentifyChi,
        _ => throw new ArgumentOutOfRangeException(nameof(failed)),
    }]).ToArray();

    /// <summary>The χ identification round's message (<see cref="PresignChiIdentificationMessage"/>).</summary>
    internal static byte[] Encode(PresignChiIdentificationMessage m)
    {
        var w = new Writer(PresignChiIdentification).U16(m.Recipient.Value).Fixed(m.Sigma).Bytes(m.HHat);
        WriteClaims(w, m.Sent);
        WriteClaims(w, m.Received);
        return w.List(m.AffineProofs).Bytes(m.MulStarProof).Bytes(m.DecProof).ToArray();
    }

    internal static byte[] Encode(PartialSignature m)
    {
        if (m.Sigma.Length != ScalarLength)
        {
            throw new InternalInvariantException("A partial signature is a 32-byte scalar.");
        }

        return new Writer(PartialSignature).Fixed(m.Sigma).ToArray();
    }

    // ---- decoding (body = the payload after its kind byte) ----

    internal static KeygenCommitMessage DecodeKeygenCommit(ReadOnlySpan<byte> body, SessionId session, ParticipantId sender)
    {
        var r = new Reader(body);
        var commitment = r.Bytes();
        r.End();
        return new KeygenCommitMessage(session, sender, commitment);
    }

    internal static KeygenEchoMessage DecodeKeygenEcho(ReadOnlySpan<byte> body, SessionId session, ParticipantId sender)
    {
        var r = new Reader(body);
        var list = r.List();
        r.End();
        return new KeygenEchoMessage(session, sender, list);
    }

    internal static KeygenRevealMessage DecodeKeygenReveal(ReadOnlySpan<byte> body, SessionId session, ParticipantId sender)
    {
        var r = new Reader(body);
        var rid = r.Bytes();
        var count = r.U16();
        if (count is 0 or > MaxCoefficients)
        {
            throw new FormatException($"A VSS commitment has 1 to {MaxCoefficients} coefficients, not {count}.");
        }

        var coefficients = new Element[count];
        coefficients[0] = r.PointOrZeroIdentity();
        for (var i = 1; i < count; i++)
        {
            coefficients[i] = r.Point();
        }

        var schnorr = r.Point();
        var nonce = r.Bytes();
        r.End();

        // The state machine checks the constant term: the identity for a refresh, never for a keygen.
        return new KeygenRevealMessage(session, sender, rid, VssCommitment.FromRefresh(coefficients), schnorr, nonce);
    }

    internal static KeygenShareMessage DecodeKeygenShare(ReadOnlySpan<byte> body, SessionId session, ParticipantId sender, ParticipantId self)
    {
        var r = new Reader(body);
        var recipient = r.Recipient(self);
        var share = r.Fixed(ScalarLength);
        r.End();
        return new KeygenShareMessage(session, sender, recipient, share);
    }

    internal static KeygenProofMessage DecodeKeygenProof(ReadOnlySpan<byte> body, SessionId session, ParticipantId sender)
    {
        var r = new Reader(body);
        var response = r.Bytes();
        r.End();
        return new KeygenProofMessage(session, sender, response);
    }

    internal static AuxCommitMessage DecodeAuxCommit(ReadOnlySpan<byte> body, SessionId session, ParticipantId sender)
    {
        var r = new Reader(body);
        var commitment = r.Bytes();
        r.End();
        return new AuxCommitMessage(session, sender, commitment);
    }

    internal static AuxEchoMessage DecodeAuxEcho(ReadOnlySpan<byte> body, SessionId session, ParticipantId sender)
    {
        var r = new Reader(body);
        var list = r.List();
        r.End();
        return new AuxEchoMessage(session, sender, list);
    }

    internal static AuxRevealMessage DecodeAuxReveal(ReadOnlySpan<byte> body, SessionId session, ParticipantId sender)
    {
        var r = new Reader(body);
        var (n, s, t, proof, rho, nonce) = (r.Bytes(), r.Bytes(), r.Bytes(), r.Bytes(), r.Bytes(), r.Bytes());
        r.End();
        return new AuxRevealMessage(session, sender, n, s, t, proof, rho, nonce);
    }

    internal static AuxProofMessage DecodeAuxProof(ReadOnlySpan<byte> body, SessionId session, ParticipantId sender, ParticipantId self)
    {
        var r = new Reader(body);
        var recipient = r.Recipient(self);
        var (modulusProof, factorProof) = (r.Bytes(), r.Bytes());
        r.End();
        return new AuxProofMessage(session, sender, recipient, modulusProof, factorProof);
    }

    internal static PresignRound1Message DecodePresignRound1(ReadOnlySpan<byte> body, SessionId session, ParticipantId sender, ParticipantId self)
    {
        var r = new Reader(body);
        var recipient = r.Recipient(self);
        var (k, g, proof) = (r.Bytes(), r.Bytes(), r.Bytes());
        r.End();
        return new PresignRound1Message(session, sender, recipient, k, g, proof);
    }

    internal static PresignRound2Message DecodePresignRound2(ReadOnlySpan<byte> body, SessionId session, ParticipantId sender, ParticipantId self)
    {
        var r = new Reader(body);
        var recipient = r.Recipient(self);
        var (gamma, d, f, dHat, fHat) = (r.Bytes(), r.Bytes(), r.Bytes(), r.Bytes(), r.Bytes());
        var (affine, affineHat, logStar) = (r.Bytes(), r.Bytes(), r.Bytes());
        var echo = r.List();
        r.End();
        return new PresignRound2Message(session, sender, recipient, gamma, d, f, dHat, fHat, affine, affineHat, logStar, echo);
    }

    internal static PresignRound3Message DecodePresignRound3(ReadOnlySpan<byte> body, SessionId session, ParticipantId sender, ParticipantId self)
    {
        var r = new Reader(body);
        var recipient = r.Recipient(self);
        var (delta, bigDelta, s, logStar) = (r.Bytes(), r.Bytes(), r.Bytes(), r.Bytes());
        var echo = r.List();
        r.End();
        return new PresignRound3Message(session, sender, recipient, delta, bigDelta, s, logStar, echo);
    }

    internal static PresignIdentificationMessage DecodePresignIdentification(ReadOnlySpan<byte> body, SessionId session, ParticipantId sender, ParticipantId self)
    {
        var r = new Reader(body);
        var recipient = r.Recipient(self);
        var (h, mul) = (r.Bytes(), r.Bytes());
        var sent = r.Claims();
        var received = r.Claims();
        var affine = r.List();
        var dec = r.Bytes();
        r.End();
        return new PresignIdentificationMessage(session, sender, recipient, h, mul, sent, received, affine, dec);
    }

    /// <summary>True when the sender asks for an identification round.</summary>
    internal static bool DecodePresignStatus(ReadOnlySpan<byte> body) => DecodePresignStatusCheck(body) != PresignOutputCheck.None;

    /// <summary>The output check the sender reports as failed (<see cref="PresignOutputCheck.None"/>: it presigned).</summary>
    internal static PresignOutputCheck DecodePresignStatusCheck(ReadOnlySpan<byte> body)
    {
        var r = new Reader(body);
        var status = r.Fixed(1)[0];
        r.End();
        return status switch
        {
            StatusPresigned => PresignOutputCheck.None,
            StatusIdentify => PresignOutputCheck.Delta,
            StatusIdentifyChi => PresignOutputCheck.Chi,
            _ => throw new FormatException($"Unknown presign status {status}."),
        };
    }

    internal static PresignChiIdentificationMessage DecodePresignChiIdentification(ReadOnlySpan<byte> body, SessionId session, ParticipantId sender, ParticipantId self)
    {
        var r = new Reader(body);
        var recipient = r.Recipient(self);
        var sigma = r.Fixed(ScalarLength).ToArray();
        var hHat = r.Bytes();
        var sent = r.Claims();
        var received = r.Claims();
        var affine = r.List();
        var (mulStar, dec) = (r.Bytes(), r.Bytes());
        r.End();
        return new PresignChiIdentificationMessage(session, sender, recipient, sigma, hHat, sent, received, affine, mulStar, dec);
    }

    internal static PartialSignature DecodePartialSignature(ReadOnlySpan<byte> body, ParticipantId sender)
    {
        var r = new Reader(body);
        var sigma = r.Fixed(ScalarLength).ToArray();
        r.End();
        return new PartialSignature(sender, sigma);
    }

    /// <summary>Builds a public payload (nothing secret goes through it: <see cref="Encode(KeygenShareMessage)"/> is built by hand).</summary>
    private sealed class Writer
    {
        private readonly ArrayBufferWriter<byte> _buffer = new();

        internal Writer(byte kind)
        {
            _buffer.Write([kind, Version]);
        }

        internal Writer U16(int value)
        {
            BinaryPrimitives.WriteUInt16BigEndian(_buffer.GetSpan(2), checked((ushort)value));
            _buffer.Advance(2);
            return this;
        }

        internal Writer Bytes(ReadOnlySpan<byte> value)
        {
            if (value.Length > MaxFieldLength)
            {
                throw new InternalInvariantException($"A field of {value.Length} bytes exceeds the payload limit.");
            }

            BinaryPrimitives.WriteUInt32BigEndian(_buffer.GetSpan(4), (uint)value.Length);
            _buffer.Advance(4);
            _buffer.Write(value);
            return this;
        }

        internal Writer List(IReadOnlyList<byte[]> items)
        {
            if (items.Count > MaxListCount)
            {
                throw new InternalInvariantException($"A list of {items.Count} items exceeds the payload limit.");
            }

            U16(items.Count);
            foreach (var item in items)
            {
                Bytes(item);
            }

            return this;
        }

        internal Writer Fixed(ReadOnlySpan<byte> value)
        {
            _buffer.Write(value);
            return this;
        }

        internal Writer Point(Element point) => Fixed(Group.SerializeElement(point));

        internal byte[] ToArray() => _buffer.WrittenSpan.ToArray();
    }

    private ref struct Reader
    {
        private ReadOnlySpan<byte> _rest;

        internal Reader(ReadOnlySpan<byte> body)
        {
            if (body.IsEmpty || body[0] != Version)
            {
                throw new FormatException($"Unsupported CGGMP payload version (expected {Version}).");
            }

            _rest = body[1..];
        }

        internal ushort U16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

        internal ParticipantId Recipient(ParticipantId self)
        {
            var value = U16();
            return value == self.Value
                ? new ParticipantId(value)
                : throw new FormatException($"The message is addressed to participant {value}, not to {self}.");
        }

        internal ReadOnlySpan<byte> Fixed(int length) => Take(length);

        internal byte[] Bytes()
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(Take(4));
            return length <= MaxFieldLength
                ? Take((int)length).ToArray()
                : throw new FormatException($"A field of {length} bytes exceeds the limit of {MaxFieldLength}.");
        }

        internal List<byte[]> List()
        {
            var count = U16();
            if (count > MaxListCount)
            {
                throw new FormatException($"A list of {count} items exceeds the limit of {MaxListCount}.");
            }

            var items = new List<byte[]>(count);
            for (var i = 0; i < count; i++)
            {
                items.Add(Bytes());
            }

            return items;
        }

        /// <summary><c>count:u16be ‖ count × (peer: id ‖ D: bytes ‖ F: bytes)</c>, peer ids non-zero.</summary>
        internal List<PresignMtaClaim> Claims()
        {
            var count = U16();
            if (count > MaxListCount)
            {
                throw new FormatException($"A list of {count} items exceeds the limit of {MaxListCount}.");
            }

            var claims = new List<PresignMtaClaim>(count);
            for (var i = 0; i < count; i++)
            {
                var peer = U16();
                if (peer == 0)
                {
                    throw new FormatException("A participant id is zero.");
                }

                claims.Add(new PresignMtaClaim(new ParticipantId(peer), Bytes(), Bytes()));
            }

            return claims;
        }

        /// <summary>A point, or the identity when all <see cref="PointLength"/> bytes are zero.</summary>
        internal Element PointOrZeroIdentity()
        {
            var bytes = Take(PointLength);
            if (!bytes.ContainsAnyExcept((byte)0))
            {
                return Group.Identity;
            }

            return Group.TryDeserializeElement(bytes, out var point)
                ? point
                : throw new FormatException("A point is not a valid compressed secp256k1 encoding.");
        }

        internal Element Point() =>
            Group.TryDeserializeElement(Take(PointLength), out var point)
                ? point
                : throw new FormatException("A point is not a valid compressed secp256k1 encoding.");

        internal readonly void End()
        {
            if (!_rest.IsEmpty)
            {
                throw new FormatException($"{_rest.Length} trailing bytes after the message.");
            }
        }

        private ReadOnlySpan<byte> Take(int length)
        {
            if (_rest.Length < length)
            {
                throw new FormatException("The message is truncated.");
            }

            var taken = _rest[..length];
            _rest = _rest[length..];
            return taken;
        }
    }
}

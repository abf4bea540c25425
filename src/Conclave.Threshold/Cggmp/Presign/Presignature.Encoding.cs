using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Conclave.Crypto;
using Conclave.Crypto.Groups;

namespace Conclave.Threshold.Cggmp.Presign;

/// <summary>
/// The versioned storage encoding of a presignature (docs/protocols/cggmp21.md, "Storage
/// encoding"). Version 1, integers big-endian:
/// <code>
/// "CGPS" | 0x01 version | 0x01 curve (secp256k1) | self u16 | n u16 | sid length u8 | sid
///        | δ (32) | R (33) | Γ (33) | Y (33) | n × (id u16 | Δ_id (33) | S_id (33)), ids ascending
///        | k_self (32) | χ_self (32)
/// </code>
/// A stored presignature is still single use only together with an <see cref="IPresignatureLedger"/>
/// (sign with <see cref="CggmpSigning.PartialSign(Presignature, ReadOnlySpan{byte}, IPresignatureLedger)"/>):
/// the encoding itself cannot stop a restored copy.
/// </summary>
public sealed partial class Presignature
{
    /// <summary>The encoding version written by <see cref="Serialize"/>.</summary>
    public const byte EncodingVersion = 1;

    private const byte CurveSecp256k1 = 1;
    private const int PointLength = 33;
    private const int ScalarLength = 32;
    private const int EntryLength = 2 + PointLength + PointLength;

    private static ReadOnlySpan<byte> Magic => "CGPS"u8;

    /// <summary>
    /// Encodes the presignature for storage. The result CONTAINS k_i AND χ_i: the caller encrypts it
    /// before it leaves memory and wipes the (pinned) array. Throws <see cref="InvalidOperationException"/>
    /// once the presignature was used.
    /// </summary>
    public byte[] Serialize()
    {
        lock (_gate)
        {
            if (_secrets.IsDisposed)
            {
                throw new InvalidOperationException("A used or disposed presignature cannot be stored.");
            }

            var data = PublicData;
            var g = Secp256k1Group.Instance;
            var sid = data.Session.Bytes;
            var result = GC.AllocateArray<byte>(EncodedLength(sid.Length, data.Signers.Count), pinned: true);
            var o = result.AsSpan();
            Magic.CopyTo(o);
            o[4] = EncodingVersion;
            o[5] = CurveSecp256k1;
            BinaryPrimitives.WriteUInt16BigEndian(o[6..], Self.Value);
            BinaryPrimitives.WriteUInt16BigEndian(o[8..], checked((ushort)data.Signers.Count));
            o[10] = (byte)sid.Length;
            sid.CopyTo(o[11..]);
            var offset = 11 + sid.Length;
            data.Delta.CopyTo(o[offset..]);
            offset += ScalarLength;
            foreach (var point in new[] { data.R, data.Gamma, data.PublicKey })
            {
                g.SerializeElement(point, o.Slice(offset, PointLength));
                offset += PointLength;
            }

            foreach (var id in data.Signers)
            {
                BinaryPrimitives.WriteUInt16BigEndian(o[offset..], id.Value);
                g.SerializeElement(data.Commitments[id].Delta, o.Slice(offset + 2, PointLength));
                g.SerializeElement(data.Commitments[id].S, o.Slice(offset + 2 + PointLength, PointLength));
                offset += EntryLength;
            }

            _secrets.Span.CopyTo(o[offset..]);
            return result;
        }
    }

    /// <summary>
    /// Decodes and validates a presignature written by <see cref="Serialize"/>; throws
    /// <see cref="FormatException"/> naming the failed check (never secret bytes).
    /// </summary>
    public static Presignature Parse(ReadOnlySpan<byte> data) =>
        TryParseCore(data, out var presignature, out var error)
            ? presignature
            : throw new FormatException($"Invalid CGGMP21 presignature encoding: {error}.");

    /// <summary>
    /// Decodes and validates a presignature: exact length, magic, version, curve, a 16–64 byte
    /// session id, non-zero ascending signer ids (at least two) including self, valid non-identity
    /// points, a canonical non-zero δ, and the presigning output checks again: δ·R = Γ, ΣΔ_j = δ·G,
    /// ΣS_j = δ·Y, plus k_self·Γ = Δ_self and χ_self·Γ = S_self for the secret part.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out Presignature? presignature) =>
        TryParseCore(data, out presignature, out _);

    private static int EncodedLength(int sessionLength, int signers) => 11 + sessionLength + ScalarLength + (3 * PointLength) + (signers * EntryLength) + (2 * ScalarLength);

    private static bool TryParseCore(ReadOnlySpan<byte> data, [NotNullWhen(true)] out Presignature? presignature, [NotNullWhen(false)] out string? error)
    {
        presignature = null;
        if (data.Length < 11 || !data[..4].SequenceEqual(Magic))
        {
            return Fail(out error, "not a \"CGPS\" encoding");
        }

        if (data[4] != EncodingVersion || data[5] != CurveSecp256k1)
        {
            return Fail(out error, $"unknown version {data[4]} or curve {data[5]}");
        }

        var self = new ParticipantId(BinaryPrimitives.ReadUInt16BigEndian(data[6..]));
        int count = BinaryPrimitives.ReadUInt16BigEndian(data[8..]);
        int sidLength = data[10];
        if (sidLength is < 16 or > 64 || count < 2 || data.Length != EncodedLength(sidLength, count))
        {
            return Fail(out error, "the session id length, signer count or total length is wrong");
        }

        var g = Secp256k1Group.Instance;
        var session = new SessionId(data.Slice(11, sidLength));
        var offset = 11 + sidLength;
        var delta = data.Slice(offset, ScalarLength);
        offset += ScalarLength;
        if (!g.IsCanonicalScalar(delta) || PrimeOrderGroup.IsZero(delta))
        {
            return Fail(out error, "δ is not a canonical non-zero scalar");
        }

        var points = new Element[3];
        for (var k = 0; k < 3; k++, offset += PointLength)
        {
            if (!g.TryDeserializeElement(data.Slice(offset, PointLength), out var point))
            {
                return Fail(out error, "R, Γ or the public key is not a valid non-identity point");
            }

            points[k] = point;
        }

        var (r, gamma, publicKey) = (points[0], points[1], points[2]);
        var signers = new List<ParticipantId>(count);
        var commitments = new SortedDictionary<ParticipantId, PresignatureCommitment>();
        for (var k = 0; k < count; k++, offset += EntryLength)
        {
            var id = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            if (id == 0 || (signers.Count > 0 && id <= signers[^1].Value))
            {
                return Fail(out error, "signer ids must be non-zero and strictly ascending");
            }

            if (!g.TryDeserializeElement(data.Slice(offset + 2, PointLength), out var bigDelta) || !g.TryDeserializeElement(data.Slice(offset + 2 + PointLength, PointLength), out var bigS))
            {
                return Fail(out error, $"Δ or S of signer {id} is not a valid non-identity point");
            }

            signers.Add(new ParticipantId(id));
            commitments[new ParticipantId(id)] = new PresignatureCommitment(bigDelta, bigS);
        }

        if (!commitments.TryGetValue(self, out var own))
        {
            return Fail(out error, $"party {self} is not a signer");
        }

        // The presigning output checks (CGGMP21 Fig. 7, "Output"), repeated on what was stored.
        if (!g.MultiplyPublic(r, delta).Equals(gamma)
            || !g.Sum(commitments.Values.Select(c => c.Delta)).Equals(g.MultiplyBase(delta))
            || !g.Sum(commitments.Values.Select(c => c.S)).Equals(g.MultiplyPublic(publicKey, delta)))
        {
            return Fail(out error, "the public data is inconsistent (δ·R = Γ, ΣΔ_j = δ·G or ΣS_j = δ·Y fails)");
        }

        var secrets = data.Slice(offset, 2 * ScalarLength);
        if (!g.IsCanonicalScalar(secrets[..ScalarLength]) || !g.IsCanonicalScalar(secrets[ScalarLength..])
            || !g.Multiply(gamma, secrets[..ScalarLength]).Equals(own.Delta) || !g.Multiply(gamma, secrets[ScalarLength..]).Equals(own.S))
        {
            return Fail(out error, $"k or χ does not match Δ or S of party {self}");
        }

        var publicData = new PresignaturePublicData(session, signers, delta, r, gamma, publicKey, commitments);
        presignature = new Presignature(self, publicData, SecretBytes.Copy(secrets));
        error = null;
        return true;
    }

    private static bool Fail(out string error, string reason)
    {
        error = reason;
        return false;
    }
}

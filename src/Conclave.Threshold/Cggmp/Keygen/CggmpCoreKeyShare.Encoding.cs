using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using Conclave.Crypto.Groups;
using Conclave.Threshold.Frost;

namespace Conclave.Threshold.Cggmp.Keygen;

/// <summary>
/// The versioned storage encoding of a key share (docs/protocols/cggmp21.md, "Storage encoding").
/// Version 1, all integers big-endian:
/// <code>
/// "CGKS" | 0x01 version | 0x01 curve (secp256k1) | self u16 | t u16 | n u16 | Y (33)
///        | n × (id u16 | X_id (33)), ids strictly ascending | x_self (32)
/// </code>
/// The length is therefore 77 + 35·n bytes. Frozen examples live in
/// tests/Conclave.Threshold.Tests/TestData/Compat/v1/ and must keep loading.
/// </summary>
public sealed partial class CggmpCoreKeyShare
{
    /// <summary>The encoding version written by <see cref="Serialize()"/>.</summary>
    public const byte EncodingVersion = 1;

    private const byte CurveSecp256k1 = 1;
    private const int HeaderLength = 12; // magic 4, version 1, curve 1, self 2, t 2, n 2
    private const int PointLength = 33;
    private const int ScalarLength = 32;
    private const int PartyEntryLength = 2 + PointLength;

    private static ReadOnlySpan<byte> Magic => "CGKS"u8;

    /// <summary>Bytes in <see cref="Serialize()"/>'s output (77 + 35·n).</summary>
    public int SerializedLength => EncodedLength(PublicShares.Count);

    /// <summary>
    /// Encodes the share for storage. The result CONTAINS THE SECRET SHARE: the caller must encrypt
    /// it before it leaves memory (the key store's authenticated encryption) and wipe the array with
    /// <see cref="System.Security.Cryptography.CryptographicOperations.ZeroMemory"/> once done. The
    /// array is pinned so the garbage collector leaves no copies behind.
    /// </summary>
    public byte[] Serialize()
    {
        var result = GC.AllocateArray<byte>(SerializedLength, pinned: true);
        _ = Serialize(result);
        return result;
    }

    /// <summary>
    /// Encodes the share into <paramref name="destination"/> (secret-bearing: see <see cref="Serialize()"/>)
    /// and returns the bytes written; throws <see cref="ArgumentException"/> if it is too small.
    /// </summary>
    public int Serialize(Span<byte> destination) =>
        TrySerialize(destination, out var written)
            ? written
            : throw new ArgumentException($"The destination needs {SerializedLength} bytes.", nameof(destination));

    /// <summary>
    /// Encodes the share into <paramref name="destination"/> (secret-bearing: see <see cref="Serialize()"/>);
    /// false, with nothing written, if it is too small.
    /// </summary>
    public bool TrySerialize(Span<byte> destination, out int bytesWritten)
    {
        var secret = SecretShare; // throws once disposed, before anything is written
        var length = SerializedLength;
        if (destination.Length < length)
        {
            bytesWritten = 0;
            return false;
        }

        var group = PublicKey.Group;
        if (group is not Secp256k1Group)
        {
            throw new InternalInvariantException($"Key shares on {group.Name} have no storage encoding.");
        }

        var output = destination[..length];
        Magic.CopyTo(output);
        output[4] = EncodingVersion;
        output[5] = CurveSecp256k1;
        BinaryPrimitives.WriteUInt16BigEndian(output[6..], Self.Value);
        BinaryPrimitives.WriteUInt16BigEndian(output[8..], checked((ushort)Threshold));
        BinaryPrimitives.WriteUInt16BigEndian(output[10..], checked((ushort)PublicShares.Count));
        group.SerializeElement(PublicKey, output.Slice(HeaderLength, PointLength));
        var offset = HeaderLength + PointLength;
        foreach (var (id, share) in PublicShares.OrderBy(kv => kv.Key))
        {
            BinaryPrimitives.WriteUInt16BigEndian(output[offset..], id.Value);
            group.SerializeElement(share, output.Slice(offset + 2, PointLength));
            offset += PartyEntryLength;
        }

        secret.CopyTo(output[offset..]);
        bytesWritten = length;
        return true;
    }

    /// <summary>
    /// Decodes and validates a share written by <see cref="Serialize()"/>. Throws
    /// <see cref="FormatException"/> (whose message names the failed check and never contains
    /// secret bytes) unless every check of <see cref="TryParse"/> passes.
    /// </summary>
    public static CggmpCoreKeyShare Parse(ReadOnlySpan<byte> data) =>
        TryParseCore(data, out var share, out var error)
            ? share
            : throw new FormatException($"Invalid CGGMP21 key share encoding: {error}.");

    /// <summary>
    /// Decodes and validates a share written by <see cref="Serialize()"/>: exact length, magic,
    /// known version and curve, 2 ≤ t ≤ n, non-zero ids strictly ascending (so distinct), self in
    /// the list, every point a valid non-identity point, a canonical secret scalar with
    /// x_self·G = X_self, and public shares on one polynomial of degree exactly t−1 whose value at 0 is Y.
    /// The keygen proofs (Π^sch, the Feldman commitments) are not stored: they were checked before
    /// the share existed, and these algebraic checks are what a loaded share must still satisfy.
    /// The secret is read straight from <paramref name="data"/> into wiped memory; the caller wipes
    /// <paramref name="data"/>.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out CggmpCoreKeyShare? share) =>
        TryParseCore(data, out share, out _);

    private static int EncodedLength(int parties) => HeaderLength + PointLength + (parties * PartyEntryLength) + ScalarLength;

    private static bool TryParseCore(ReadOnlySpan<byte> data, [NotNullWhen(true)] out CggmpCoreKeyShare? share, [NotNullWhen(false)] out string? error)
    {
        share = null;
        if (data.Length < HeaderLength)
        {
            return Fail(out error, $"{data.Length} bytes is shorter than the {HeaderLength}-byte header");
        }

        if (!data[..4].SequenceEqual(Magic))
        {
            return Fail(out error, "the magic bytes are not \"CGKS\"");
        }

        if (data[4] != EncodingVersion)
        {
            return Fail(out error, $"unknown version {data[4]} (this build reads version {EncodingVersion})");
        }

        if (data[5] != CurveSecp256k1)
        {
            return Fail(out error, $"unknown curve id {data[5]} (1 is secp256k1)");
        }

        var selfValue = BinaryPrimitives.ReadUInt16BigEndian(data[6..]);
        int threshold = BinaryPrimitives.ReadUInt16BigEndian(data[8..]);
        int count = BinaryPrimitives.ReadUInt16BigEndian(data[10..]);
        if (data.Length != EncodedLength(count))
        {
            return Fail(out error, $"{data.Length} bytes, but {count} parties need exactly {EncodedLength(count)}");
        }

        if (threshold < 2 || threshold > count)
        {
            return Fail(out error, $"the threshold must satisfy 2 ≤ t ≤ n (t = {threshold}, n = {count})");
        }

        if (selfValue == 0)
        {
            return Fail(out error, "the self id is zero");
        }

        var group = Secp256k1Group.Instance;
        if (!group.TryDeserializeElement(data.Slice(HeaderLength, PointLength), out var publicKey))
        {
            return Fail(out error, "the public key is not a valid non-identity secp256k1 point");
        }

        var publicShares = new SortedDictionary<ParticipantId, Element>();
        var offset = HeaderLength + PointLength;
        ushort previous = 0;
        for (var k = 0; k < count; k++, offset += PartyEntryLength)
        {
            var id = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            if (id == 0)
            {
                return Fail(out error, $"party entry {k} has id zero");
            }

            if (id <= previous)
            {
                return Fail(out error, $"party ids must be distinct and ascending (id {id} follows {previous})");
            }

            if (!group.TryDeserializeElement(data.Slice(offset + 2, PointLength), out var point))
            {
                return Fail(out error, $"the public share of party {id} is not a valid non-identity secp256k1 point");
            }

            publicShares[new ParticipantId(id)] = point;
            previous = id;
        }

        var self = new ParticipantId(selfValue);
        if (!publicShares.TryGetValue(self, out var ownPublicShare))
        {
            return Fail(out error, $"the self id {self} is not in the party list");
        }

        if (!FrostMath.PublicSharesAreConsistent(group, publicKey, publicShares, threshold))
        {
            return Fail(out error, $"the public shares do not lie on one polynomial of degree exactly {threshold - 1} through the public key");
        }

        var secret = data[offset..];
        if (!group.IsCanonicalScalar(secret))
        {
            return Fail(out error, "the secret share is not a canonical scalar");
        }

        if (!group.MultiplyBase(secret).Equals(ownPublicShare))
        {
            return Fail(out error, $"the secret share does not match the public share of party {self}");
        }

        share = new CggmpCoreKeyShare(self, threshold, publicKey, publicShares, secret);
        error = null;
        return true;
    }

    private static bool Fail(out string error, string reason)
    {
        error = reason;
        return false;
    }
}

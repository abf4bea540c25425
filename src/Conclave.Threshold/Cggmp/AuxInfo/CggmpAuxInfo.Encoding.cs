using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Proofs;

namespace Conclave.Threshold.Cggmp.AuxInfo;

/// <summary>
/// The versioned storage encoding of auxiliary information (docs/protocols/cggmp21.md, "Storage
/// encoding"). Version 1, integers big-endian; an "int" is a u16 byte length followed by the
/// minimal unsigned big-endian magnitude (at least one byte, no leading zero byte):
/// <code>
/// "CGAX" | 0x01 version | self u16 | n u16 | p int | q int
///        | n × (id u16 | N_id int | s_id int | t_id int), ids strictly ascending
/// </code>
/// N_id is both party id's Paillier modulus and its ring-Pedersen modulus N̂_id: aux info builds
/// the ring-Pedersen parameters on the party's own Paillier modulus, so one number rebuilds both
/// (<see cref="PartyAuxInfo.Paillier"/> and <see cref="PartyAuxInfo.RingPedersen"/>).
/// </summary>
public sealed partial class CggmpAuxInfo
{
    /// <summary>The encoding version written by <see cref="Serialize()"/>.</summary>
    public const byte EncodingVersion = 1;

    private const int HeaderLength = 9; // magic 4, version 1, self 2, n 2

    private static ReadOnlySpan<byte> Magic => "CGAX"u8;

    /// <summary>Bytes in <see cref="Serialize()"/>'s output.</summary>
    public int SerializedLength
    {
        get
        {
            var length = HeaderLength + IntegerLength(PaillierKey.P) + IntegerLength(PaillierKey.Q);
            foreach (var party in Parties.Values)
            {
                length += 2 + IntegerLength(party.Paillier.N) + IntegerLength(party.RingPedersen.S) + IntegerLength(party.RingPedersen.T);
            }

            return length;
        }
    }

    /// <summary>
    /// Encodes the aux info for storage. The result CONTAINS THE PAILLIER SECRET KEY (p, q): the
    /// caller must encrypt it before it leaves memory and wipe the array with
    /// <see cref="CryptographicOperations.ZeroMemory"/> once done. The
    /// array is pinned so the garbage collector leaves no copies behind.
    /// </summary>
    public byte[] Serialize()
    {
        var result = GC.AllocateArray<byte>(SerializedLength, pinned: true);
        _ = Serialize(result);
        return result;
    }

    /// <summary>
    /// Encodes the aux info into <paramref name="destination"/> (secret-bearing: see <see cref="Serialize()"/>)
    /// and returns the bytes written; throws <see cref="ArgumentException"/> if it is too small.
    /// </summary>
    public int Serialize(Span<byte> destination) =>
        TrySerialize(destination, out var written)
            ? written
            : throw new ArgumentException($"The destination needs {SerializedLength} bytes.", nameof(destination));

    /// <summary>
    /// Encodes the aux info into <paramref name="destination"/> (secret-bearing: see <see cref="Serialize()"/>);
    /// false, with nothing written, if it is too small. p and q go straight from GMP's limbs into
    /// <paramref name="destination"/>, with no intermediate copy.
    /// </summary>
    public bool TrySerialize(Span<byte> destination, out int bytesWritten)
    {
        var length = SerializedLength;
        if (destination.Length < length)
        {
            bytesWritten = 0;
            return false;
        }

        // Version 1 stores one modulus per party; it rebuilds both keys only while they share it.
        if (Parties.Values.Any(party => party.RingPedersen.N.CompareTo(party.Paillier.N) != 0))
        {
            throw new InternalInvariantException("A party's ring-Pedersen modulus differs from its Paillier modulus; version 1 cannot encode that.");
        }

        var output = destination[..length];
        Magic.CopyTo(output);
        output[4] = EncodingVersion;
        BinaryPrimitives.WriteUInt16BigEndian(output[5..], Self.Value);
        BinaryPrimitives.WriteUInt16BigEndian(output[7..], checked((ushort)Parties.Count));
        var offset = HeaderLength;
        WriteInteger(output, ref offset, PaillierKey.P);
        WriteInteger(output, ref offset, PaillierKey.Q);
        foreach (var (id, party) in Parties.OrderBy(kv => kv.Key))
        {
            BinaryPrimitives.WriteUInt16BigEndian(output[offset..], id.Value);
            offset += 2;
            WriteInteger(output, ref offset, party.Paillier.N);
            WriteInteger(output, ref offset, party.RingPedersen.S);
            WriteInteger(output, ref offset, party.RingPedersen.T);
        }

        if (offset != length)
        {
            CryptographicOperations.ZeroMemory(output);
            throw new InternalInvariantException("The aux info encoding length was miscomputed.");
        }

        bytesWritten = length;
        return true;
    }

    /// <summary>
    /// Decodes and validates aux info written by <see cref="Serialize()"/>, accepting moduli of at
    /// least <see cref="Cggmp21Parameters.MinimumModulusBits"/> bits. Throws <see cref="FormatException"/>
    /// (whose message names the failed check and never contains secret bytes) unless every check of
    /// <see cref="TryParse(ReadOnlySpan{byte}, int, out CggmpAuxInfo?)"/> passes.
    /// </summary>
    public static CggmpAuxInfo Parse(ReadOnlySpan<byte> data) => Parse(data, Cggmp21Parameters.MinimumModulusBits);

    /// <summary>Like <see cref="Parse(ReadOnlySpan{byte})"/> with another minimum modulus size (tests use small moduli).</summary>
    public static CggmpAuxInfo Parse(ReadOnlySpan<byte> data, int minimumModulusBits)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minimumModulusBits);
        return TryParseCore(data, minimumModulusBits, out var aux, out var error)
            ? aux
            : throw new FormatException($"Invalid CGGMP21 aux info encoding: {error}.");
    }

    /// <summary>Like <see cref="TryParse(ReadOnlySpan{byte}, int, out CggmpAuxInfo?)"/> with the production minimum modulus size.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out CggmpAuxInfo? auxInfo) =>
        TryParse(data, Cggmp21Parameters.MinimumModulusBits, out auxInfo);

    /// <summary>
    /// Decodes and validates aux info written by <see cref="Serialize()"/>: exact length, magic,
    /// known version, at least two parties with non-zero ids strictly ascending (so distinct),
    /// self in the list, minimal integer encodings; p and q distinct primes ≡ 3 (mod 4) (checked
    /// by <see cref="PaillierSecretKey"/>) with p·q equal to this party's stored modulus; every
    /// modulus odd with at least <paramref name="minimumModulusBits"/> bits; every (N, s, t)
    /// well formed (<see cref="RingPedersenParameters.IsWellFormed"/>).
    /// <para>
    /// The zero-knowledge proofs of the aux-info protocol (Π^prm, Π^mod, Π^fac) are not stored and
    /// NOT re-verified at load: they were verified by <see cref="AuxInfoParty"/> before this object
    /// existed, and the store's authenticated encryption is trusted to return what was written.
    /// A corrupted-but-well-formed peer modulus is therefore caught only by these structural checks.
    /// </para>
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> data, int minimumModulusBits, [NotNullWhen(true)] out CggmpAuxInfo? auxInfo)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minimumModulusBits);
        return TryParseCore(data, minimumModulusBits, out auxInfo, out _);
    }

    /// <summary>Bytes of an "int" field; checked here, before anything is written, so writing cannot fail halfway.</summary>
    private static int IntegerLength(GmpInteger value)
    {
        var length = (value.BitLength + 7) / 8;
        return length <= ushort.MaxValue
            ? 2 + length
            : throw new InvalidOperationException("An integer of more than 65535 bytes has no version-1 encoding.");
    }

    private static void WriteInteger(Span<byte> output, ref int offset, GmpInteger value)
    {
        var length = (value.BitLength + 7) / 8;
        BinaryPrimitives.WriteUInt16BigEndian(output[offset..], (ushort)length);
        value.WriteBytes(output.Slice(offset + 2, length));
        offset += 2 + length;
    }

    private static bool TryParseCore(ReadOnlySpan<byte> data, int minimumModulusBits, [NotNullWhen(true)] out CggmpAuxInfo? auxInfo, [NotNullWhen(false)] out string? error)
    {
        auxInfo = null;

        // Structure first (no arithmetic): header, then every field's position.
        if (data.Length < HeaderLength)
        {
            return Fail(out error, $"{data.Length} bytes is shorter than the {HeaderLength}-byte header");
        }

        if (!data[..4].SequenceEqual(Magic))
        {
            return Fail(out error, "the magic bytes are not \"CGAX\"");
        }

        if (data[4] != EncodingVersion)
        {
            return Fail(out error, $"unknown version {data[4]} (this build reads version {EncodingVersion})");
        }

        var selfValue = BinaryPrimitives.ReadUInt16BigEndian(data[5..]);
        int count = BinaryPrimitives.ReadUInt16BigEndian(data[7..]);
        if (selfValue == 0)
        {
            return Fail(out error, "the self id is zero");
        }

        if (count < 2)
        {
            return Fail(out error, $"aux info needs at least two parties, not {count}");
        }

        var offset = HeaderLength;
        if (!TryReadInteger(data, ref offset, "p", out var p, out error) || !TryReadInteger(data, ref offset, "q", out var q, out error))
        {
            return false;
        }

        var entries = new List<(ParticipantId Id, Range N, Range S, Range T)>(count);
        ushort previous = 0;
        for (var k = 0; k < count; k++)
        {
            if (data.Length - offset < 2)
            {
                return Fail(out error, $"the data ends inside party entry {k}");
            }

            var id = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            offset += 2;
            if (id == 0)
            {
                return Fail(out error, $"party entry {k} has id zero");
            }

            if (id <= previous)
            {
                return Fail(out error, $"party ids must be distinct and ascending (id {id} follows {previous})");
            }

            if (!TryReadInteger(data, ref offset, $"N of party {id}", out var n, out error)
                || !TryReadInteger(data, ref offset, $"s of party {id}", out var s, out error)
                || !TryReadInteger(data, ref offset, $"t of party {id}", out var t, out error))
            {
                return false;
            }

            entries.Add((new ParticipantId(id), n, s, t));
            previous = id;
        }

        if (offset != data.Length)
        {
            return Fail(out error, $"{data.Length - offset} unexpected trailing byte(s)");
        }

        var self = new ParticipantId(selfValue);
        if (!entries.Any(e => e.Id == self))
        {
            return Fail(out error, $"the self id {self} is not in the party list");
        }

        // Then the numbers: public parameters of every party, then the secret key.
        var parties = new SortedDictionary<ParticipantId, PartyAuxInfo>();
        PaillierSecretKey? key = null;
        try
        {
            foreach (var (id, nRange, sRange, tRange) in entries)
            {
                using var n = GmpInteger.FromBytes(data[nRange]);
                using var s = GmpInteger.FromBytes(data[sRange]);
                using var t = GmpInteger.FromBytes(data[tRange]);
                if (!n.IsOdd || n.BitLength < minimumModulusBits)
                {
                    return Fail(out error, $"the modulus of party {id} must be odd with at least {minimumModulusBits} bits (it has {n.BitLength})");
                }

                var ringPedersen = new RingPedersenParameters(n, s, t);
                if (!ringPedersen.IsWellFormed())
                {
                    ringPedersen.Dispose();
                    return Fail(out error, $"the ring-Pedersen parameters of party {id} are not well formed (s, t must be distinct units in (1, N))");
                }

                parties[id] = new PartyAuxInfo(new PaillierPublicKey(n), ringPedersen);
            }

            if (!TryCreateKey(data[p], data[q], out key))
            {
                return Fail(out error, "p and q are not distinct primes congruent to 3 mod 4");
            }

            if (key.PublicKey.N.CompareTo(parties[self].Paillier.N) != 0)
            {
                return Fail(out error, $"p·q is not the stored modulus of party {self}");
            }

            auxInfo = new CggmpAuxInfo(self, key, parties);
            error = null;
            return true;
        }
        finally
        {
            if (auxInfo is null)
            {
                key?.Dispose();
                foreach (var party in parties.Values)
                {
                    party.Dispose();
                }
            }
        }
    }

    /// <summary>Builds the key; <see cref="PaillierSecretKey"/>'s constructor is the one place that checks p and q.</summary>
    private static bool TryCreateKey(ReadOnlySpan<byte> pBytes, ReadOnlySpan<byte> qBytes, [NotNullWhen(true)] out PaillierSecretKey? key)
    {
        using var p = GmpInteger.FromBytes(pBytes);
        using var q = GmpInteger.FromBytes(qBytes);
        try
        {
            key = new PaillierSecretKey(p, q);
            return true;
        }
        catch (ArgumentException)
        {
            key = null;
            return false;
        }
    }

    /// <summary>Reads a u16 length and a minimal non-empty magnitude; returns where it lies in <paramref name="data"/>.</summary>
    private static bool TryReadInteger(ReadOnlySpan<byte> data, ref int offset, string name, out Range value, [NotNullWhen(false)] out string? error)
    {
        value = default;
        if (data.Length - offset < 2)
        {
            return Fail(out error, $"the data ends before the length of {name}");
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
        if (data.Length - offset - 2 < length)
        {
            return Fail(out error, $"the data ends inside {name}");
        }

        if (length == 0 || data[offset + 2] == 0)
        {
            return Fail(out error, $"{name} is not minimally encoded (empty or with a leading zero byte)");
        }

        value = new Range(offset + 2, offset + 2 + length);
        offset += 2 + length;
        error = null;
        return true;
    }

    private static bool Fail(out string error, string reason)
    {
        error = reason;
        return false;
    }
}

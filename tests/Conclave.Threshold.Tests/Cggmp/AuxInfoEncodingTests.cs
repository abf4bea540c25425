using System.Buffers.Binary;
using System.Security.Cryptography;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;
using Conclave.Threshold.Cggmp.AuxInfo;

namespace Conclave.Threshold.Tests.Cggmp;

/// <summary>
/// The version-1 storage encoding of <see cref="CggmpAuxInfo"/>: the frozen examples still load
/// and re-encode to the same bytes, fresh aux info round-trips, and every kind of corruption the
/// loader can see without the proofs is rejected with a message that names the check and holds no secret.
/// </summary>
public sealed class AuxInfoEncodingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Frozen_v1_aux_info_loads_with_the_expected_fields(int party)
    {
        var bytes = Frozen(party);
        Assert.Equal(CompatV1.Sha256[CompatV1.AuxInfoFile(party)], Convert.ToHexStringLower(SHA256.HashData(bytes)));
        using var aux = CggmpAuxInfo.Parse(bytes);
        Assert.Equal(new ParticipantId((ushort)party), aux.Self);
        Assert.Equal([1, 2, 3], aux.Parties.Keys.Select(k => (int)k.Value));
        foreach (var (id, info) in aux.Parties)
        {
            // Party k's modulus is the product of TEST-ONLY fixture primes 2(k−1) and 2(k−1)+1.
            using var p = TestOnlySafePrimes.Get(2 * (id.Value - 1));
            using var q = TestOnlySafePrimes.Get((2 * (id.Value - 1)) + 1);
            using var n = GmpInteger.Multiply(p, q);
            Assert.Equal(0, info.Paillier.N.CompareTo(n));
            Assert.Equal(0, info.RingPedersen.N.CompareTo(n));
            Assert.Equal(2048, info.Paillier.Bits);
            Assert.True(info.RingPedersen.IsWellFormed());
        }

        using (var p = TestOnlySafePrimes.Get(2 * (party - 1)))
        using (var q = TestOnlySafePrimes.Get((2 * (party - 1)) + 1))
        {
            Assert.Equal(0, aux.PaillierKey.P.CompareTo(p));
            Assert.Equal(0, aux.PaillierKey.Q.CompareTo(q));
        }

        // The loaded key decrypts what another party encrypts to it.
        using var m = GmpInteger.FromUInt64(987654321);
        var (c, rho) = aux.Parties[aux.Self].Paillier.Encrypt(m);
        using (c)
        using (rho)
        using (var back = aux.PaillierKey.Decrypt(c))
        {
            Assert.Equal(0, back.CompareTo(m));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Frozen_v1_aux_info_re_encodes_byte_for_byte(int party)
    {
        var bytes = Frozen(party);
        using var aux = CggmpAuxInfo.Parse(bytes);
        Assert.Equal(bytes.Length, aux.SerializedLength);
        Assert.Equal(bytes, aux.Serialize());
        Assert.True(CggmpAuxInfo.TryParse(bytes, out var again));
        using (again)
        {
            Assert.Equal(bytes, again.Serialize());
        }

        // The test's independent reading of the layout agrees with the bytes.
        Assert.Equal(bytes, Layout.Decode(bytes).Encode());
    }

    [Fact]
    public void The_frozen_parties_agree_on_the_public_parameters()
    {
        var all = Enumerable.Range(1, 3).Select(p => CggmpAuxInfo.Parse(Frozen(p))).ToList();
        try
        {
            foreach (var aux in all.Skip(1))
            {
                foreach (var (id, info) in aux.Parties)
                {
                    var reference = all[0].Parties[id];
                    Assert.Equal(0, info.Paillier.N.CompareTo(reference.Paillier.N));
                    Assert.Equal(0, info.RingPedersen.S.CompareTo(reference.RingPedersen.S));
                    Assert.Equal(0, info.RingPedersen.T.CompareTo(reference.RingPedersen.T));
                }
            }
        }
        finally
        {
            all.ForEach(a => a.Dispose());
        }
    }

    [Fact]
    public void Fresh_aux_info_round_trips()
    {
        var infos = AuxInfoTests.Run(3);
        try
        {
            foreach (var aux in infos)
            {
                var bytes = aux.Serialize();
                using var parsed = CggmpAuxInfo.Parse(bytes);
                Assert.Equal(aux.Self, parsed.Self);
                Assert.Equal(aux.Parties.Keys, parsed.Parties.Keys);
                Assert.Equal(0, parsed.PaillierKey.P.CompareTo(aux.PaillierKey.P));
                Assert.Equal(0, parsed.PaillierKey.Q.CompareTo(aux.PaillierKey.Q));
                foreach (var (id, info) in aux.Parties)
                {
                    Assert.Equal(0, parsed.Parties[id].Paillier.N.CompareTo(info.Paillier.N));
                    Assert.Equal(0, parsed.Parties[id].RingPedersen.N.CompareTo(info.RingPedersen.N));
                    Assert.Equal(0, parsed.Parties[id].RingPedersen.S.CompareTo(info.RingPedersen.S));
                    Assert.Equal(0, parsed.Parties[id].RingPedersen.T.CompareTo(info.RingPedersen.T));
                }

                Assert.Equal(bytes, parsed.Serialize());
                CryptographicOperations.ZeroMemory(bytes);
            }
        }
        finally
        {
            infos.ForEach(i => i.Dispose());
        }
    }

    [Fact]
    public void The_span_overloads_write_the_same_bytes_and_report_a_short_destination()
    {
        using var aux = CggmpAuxInfo.Parse(Frozen(3));
        var expected = aux.Serialize();
        var buffer = new byte[expected.Length + 3];
        Assert.Equal(expected.Length, aux.Serialize(buffer));
        Assert.Equal(expected, buffer[..expected.Length]);
        Assert.False(aux.TrySerialize(new byte[expected.Length - 1], out var written));
        Assert.Equal(0, written);
        Assert.Throws<ArgumentException>(() => aux.Serialize(new byte[10]));
    }

    [Fact]
    public void The_minimum_modulus_size_is_a_parameter()
    {
        var bytes = Frozen(1);
        using (var atLimit = CggmpAuxInfo.Parse(bytes, 2048))
        {
            Assert.Equal(2048, atLimit.Parties[atLimit.Self].Paillier.Bits);
        }

        RejectedWith(bytes, "the modulus of party 1 must be odd with at least 2049 bits (it has 2048)", Secrets(bytes), minimumModulusBits: 2049);
        Assert.Throws<ArgumentOutOfRangeException>(() => CggmpAuxInfo.Parse(bytes, 0));
    }

    [Fact]
    public void A_parsed_aux_info_prints_no_secret()
    {
        var bytes = Frozen(1);
        using var aux = CggmpAuxInfo.Parse(bytes);
        Assert.Equal("CggmpAuxInfo(party 1, 3 parties, <redacted>)", aux.ToString());
        foreach (var secret in Secrets(bytes))
        {
            Assert.DoesNotContain(secret, aux.ToString(), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("magic", "magic")]
    [InlineData("version 2", "unknown version 2")]
    [InlineData("extra trailing byte", "1 unexpected trailing byte(s)")]
    [InlineData("party count 4", "the data ends inside party entry 3")]
    [InlineData("party count 1", "at least two parties, not 1")]
    [InlineData("self zero", "self id is zero")]
    [InlineData("self not in list", "self id 4 is not in the party list")]
    [InlineData("party id zero", "party entry 0 has id zero")]
    [InlineData("duplicate ids", "distinct and ascending (id 1 follows 1)")]
    [InlineData("unsorted ids", "distinct and ascending (id 2 follows 3)")]
    [InlineData("leading zero byte", "N of party 2 is not minimally encoded")]
    [InlineData("empty integer", "s of party 3 is not minimally encoded")]
    [InlineData("p not prime", "p and q are not distinct primes congruent to 3 mod 4")]
    [InlineData("p congruent to 1 mod 4", "p and q are not distinct primes congruent to 3 mod 4")]
    [InlineData("q equal to p", "p and q are not distinct primes congruent to 3 mod 4")]
    [InlineData("p and q of another key", "p·q is not the stored modulus of party 1")]
    [InlineData("modulus too small", "the modulus of party 3 must be odd with at least 2047 bits (it has 1024)")]
    [InlineData("even modulus", "the modulus of party 2 must be odd")]
    [InlineData("s equal to t", "ring-Pedersen parameters of party 2 are not well formed")]
    [InlineData("s not a unit", "ring-Pedersen parameters of party 1 are not well formed")]
    [InlineData("t above the modulus", "ring-Pedersen parameters of party 3 are not well formed")]
    [InlineData("s equal to one", "ring-Pedersen parameters of party 2 are not well formed")]
    public void Each_kind_of_corruption_is_rejected(string corruption, string expectedReason)
    {
        var bytes = Frozen(1);
        RejectedWith(Corrupt(bytes, corruption), expectedReason, Secrets(bytes));
    }

    [Fact]
    public void Every_truncation_is_rejected()
    {
        var bytes = Frozen(2);
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.False(CggmpAuxInfo.TryParse(bytes.AsSpan(0, length), out var aux), $"truncated to {length} bytes");
            Assert.Null(aux);
        }
    }

    private static byte[] Frozen(int party) => CompatV1.Read(CompatV1.AuxInfoFile(party));

    /// <summary>Hex of p and q (what no message may contain).</summary>
    private static string[] Secrets(byte[] encoding)
    {
        var layout = Layout.Decode(encoding);
        return [Convert.ToHexStringLower(layout.P), Convert.ToHexStringLower(layout.Q)];
    }

    private static void RejectedWith(byte[] encoding, string expectedReason, string[] secrets, int minimumModulusBits = Conclave.Crypto.Proofs.Cggmp21Parameters.MinimumModulusBits)
    {
        Assert.False(CggmpAuxInfo.TryParse(encoding, minimumModulusBits, out var aux));
        Assert.Null(aux);
        var e = Assert.Throws<FormatException>(() => CggmpAuxInfo.Parse(encoding, minimumModulusBits));
        Assert.Contains(expectedReason, e.Message, StringComparison.Ordinal);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, e.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static byte[] Corrupt(byte[] original, string corruption)
    {
        if (corruption == "extra trailing byte")
        {
            return [.. original, 0];
        }

        var l = Layout.Decode(original);
        switch (corruption)
        {
            case "magic":
                l.Magic = "CGKS"u8.ToArray();
                break;
            case "version 2":
                l.Version = 2;
                break;
            case "party count 4":
                l.Count = 4;
                break;
            case "party count 1":
                l.Count = 1;
                break;
            case "self zero":
                l.Self = 0;
                break;
            case "self not in list":
                l.Self = 4;
                break;
            case "party id zero":
                l.Parties[0].Id = 0;
                break;
            case "duplicate ids":
                l.Parties[1].Id = 1;
                break;
            case "unsorted ids":
                (l.Parties[1], l.Parties[2]) = (l.Parties[2], l.Parties[1]);
                break;
            case "leading zero byte":
                l.Parties[1].N = [0, .. l.Parties[1].N];
                break;
            case "empty integer":
                l.Parties[2].S = [];
                break;
            case "p not prime":
                // 5p ≡ 3 (mod 4) still, so only the primality test can reject it.
                l.P = Times(l.P, 5);
                break;
            case "p congruent to 1 mod 4":
                l.P = Plus(l.P, 2);
                break;
            case "q equal to p":
                l.Q = l.P;
                break;
            case "p and q of another key":
                // Valid TEST-ONLY primes (6 and 7), but not the factors of party 1's stored modulus.
                l.P = Fixture(6);
                l.Q = Fixture(7);
                break;
            case "modulus too small":
                // A 1024-bit odd modulus (a fixture prime) with s, t reduced into it.
                l.Parties[2].N = Fixture(8);
                l.Parties[2].S = Mod(l.Parties[2].S, l.Parties[2].N);
                l.Parties[2].T = Mod(l.Parties[2].T, l.Parties[2].N);
                break;
            case "even modulus":
                l.Parties[1].N = Plus(l.Parties[1].N, 1);
                break;
            case "s equal to t":
                l.Parties[1].S = l.Parties[1].T;
                break;
            case "s not a unit":
                // p divides party 1's own modulus.
                l.Parties[0].S = l.P;
                break;
            case "t above the modulus":
                l.Parties[2].T = Plus(l.Parties[2].N, 2);
                break;
            case "s equal to one":
                l.Parties[1].S = [1];
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(corruption), corruption, "Unknown corruption.");
        }

        return l.Encode();
    }

    private static byte[] Fixture(int index)
    {
        using var p = TestOnlySafePrimes.Get(index);
        return p.ToBytes();
    }

    private static byte[] Times(byte[] a, ulong k)
    {
        using var x = GmpInteger.FromBytes(a);
        using var y = GmpInteger.FromUInt64(k);
        using var r = GmpInteger.Multiply(x, y);
        return r.ToBytes();
    }

    private static byte[] Plus(byte[] a, ulong k)
    {
        using var x = GmpInteger.FromBytes(a);
        using var y = GmpInteger.FromUInt64(k);
        using var r = GmpInteger.Add(x, y);
        return r.ToBytes();
    }

    private static byte[] Mod(byte[] a, byte[] m)
    {
        using var x = GmpInteger.FromBytes(a);
        using var y = GmpInteger.FromBytes(m);
        using var r = GmpInteger.Mod(x, y);
        return r.ToBytes();
    }

    /// <summary>The test's own reading of the version-1 aux-info layout (independent of the library's), editable field by field.</summary>
    private sealed class Layout
    {
        public byte[] Magic { get; set; } = [];

        public byte Version { get; set; }

        public ushort Self { get; set; }

        public ushort Count { get; set; }

        public byte[] P { get; set; } = [];

        public byte[] Q { get; set; } = [];

        public List<Entry> Parties { get; } = [];

        public static Layout Decode(byte[] data)
        {
            var offset = 9;
            var layout = new Layout
            {
                Magic = data[..4],
                Version = data[4],
                Self = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(5)),
                Count = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(7)),
            };
            layout.P = ReadInteger(data, ref offset);
            layout.Q = ReadInteger(data, ref offset);
            for (var k = 0; k < layout.Count; k++)
            {
                var id = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(offset));
                offset += 2;
                layout.Parties.Add(new Entry { Id = id, N = ReadInteger(data, ref offset), S = ReadInteger(data, ref offset), T = ReadInteger(data, ref offset) });
            }

            Assert.Equal(data.Length, offset);
            return layout;
        }

        public byte[] Encode()
        {
            var output = new List<byte>(Magic) { Version };
            WriteU16(output, Self);
            WriteU16(output, Count);
            WriteInteger(output, P);
            WriteInteger(output, Q);
            foreach (var e in Parties)
            {
                WriteU16(output, e.Id);
                WriteInteger(output, e.N);
                WriteInteger(output, e.S);
                WriteInteger(output, e.T);
            }

            return [.. output];
        }

        private static byte[] ReadInteger(byte[] data, ref int offset)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(offset));
            var value = data.AsSpan(offset + 2, length).ToArray();
            offset += 2 + length;
            return value;
        }

        private static void WriteU16(List<byte> output, ushort value)
        {
            output.Add((byte)(value >> 8));
            output.Add((byte)value);
        }

        private static void WriteInteger(List<byte> output, byte[] value)
        {
            WriteU16(output, checked((ushort)value.Length));
            output.AddRange(value);
        }
    }

    private sealed class Entry
    {
        public ushort Id { get; set; }

        public byte[] N { get; set; } = [];

        public byte[] S { get; set; } = [];

        public byte[] T { get; set; } = [];
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using Conclave.Crypto.Groups;
using Conclave.Threshold.Cggmp.Keygen;

namespace Conclave.Threshold.Tests.Cggmp;

/// <summary>
/// The version-1 storage encoding of <see cref="CggmpCoreKeyShare"/>: the frozen examples still load
/// and re-encode to the same bytes, fresh shares round-trip, and every kind of corruption is rejected
/// with a message that names the check and holds no secret.
/// </summary>
public sealed class KeyShareEncodingTests
{
    // Layout offsets of the frozen 2-of-3 encoding (docs/protocols/cggmp21.md, "Storage encoding").
    private const int SelfOffset = 6;
    private const int ThresholdOffset = 8;
    private const int CountOffset = 10;
    private const int PublicKeyOffset = 12;
    private const int FirstPartyOffset = 45;
    private const int PartyLength = 35;
    private const int SecretOffset = FirstPartyOffset + (3 * PartyLength);

    private static readonly Secp256k1Group G = Secp256k1Group.Instance;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Frozen_v1_key_shares_load_with_the_expected_fields(int party)
    {
        var bytes = Frozen(party);
        Assert.Equal(CompatV1.Sha256[CompatV1.KeyShareFile(party)], Convert.ToHexStringLower(SHA256.HashData(bytes)));
        using var share = CggmpCoreKeyShare.Parse(bytes);
        Assert.Equal(new ParticipantId((ushort)party), share.Self);
        Assert.Equal(2, share.Threshold);
        Assert.Equal(CompatV1.PublicKeyHex, share.PublicKey.ToString());
        Assert.Equal([1, 2, 3], share.PublicShares.Keys.Select(k => (int)k.Value));
        Assert.Equal(CompatV1.PublicSharesHex, share.PublicShares.Values.Select(x => x.ToString()));
        Assert.Equal(share.PublicShares[share.Self], G.MultiplyBase(share.SecretShare));
        Assert.Equal(182, share.SerializedLength);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Frozen_v1_key_shares_re_encode_byte_for_byte(int party)
    {
        var bytes = Frozen(party);
        using var share = CggmpCoreKeyShare.Parse(bytes);
        Assert.Equal(bytes, share.Serialize());
        Assert.True(CggmpCoreKeyShare.TryParse(bytes, out var again));
        using (again)
        {
            Assert.Equal(bytes, again.Serialize());
        }
    }

    [Fact]
    public void Any_two_frozen_shares_reconstruct_the_frozen_public_key()
    {
        var shares = Enumerable.Range(1, 3).Select(p => CggmpCoreKeyShare.Parse(Frozen(p))).ToList();
        try
        {
            foreach (var pair in new[] { new[] { 0, 1 }, [0, 2], [1, 2] })
            {
                var secret = KeygenTests.Interpolate([.. pair.Select(i => shares[i])]);
                Assert.Equal(CompatV1.PublicKeyHex, G.MultiplyBase(secret).ToString());
            }
        }
        finally
        {
            shares.ForEach(s => s.Dispose());
        }
    }

    [Theory]
    [InlineData(2, 3)]
    [InlineData(3, 5)]
    [InlineData(5, 5)]
    public void Fresh_keygen_output_round_trips(int t, int n)
    {
        var shares = KeygenTests.Run(t, n);
        try
        {
            foreach (var share in shares)
            {
                var bytes = share.Serialize();
                Assert.Equal(77 + (35 * n), bytes.Length);
                using var parsed = CggmpCoreKeyShare.Parse(bytes);
                Assert.Equal(share.Self, parsed.Self);
                Assert.Equal(share.Threshold, parsed.Threshold);
                Assert.Equal(share.PublicKey, parsed.PublicKey);
                Assert.Equal(share.PublicShares, parsed.PublicShares);
                Assert.True(parsed.SecretShare.SequenceEqual(share.SecretShare));
                Assert.Equal(bytes, parsed.Serialize());
                CryptographicOperations.ZeroMemory(bytes);
            }
        }
        finally
        {
            shares.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void The_span_overloads_write_the_same_bytes_and_report_a_short_destination()
    {
        using var share = CggmpCoreKeyShare.Parse(Frozen(2));
        var expected = share.Serialize();
        var buffer = new byte[expected.Length + 10];
        Assert.Equal(expected.Length, share.Serialize(buffer));
        Assert.Equal(expected, buffer[..expected.Length]);
        Assert.All(buffer[expected.Length..], b => Assert.Equal(0, b));

        var small = new byte[expected.Length - 1];
        Assert.False(share.TrySerialize(small, out var written));
        Assert.Equal(0, written);
        Assert.All(small, b => Assert.Equal(0, b));
        Assert.Throws<ArgumentException>(() => share.Serialize(new byte[10]));
    }

    [Fact]
    public void A_disposed_share_cannot_be_serialized()
    {
        var share = CggmpCoreKeyShare.Parse(Frozen(1));
        share.Dispose();
        Assert.Throws<ObjectDisposedException>(() => share.Serialize());
    }

    [Fact]
    public void A_parsed_share_prints_no_secret()
    {
        using var share = CggmpCoreKeyShare.Parse(Frozen(1));
        var secretHex = Convert.ToHexStringLower(share.SecretShare);
        Assert.Equal("CggmpCoreKeyShare(party 1, 2-of-3, <redacted>)", share.ToString());
        Assert.DoesNotContain(secretHex, share.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("magic", "magic")]
    [InlineData("version 2", "unknown version 2")]
    [InlineData("version 0", "unknown version 0")]
    [InlineData("curve", "unknown curve")]
    [InlineData("extra trailing byte", "183 bytes, but 3 parties need exactly 182")]
    [InlineData("party count 4", "182 bytes, but 4 parties need exactly 217")]
    [InlineData("party count 2", "182 bytes, but 2 parties need exactly 147")]
    [InlineData("t > n", "2 ≤ t ≤ n (t = 4, n = 3)")]
    [InlineData("t = 1", "2 ≤ t ≤ n (t = 1, n = 3)")]
    [InlineData("self zero", "self id is zero")]
    [InlineData("self not in list", "self id 4 is not in the party list")]
    [InlineData("party id zero", "party entry 0 has id zero")]
    [InlineData("duplicate ids", "distinct and ascending (id 1 follows 1)")]
    [InlineData("unsorted ids", "distinct and ascending (id 2 follows 3)")]
    [InlineData("off-curve public share", "public share of party 3 is not a valid")]
    [InlineData("public share x above the field prime", "public share of party 2 is not a valid")]
    [InlineData("uncompressed prefix", "public share of party 1 is not a valid")]
    [InlineData("identity public share", "public share of party 2 is not a valid")]
    [InlineData("identity public key", "public key is not a valid")]
    [InlineData("non-canonical secret (= n)", "not a canonical scalar")]
    [InlineData("non-canonical secret (all ones)", "not a canonical scalar")]
    [InlineData("secret share does not match", "secret share does not match the public share of party 1")]
    [InlineData("zero secret share", "secret share does not match the public share of party 1")]
    [InlineData("inconsistent public share", "polynomial of degree exactly 1")]
    [InlineData("wrong public key", "polynomial of degree exactly 1")]
    [InlineData("swapped public shares", "polynomial of degree exactly 1")]
    [InlineData("threshold raised to n", "polynomial of degree exactly 2")]
    public void Each_kind_of_corruption_is_rejected(string corruption, string expectedReason)
    {
        var bytes = Frozen(1);
        RejectedWith(Corrupt(bytes, corruption), expectedReason, SecretHex(bytes));
    }

    [Fact]
    public void Every_truncation_is_rejected()
    {
        var bytes = Frozen(3);
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.False(CggmpCoreKeyShare.TryParse(bytes.AsSpan(0, length), out var share), $"truncated to {length} bytes");
            Assert.Null(share);
        }
    }

    [Fact]
    public void Every_single_bit_flip_is_rejected()
    {
        // Every byte is covered by a check: structure, point validity, the polynomial checks (ids are
        // evaluation points, so a changed id breaks them too) or x_self·G = X_self.
        var bytes = Frozen(2);
        var secretHex = SecretHex(bytes);
        for (var i = 0; i < bytes.Length; i++)
        {
            foreach (var mask in new byte[] { 0x01, 0x80 })
            {
                var copy = (byte[])bytes.Clone();
                copy[i] ^= mask;
                Assert.False(CggmpCoreKeyShare.TryParse(copy, out _), $"byte {i} ^ 0x{mask:x2} was accepted");
                var e = Assert.Throws<FormatException>(() => CggmpCoreKeyShare.Parse(copy));
                Assert.DoesNotContain(secretHex, e.Message, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public void Fresh_three_of_five_shares_with_a_corrupted_later_public_share_are_rejected()
    {
        // With t = 3 the first three shares fix the polynomial; X_4 and X_5 are checked by interpolation.
        var shares = KeygenTests.Run(3, 5);
        try
        {
            var bytes = shares[0].Serialize();
            foreach (var k in new[] { 3, 4 })
            {
                var copy = (byte[])bytes.Clone();
                var offset = FirstPartyOffset + (k * PartyLength) + 2;
                var moved = G.Add(G.DeserializeElement(copy.AsSpan(offset, 33)), G.Generator);
                G.SerializeElement(moved, copy.AsSpan(offset, 33));
                RejectedWith(copy, "polynomial of degree exactly 2", Convert.ToHexStringLower(shares[0].SecretShare));
            }
        }
        finally
        {
            shares.ForEach(s => s.Dispose());
        }
    }

    private static byte[] Frozen(int party) => CompatV1.Read(CompatV1.KeyShareFile(party));

    private static string SecretHex(byte[] encoding) => Convert.ToHexStringLower(encoding.AsSpan(encoding.Length - 32));

    private static void RejectedWith(byte[] encoding, string expectedReason, string secretHex)
    {
        Assert.False(CggmpCoreKeyShare.TryParse(encoding, out var share));
        Assert.Null(share);
        var e = Assert.Throws<FormatException>(() => CggmpCoreKeyShare.Parse(encoding));
        Assert.Contains(expectedReason, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secretHex, e.Message, StringComparison.OrdinalIgnoreCase);
    }

    private static byte[] Corrupt(byte[] original, string corruption)
    {
        var b = (byte[])original.Clone();
        switch (corruption)
        {
            case "magic":
                b[0] ^= 1;
                break;
            case "version 2":
                b[4] = 2;
                break;
            case "version 0":
                b[4] = 0;
                break;
            case "curve":
                b[5] = 2;
                break;
            case "extra trailing byte":
                return [.. b, 0];
            case "party count 4":
                WriteU16(b, CountOffset, 4);
                break;
            case "party count 2":
                WriteU16(b, CountOffset, 2);
                break;
            case "t > n":
                WriteU16(b, ThresholdOffset, 4);
                break;
            case "t = 1":
                WriteU16(b, ThresholdOffset, 1);
                break;
            case "self zero":
                WriteU16(b, SelfOffset, 0);
                break;
            case "self not in list":
                WriteU16(b, SelfOffset, 4);
                break;
            case "party id zero":
                WriteU16(b, PartyOffset(0), 0);
                break;
            case "duplicate ids":
                WriteU16(b, PartyOffset(1), 1);
                break;
            case "unsorted ids":
                // Swap the whole entries of parties 2 and 3 (id and public share).
                b.AsSpan(PartyOffset(1), PartyLength).CopyTo(b.AsSpan(PartyOffset(2)));
                original.AsSpan(PartyOffset(2), PartyLength).CopyTo(b.AsSpan(PartyOffset(1)));
                break;
            case "off-curve public share":
                OffCurveX().CopyTo(b.AsSpan(PointOffset(2) + 1));
                b[PointOffset(2)] = 0x02;
                break;
            case "public share x above the field prime":
                b.AsSpan(PointOffset(1) + 1, 32).Fill(0xFF);
                break;
            case "uncompressed prefix":
                b[PointOffset(0)] = 0x04;
                break;
            case "identity public share":
                b.AsSpan(PointOffset(1), 33).Clear();
                break;
            case "identity public key":
                b.AsSpan(PublicKeyOffset, 33).Clear();
                break;
            case "non-canonical secret (= n)":
                Convert.FromHexString("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141").CopyTo(b, SecretOffset);
                break;
            case "non-canonical secret (all ones)":
                b.AsSpan(SecretOffset).Fill(0xFF);
                break;
            case "secret share does not match":
                b[^1] ^= 1;
                break;
            case "zero secret share":
                b.AsSpan(SecretOffset).Clear();
                break;
            case "inconsistent public share":
                // X_3 (not this party's) moved by G: the first two shares still give Y.
                Move(b, PointOffset(2));
                break;
            case "wrong public key":
                Move(b, PublicKeyOffset);
                break;
            case "swapped public shares":
                b.AsSpan(PointOffset(1), 33).CopyTo(b.AsSpan(PointOffset(2)));
                original.AsSpan(PointOffset(2), 33).CopyTo(b.AsSpan(PointOffset(1)));
                break;
            case "threshold raised to n":
                // Three points of a line also lie on a parabola; only the exact-degree check catches this.
                WriteU16(b, ThresholdOffset, 3);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(corruption), corruption, "Unknown corruption.");
        }

        return b;
    }

    private static int PartyOffset(int k) => FirstPartyOffset + (k * PartyLength);

    private static int PointOffset(int k) => PartyOffset(k) + 2;

    private static void WriteU16(byte[] b, int offset, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(offset), value);

    private static void Move(byte[] b, int pointOffset)
    {
        var moved = G.Add(G.DeserializeElement(b.AsSpan(pointOffset, 33)), G.Generator);
        G.SerializeElement(moved, b.AsSpan(pointOffset, 33));
    }

    /// <summary>The smallest x below the field prime for which x³ + 7 has no square root (no point has it).</summary>
    private static byte[] OffCurveX()
    {
        var encoding = new byte[33];
        encoding[0] = 0x02;
        for (byte x = 1; ; x++)
        {
            encoding[32] = x;
            if (!G.TryDeserializeElement(encoding, out _))
            {
                return encoding[1..];
            }
        }
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using Conclave.Mpc.Node;
using Conclave.Mpc.Tests.Sessions;

namespace Conclave.Mpc.Tests.Node;

/// <summary>
/// The node's stored secp256k1 key record, <c>"CWCG" | 0x01 | len u32 | CGKS share | CGAX aux info</c>
/// (<see cref="MpcNode.EncodeCggmpKey"/> / <see cref="MpcNode.DecodeCggmpKey"/>): it round-trips a
/// CGGMP21 keygen result, and truncated or mislabelled records are refused without echoing the share.
/// </summary>
public sealed class CggmpKeyRecordTests(CggmpSessionTests.SharedKey shared) : IClassFixture<CggmpSessionTests.SharedKey>
{
    private const int HeaderLength = 9; // magic 4, version 1, share length 4

    private static readonly string[] Parties = ["node-a", "node-b", "node-c"];

    [Theory]
    [InlineData("node-a")]
    [InlineData("node-b")]
    [InlineData("node-c")]
    public void A_keygen_result_round_trips_through_the_stored_record(string node)
    {
        var key = shared.Keys[node];
        var blob = MpcNode.EncodeCggmpKey(key.Share, key.AuxInfo);
        var share = key.Share.Serialize();
        var aux = key.AuxInfo.Serialize();
        try
        {
            Assert.Equal(HeaderLength + share.Length + aux.Length, blob.Length);
            Assert.Equal("CWCG"u8.ToArray(), blob[..4]);
            Assert.Equal(1, blob[4]);
            Assert.Equal((uint)share.Length, BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(5)));
            Assert.Equal(share, blob[HeaderLength..(HeaderLength + share.Length)]);
            Assert.Equal(aux, blob[(HeaderLength + share.Length)..]);

            using var decoded = MpcNode.DecodeCggmpKey(blob, Parties);
            Assert.Equal(Parties, decoded.Participants);
            Assert.Equal(key.Share.Self, decoded.Share.Self);
            Assert.Equal(key.ParticipantIdOf(node), decoded.ParticipantIdOf(node));
            Assert.Equal(key.SerializePublicKey(), decoded.SerializePublicKey());
            Assert.Equal(share, decoded.Share.Serialize());
            Assert.Equal(aux, decoded.AuxInfo.Serialize());
            Assert.Equal(blob, MpcNode.EncodeCggmpKey(decoded.Share, decoded.AuxInfo));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(blob);
            CryptographicOperations.ZeroMemory(share);
            CryptographicOperations.ZeroMemory(aux);
        }
    }

    [Theory]
    [InlineData("bad magic")]
    [InlineData("version 0")]
    [InlineData("version 2")]
    [InlineData("empty")]
    [InlineData("header minus one byte")]
    public void A_record_that_is_not_cwcg_version_1_is_refused(string corruption)
    {
        var blob = Blob();
        var corrupted = corruption switch
        {
            "bad magic" => [(byte)'X', .. blob[1..]],
            "version 0" => [.. blob[..4], 0, .. blob[5..]],
            "version 2" => [.. blob[..4], 2, .. blob[5..]],
            "empty" => [],
            "header minus one byte" => blob[..(HeaderLength - 1)],
            _ => throw new ArgumentOutOfRangeException(nameof(corruption)),
        };
        var e = Assert.Throws<CryptographicException>(() => MpcNode.DecodeCggmpKey(corrupted, Parties));
        Assert.Contains("not a version 1 CGGMP21 key record", e.Message, StringComparison.Ordinal);
        AssertNoSecret(blob, e);
    }

    [Fact]
    public void A_record_cut_inside_the_share_or_with_an_oversized_length_is_refused_as_truncated()
    {
        var blob = Blob();
        var shareLength = (int)BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(5));
        foreach (var length in new[] { HeaderLength, HeaderLength + 1, HeaderLength + (shareLength / 2), HeaderLength + shareLength - 1 })
        {
            var e = Assert.Throws<CryptographicException>(() => MpcNode.DecodeCggmpKey(blob.AsSpan(0, length), Parties));
            Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
            AssertNoSecret(blob, e);
        }

        var oversized = (byte[])blob.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(oversized.AsSpan(5), uint.MaxValue);
        Assert.Contains("truncated", Assert.Throws<CryptographicException>(() => MpcNode.DecodeCggmpKey(oversized, Parties)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_cut_inside_the_aux_info_is_refused_by_the_aux_info_parser()
    {
        var blob = Blob();
        var auxStart = HeaderLength + (int)BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(5));
        foreach (var length in new[] { auxStart, auxStart + 1, (auxStart + blob.Length) / 2, blob.Length - 1 })
        {
            var e = Assert.Throws<FormatException>(() => MpcNode.DecodeCggmpKey(blob.AsSpan(0, length), Parties));
            AssertNoSecret(blob, e);
        }
    }

    [Fact]
    public void A_record_with_a_wrong_share_length_is_refused()
    {
        // The length field shifted by one moves the share/aux boundary: the share parser refuses it.
        var blob = Blob();
        var shareLength = BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(5));
        foreach (var wrong in new[] { shareLength - 1, shareLength + 1, 0u })
        {
            var copy = (byte[])blob.Clone();
            BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(5), wrong);
            var e = Assert.Throws<FormatException>(() => MpcNode.DecodeCggmpKey(copy, Parties));
            AssertNoSecret(blob, e);
        }
    }

    private byte[] Blob()
    {
        var key = shared.Keys["node-b"];
        return MpcNode.EncodeCggmpKey(key.Share, key.AuxInfo);
    }

    /// <summary>The CGKS share ends with the 32-byte secret share x_i; its hex must not appear in the message.</summary>
    private static void AssertNoSecret(byte[] blob, Exception e)
    {
        var shareEnd = HeaderLength + (int)BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(5));
        var secretHex = Convert.ToHexString(blob.AsSpan(shareEnd - 32, 32));
        Assert.DoesNotContain(secretHex, e.Message, StringComparison.OrdinalIgnoreCase);
    }
}

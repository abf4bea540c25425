using System.Security.Cryptography;
using System.Text;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Hashing;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Conclave.Crypto.Tests;

/// <summary><see cref="TaggedHash"/>: hash_tag(x) = SHA256(SHA256(tag) || SHA256(tag) || x) (BIP-340).</summary>
public sealed class TaggedHashTests
{
    // BIP-340 test vector row 1 (bitcoin/bips bip-0340/test-vectors.csv, see TestData/SOURCES.md).
    private const string Row1PublicKey = "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659";
    private const string Row1Message = "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89";
    private const string Row1Signature = "6896BD60EEAE296DB48A229FF71DFE071BDE413E6D43F917DC8DCF8C78DE33418906D11AC976ABCCB20B091292BFF4EA897EFCB639EA871CFA95F6DE339E4B0A";

    [Theory]
    [InlineData("BIP0340/challenge", 0)]
    [InlineData("BIP0340/nonce", 1)]
    [InlineData("TapTweak", 32)]
    [InlineData("", 100)]
    [InlineData("FROST-secp256k1-tag/ünïcødé", 65)]
    public void Compute_matches_the_definition_written_out_by_hand(string tag, int dataLength)
    {
        var data = RandomNumberGenerator.GetBytes(dataLength);
        var tagHash = SHA256.HashData(Encoding.UTF8.GetBytes(tag));
        var expected = SHA256.HashData([.. tagHash, .. tagHash, .. data]);

        var span = new byte[32];
        TaggedHash.Compute(tag, data, span);
        Assert.Equal(expected, span);
        Assert.Equal(expected, TaggedHash.ComputeParts(tag, data));
    }

    [Fact]
    public void The_parts_overload_hashes_the_concatenation()
    {
        var a = RandomNumberGenerator.GetBytes(7);
        var b = RandomNumberGenerator.GetBytes(0);
        var c = RandomNumberGenerator.GetBytes(40);
        var whole = new byte[32];
        TaggedHash.Compute("tag", [.. a, .. b, .. c], whole);
        Assert.Equal(whole, TaggedHash.ComputeParts("tag", a, b, c));
        Assert.NotEqual(whole, TaggedHash.ComputeParts("tag2", a, b, c));
    }

    [Fact]
    public void Three_array_arguments_bind_to_the_destination_overload()
    {
        // Regression: when the concatenating overload was also named Compute(params ...), this call
        // bound to it, hashed data || destination and left the destination all zero.
        byte[] data = [1, 2, 3];
        var destination = new byte[32];
        TaggedHash.Compute("tag", data, destination);
        var tagHash = SHA256.HashData("tag"u8);
        Assert.Equal(SHA256.HashData([.. tagHash, .. tagHash, .. data]), destination);
    }

    [Fact]
    public void Compute_rejects_a_destination_shorter_than_32_bytes()
    {
        Assert.Throws<ArgumentException>(() => TaggedHash.Compute("tag", "x"u8, new byte[31]));
    }

    [Fact]
    public void The_BIP340_challenge_of_vector_row_1_satisfies_the_verification_equation()
    {
        // s*G == R + e*P with e = hash_BIP0340/challenge(r || P || m) mod n, computed with TaggedHash.
        var pk = Convert.FromHexString(Row1PublicKey);
        var msg = Convert.FromHexString(Row1Message);
        var sig = Convert.FromHexString(Row1Signature);
        var e = new BcBigInteger(1, TaggedHash.ComputeParts("BIP0340/challenge", sig[..32], pk, msg)).Mod(Bip340Reference.Order);
        Assert.Equal(e, Bip340Reference.Challenge(sig.AsSpan(..32), pk, msg));

        var p = Bip340Reference.LiftX(pk)!;
        var r = Bip340Reference.LiftX(sig.AsSpan(..32))!;
        var s = new BcBigInteger(1, sig[32..]);
        Assert.Equal(Normalize(Bip340Reference.G.Multiply(s)), Normalize(r.Add(p.Multiply(e))));

        // With the wrong tag the equation no longer holds.
        var wrong = new BcBigInteger(1, TaggedHash.ComputeParts("BIP0340/nonce", sig[..32], pk, msg)).Mod(Bip340Reference.Order);
        Assert.NotEqual(Normalize(Bip340Reference.G.Multiply(s)), Normalize(r.Add(p.Multiply(wrong))));

        // And Conclave's own group agrees: lift_x(r) from Secp256k1Group is the same point.
        Assert.True(Secp256k1Group.Instance.TryLiftX(sig.AsSpan(..32), out var liftedR));
        Assert.Equal(r.GetEncoded(compressed: true), Secp256k1Group.Instance.SerializeElement(liftedR));
    }

    private static string Normalize(ECPoint point) => Convert.ToHexString(point.Normalize().GetEncoded(compressed: true));
}

using System.Security.Cryptography;
using System.Text;
using Conclave.Crypto.Hashing;

namespace Conclave.Crypto.Tests;

/// <summary><see cref="ExpandMessageXmd.Sha256"/> against RFC 9380 Appendix K.1.</summary>
public sealed class ExpandMessageXmdTests
{
    private const string Dst = "QUUX-V01-CS02-with-expander-SHA256-128";

    /// <summary>
    /// RFC 9380 Appendix K.1, expand_message_xmd(SHA-256), DST = QUUX-V01-CS02-with-expander-SHA256-128:
    /// msg, len_in_bytes and uniform_bytes, copied from the RFC text (draft-irtf-cfrg-hash-to-curve-16
    /// source and poc/vectors/expand_message_xmd_SHA256_38.json at cfrg/draft-irtf-cfrg-hash-to-curve
    /// commit 664b13592116cecc9e52fb192dcde0ade36f904e, which agree). The two long messages are written
    /// as "q128_" + 128 × 'q' and "a512_" + 512 × 'a', exactly as in the RFC.
    /// </summary>
    public static TheoryData<string, int, string> Rfc9380Vectors { get; } = new()
    {
        { string.Empty, 0x20, "68a985b87eb6b46952128911f2a4412bbc302a9d759667f87f7a21d803f07235" },
        { "abc", 0x20, "d8ccab23b5985ccea865c6c97b6e5b8350e794e603b4b97902f53a8a0d605615" },
        { "abcdef0123456789", 0x20, "eff31487c770a893cfb36f912fbfcbff40d5661771ca4b2cb4eafe524333f5c1" },
        { "q128_" + new string('q', 128), 0x20, "b23a1d2b4d97b2ef7785562a7e8bac7eed54ed6e97e29aa51bfe3f12ddad1ff9" },
        { "a512_" + new string('a', 512), 0x20, "4623227bcc01293b8c130bf771da8c298dede7383243dc0993d2d94823958c4c" },
        {
            string.Empty, 0x80,
            "af84c27ccfd45d41914fdff5df25293e221afc53d8ad2ac06d5e3e29485dadbee0d121587713a3e0dd4d5e69e93eb7cd4f5df4"
            + "cd103e188cf60cb02edc3edf18eda8576c412b18ffb658e3dd6ec849469b979d444cf7b26911a08e63cf31f9dcc541708d34"
            + "91184472c2c29bb749d4286b004ceb5ee6b9a7fa5b646c993f0ced"
        },
        {
            "abc", 0x80,
            "abba86a6129e366fc877aab32fc4ffc70120d8996c88aee2fe4b32d6c7b6437a647e6c3163d40b76a73cf6a5674ef1d890f95b"
            + "664ee0afa5359a5c4e07985635bbecbac65d747d3d2da7ec2b8221b17b0ca9dc8a1ac1c07ea6a1e60583e2cb00058e77b7b7"
            + "2a298425cd1b941ad4ec65e8afc50303a22c0f99b0509b4c895f40"
        },
        {
            "abcdef0123456789", 0x80,
            "ef904a29bffc4cf9ee82832451c946ac3c8f8058ae97d8d629831a74c6572bd9ebd0df635cd1f208e2038e760c4994984ce73f"
            + "0d55ea9f22af83ba4734569d4bc95e18350f740c07eef653cbb9f87910d833751825f0ebefa1abe5420bb52be14cf489b37f"
            + "e1a72f7de2d10be453b2c9d9eb20c7e3f6edc5a60629178d9478df"
        },
        {
            "q128_" + new string('q', 128), 0x80,
            "80be107d0884f0d881bb460322f0443d38bd222db8bd0b0a5312a6fedb49c1bbd88fd75d8b9a09486c60123dfa1d73c1cc3169"
            + "761b17476d3c6b7cbbd727acd0e2c942f4dd96ae3da5de368d26b32286e32de7e5a8cb2949f866a0b80c58116b29fa7fabb3"
            + "ea7d520ee603e0c25bcaf0b9a5e92ec6a1fe4e0391d1cdbce8c68a"
        },
        {
            "a512_" + new string('a', 512), 0x80,
            "546aff5444b5b79aa6148bd81728704c32decb73a3ba76e9e75885cad9def1d06d6792f8a7d12794e90efed817d96920d72889"
            + "6a4510864370c207f99bd4a608ea121700ef01ed879745ee3e4ceef777eda6d9e5e38b90c86ea6fb0b36504ba4a45d22e86f"
            + "6db5dd43d98a294bebb9125d5b794e9d2a81181066eb954966a487"
        },
    };

    [Theory]
    [MemberData(nameof(Rfc9380Vectors))]
    public void Sha256_reproduces_RFC_9380_appendix_K1(string message, int lengthInBytes, string uniformBytes)
    {
        var actual = ExpandMessageXmd.Sha256(Encoding.ASCII.GetBytes(message), Encoding.ASCII.GetBytes(Dst), lengthInBytes);
        Assert.Equal(uniformBytes, Convert.ToHexStringLower(actual));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(48)]
    [InlineData(96)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(1000)]
    [InlineData(255 * 32)]
    public void Sha256_matches_a_literal_transcription_of_RFC_9380_section_5_3_1_for_other_lengths(int lengthInBytes)
    {
        var message = RandomNumberGenerator.GetBytes(RandomNumberGenerator.GetInt32(0, 200));
        var dst = Encoding.ASCII.GetBytes("CONCLAVE-TEST-DST");
        var actual = ExpandMessageXmd.Sha256(message, dst, lengthInBytes);
        Assert.Equal(lengthInBytes, actual.Length);
        Assert.Equal(Reference(message, dst, lengthInBytes), actual);
    }

    [Fact]
    public void The_output_depends_on_the_requested_length_not_only_its_prefix()
    {
        var dst = Encoding.ASCII.GetBytes(Dst);
        var short32 = ExpandMessageXmd.Sha256("abc"u8, dst, 32);
        var long64 = ExpandMessageXmd.Sha256("abc"u8, dst, 64);
        Assert.NotEqual(short32, long64[..32]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData((255 * 32) + 1)]
    [InlineData(65536)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void Sha256_rejects_lengths_outside_the_RFC_bounds(int lengthInBytes)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ExpandMessageXmd.Sha256("abc"u8, Encoding.ASCII.GetBytes(Dst), lengthInBytes));
    }

    [Fact]
    public void Sha256_rejects_a_DST_longer_than_255_bytes_and_accepts_255()
    {
        Assert.Throws<ArgumentException>(() => ExpandMessageXmd.Sha256("abc"u8, new byte[256], 32));
        Assert.Equal(32, ExpandMessageXmd.Sha256("abc"u8, new byte[255], 32).Length);
    }

    /// <summary>RFC 9380 §5.3.1 step by step, with plain concatenation (test oracle only).</summary>
    private static byte[] Reference(byte[] msg, byte[] dst, int lenInBytes)
    {
        const int bInBytes = 32;
        const int sInBytes = 64;
        var ell = (lenInBytes + bInBytes - 1) / bInBytes;
        byte[] dstPrime = [.. dst, (byte)dst.Length];
        byte[] zPad = new byte[sInBytes];
        byte[] libStr = [(byte)(lenInBytes >> 8), (byte)(lenInBytes & 0xff)];
        byte[] msgPrime = [.. zPad, .. msg, .. libStr, 0, .. dstPrime];
        var b0 = SHA256.HashData(msgPrime);
        var bi = SHA256.HashData([.. b0, 1, .. dstPrime]);
        var uniform = new List<byte>(bi);
        for (var i = 2; i <= ell; i++)
        {
            var x = new byte[bInBytes];
            for (var j = 0; j < bInBytes; j++)
            {
                x[j] = (byte)(b0[j] ^ bi[j]);
            }

            bi = SHA256.HashData([.. x, (byte)i, .. dstPrime]);
            uniform.AddRange(bi);
        }

        return [.. uniform.Take(lenInBytes)];
    }
}

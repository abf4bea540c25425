using System.Security.Cryptography;
using System.Text.Json;
using Conclave.Crypto.Signatures;

namespace Conclave.Crypto.Tests;

/// <summary>
/// The secp256k1 ECDSA verifier against Wycheproof <c>ecdsa_secp256k1_sha256_test.json</c> (plain
/// ECDSA: high s accepted) and <c>ecdsa_secp256k1_sha256_bitcoin_test.json</c> (low s required).
/// "valid" must verify, "invalid" must not; "acceptable" may go either way.
/// </summary>
public sealed class EcdsaSecp256k1Tests
{
    public static TheoryData<string, bool> Files => new()
    {
        { "wycheproof/ecdsa_secp256k1_sha256_test.json", false },
        { "wycheproof/ecdsa_secp256k1_sha256_bitcoin_test.json", true },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Wycheproof_vectors_are_classified_correctly(string file, bool requireLowS)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestFiles.PathOf(file)));
        var failures = new List<string>();
        var counted = 0;
        foreach (var group in doc.RootElement.GetProperty("testGroups").EnumerateArray())
        {
            var publicKey = Convert.FromHexString(group.GetProperty("publicKey").GetProperty("uncompressed").GetString()!);
            foreach (var test in group.GetProperty("tests").EnumerateArray())
            {
                var result = test.GetProperty("result").GetString();
                if (result == "acceptable")
                {
                    continue;
                }

                var hash = SHA256.HashData(Convert.FromHexString(test.GetProperty("msg").GetString()!));
                var sig = Convert.FromHexString(test.GetProperty("sig").GetString()!);
                var ok = EcdsaSecp256k1.VerifyDer(publicKey, hash, sig, requireLowS);
                counted++;
                if (ok != (result == "valid"))
                {
                    failures.Add($"tcId {test.GetProperty("tcId").GetInt32()} ({test.GetProperty("comment").GetString()}): expected {result}");
                }
            }
        }

        Assert.True(counted > 300);
        Assert.Empty(failures);
    }

    [Fact]
    public void Malformed_inputs_are_rejected_without_throwing()
    {
        var hash = new byte[32];
        Assert.False(EcdsaSecp256k1.VerifyDer(new byte[33], hash, [0x30, 0x00], requireLowS: true));
        Assert.False(EcdsaSecp256k1.VerifyDer(new byte[33], new byte[31], [0x30, 0x00], requireLowS: true));
        Assert.False(EcdsaSecp256k1.VerifyDer(new byte[64], hash, [0x30, 0x00], requireLowS: true));
        Assert.False(EcdsaSecp256k1.VerifyDer(new byte[33], hash, [], requireLowS: true));
    }
}

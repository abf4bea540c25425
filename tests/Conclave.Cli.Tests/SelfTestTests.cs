using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Conclave.Cli.SelfTest;
using NSec.Cryptography;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Math;
using BcPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Conclave.Cli.Tests;

/// <summary>
/// <c>conclave selftest --json</c> prints the contract's exact fields, and every printed signature
/// verifies with an implementation independent of Conclave's (NSec for Ed25519, BouncyCastle for
/// BIP-340 and the RFC 9591 secp256k1 equation).
/// </summary>
public sealed class SelfTestTests
{
    private static readonly X9ECParameters Curve = Org.BouncyCastle.Asn1.Sec.SecNamedCurves.GetByName("secp256k1");

    [Fact]
    public void Json_output_has_the_contract_fields_and_independently_verifiable_signatures()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = SelfTestCommand.Run(json: true, stdout, stderr);
        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, stderr.ToString());

        using var doc = JsonDocument.Parse(stdout.ToString());
        var runs = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(6, runs.Count);
        string[] fields = ["protocol", "suite", "threshold", "parties", "signers", "publicKey", "message", "signature", "verified"];
        foreach (var suite in new[] { "ed25519", "secp256k1", "secp256k1-tr" })
        {
            Assert.Contains(runs, r => r.GetProperty("suite").GetString() == suite && r.GetProperty("threshold").GetInt32() == 2 && r.GetProperty("parties").GetInt32() == 3);
            Assert.Contains(runs, r => r.GetProperty("suite").GetString() == suite && r.GetProperty("threshold").GetInt32() == 3 && r.GetProperty("parties").GetInt32() == 5);
        }

        foreach (var run in runs)
        {
            Assert.Equal(fields, run.EnumerateObject().Select(p => p.Name));
            Assert.Equal("frost", run.GetProperty("protocol").GetString());
            Assert.True(run.GetProperty("verified").GetBoolean());
            var t = run.GetProperty("threshold").GetInt32();
            var n = run.GetProperty("parties").GetInt32();
            var signers = run.GetProperty("signers").EnumerateArray().Select(s => s.GetInt32()).ToList();
            Assert.Equal(t, signers.Count);
            Assert.Equal(signers.Order(), signers);
            Assert.All(signers, s => Assert.InRange(s, 1, n));
            var pk = Convert.FromHexString(run.GetProperty("publicKey").GetString()!);
            var msg = Convert.FromHexString(run.GetProperty("message").GetString()!);
            var sig = Convert.FromHexString(run.GetProperty("signature").GetString()!);
            Assert.Equal(32, msg.Length);
            switch (run.GetProperty("suite").GetString())
            {
                case "ed25519":
                    Assert.Equal(32, pk.Length);
                    Assert.Equal(64, sig.Length);
                    Assert.True(SignatureAlgorithm.Ed25519.Verify(PublicKey.Import(SignatureAlgorithm.Ed25519, pk, KeyBlobFormat.RawPublicKey), msg, sig));
                    break;
                case "secp256k1":
                    Assert.Equal(33, pk.Length);
                    Assert.Equal(65, sig.Length);
                    Assert.True(VerifyRfc9591Secp256k1(pk, msg, sig));
                    break;
                case "secp256k1-tr":
                    Assert.Equal(32, pk.Length);
                    Assert.Equal(64, sig.Length);
                    Assert.True(VerifyBip340(pk, msg, sig));
                    break;
                default:
                    Assert.Fail("unexpected suite");
                    break;
            }

            // A flipped bit must fail the independent verifiers too (they are not rubber stamps).
            sig[^1] ^= 1;
            Assert.False(run.GetProperty("suite").GetString() switch
            {
                "ed25519" => SignatureAlgorithm.Ed25519.Verify(PublicKey.Import(SignatureAlgorithm.Ed25519, pk, KeyBlobFormat.RawPublicKey), msg, sig),
                "secp256k1" => VerifyRfc9591Secp256k1(pk, msg, sig),
                _ => VerifyBip340(pk, msg, sig),
            });
        }
    }

    [Fact]
    public void Human_output_reports_every_known_answer_test()
    {
        var stdout = new StringWriter();
        Assert.Equal(0, SelfTestCommand.Run(json: false, stdout, new StringWriter()));
        var text = stdout.ToString();
        Assert.Contains("KAT ok     ed25519", text, StringComparison.Ordinal);
        Assert.Contains("KAT ok     secp256k1 ", text, StringComparison.Ordinal);
        Assert.Contains("KAT ok     secp256k1-tr", text, StringComparison.Ordinal);
        Assert.EndsWith("selftest: all checks passed" + Environment.NewLine, text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_conclave_process_exits_zero_and_prints_one_json_array()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "conclave.dll");
        var psi = new ProcessStartInfo("dotnet", [dll, "selftest", "--json"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(JsonValueKind.Array, doc.RootElement.ValueKind);
    }

    [Fact]
    public void An_unknown_option_is_a_usage_error()
    {
        Assert.Equal(2, Program.Main(["selftest", "--no-such-option"]));
    }

    /// <summary>RFC 9591 §6.5 verification with BouncyCastle: z*G == R + c*PK, c = hash_to_field(R || PK || m, "FROST-secp256k1-SHA256-v1chal").</summary>
    private static bool VerifyRfc9591Secp256k1(byte[] pk, byte[] msg, byte[] sig)
    {
        var r = Curve.Curve.DecodePoint(sig[..33]);
        var z = new BigInteger(1, sig[33..]);
        var y = Curve.Curve.DecodePoint(pk);
        var c = HashToFieldSecp256k1([.. sig[..33], .. pk, .. msg], "FROST-secp256k1-SHA256-v1chal"u8.ToArray());
        var left = Curve.G.Multiply(z).Normalize();
        var right = r.Add(y.Multiply(c)).Normalize();
        return z.CompareTo(Curve.N) < 0 && left.Equals(right);
    }

    /// <summary>BIP-340 verification with BouncyCastle.</summary>
    private static bool VerifyBip340(byte[] xonly, byte[] msg, byte[] sig)
    {
        var p = LiftX(new BigInteger(1, xonly));
        var r = new BigInteger(1, sig[..32]);
        var s = new BigInteger(1, sig[32..]);
        if (p is null || s.CompareTo(Curve.N) >= 0)
        {
            return false;
        }

        var e = new BigInteger(1, TaggedHash("BIP0340/challenge", [.. sig[..32], .. xonly, .. msg])).Mod(Curve.N);
        var rr = Curve.G.Multiply(s).Add(p.Multiply(e).Negate()).Normalize();
        return !rr.IsInfinity && !rr.AffineYCoord.TestBitZero() && rr.AffineXCoord.ToBigInteger().Equals(r);
    }

    private static BcPoint? LiftX(BigInteger x)
    {
        var prime = Curve.Curve.Field.Characteristic;
        if (x.CompareTo(prime) >= 0)
        {
            return null;
        }

        var c = x.ModPow(BigInteger.Three, prime).Add(BigInteger.ValueOf(7)).Mod(prime);
        var y = c.ModPow(prime.Add(BigInteger.One).ShiftRight(2), prime);
        if (!y.ModPow(BigInteger.Two, prime).Equals(c))
        {
            return null;
        }

        return Curve.Curve.CreatePoint(x, y.TestBit(0) ? prime.Subtract(y) : y);
    }

    private static byte[] TaggedHash(string tag, byte[] data)
    {
        var t = SHA256.HashData(Encoding.UTF8.GetBytes(tag));
        return SHA256.HashData([.. t, .. t, .. data]);
    }

    /// <summary>RFC 9380 hash_to_field (expand_message_xmd SHA-256, L = 48) written independently of Conclave.</summary>
    private static BigInteger HashToFieldSecp256k1(byte[] msg, byte[] dst)
    {
        const int len = 48;
        byte[] dstPrime = [.. dst, (byte)dst.Length];
        var b0 = SHA256.HashData([.. new byte[64], .. msg, 0, len, 0, .. dstPrime]);
        var b1 = SHA256.HashData([.. b0, 1, .. dstPrime]);
        var b2 = SHA256.HashData([.. b0.Zip(b1, (a, b) => (byte)(a ^ b)), 2, .. dstPrime]);
        return new BigInteger(1, [.. b1, .. b2[..16]]).Mod(Curve.N);
    }
}

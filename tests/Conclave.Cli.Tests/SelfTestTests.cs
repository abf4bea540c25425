using System.Diagnostics;
using System.Text.Json;
using Conclave.Cli.SelfTest;
using NSec.Cryptography;

namespace Conclave.Cli.Tests;

/// <summary>
/// <c>conclave selftest --json</c> prints the contract's exact fields, and every printed signature
/// verifies with an implementation independent of Conclave's (NSec for Ed25519, BouncyCastle for
/// BIP-340 and the RFC 9591 secp256k1 equation; see <see cref="IndependentVerifier"/>).
/// </summary>
public sealed class SelfTestTests
{
    [Fact]
    public void Frost_json_output_has_the_contract_fields_and_independently_verifiable_signatures()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = SelfTestCommand.Run(json: true, stdout, stderr, "frost");
        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, stderr.ToString());
        using var doc = JsonDocument.Parse(stdout.ToString());
        var runs = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(6, runs.Count);
        CheckFrostRuns(runs);
    }

    [Fact]
    public async Task The_conclave_process_prints_frost_and_cggmp21_runs_that_verify_independently()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "conclave.dll");
        var psi = new ProcessStartInfo("dotnet", [dll, "selftest", "--json"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var errors = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var output = await p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(string.Empty, await errors);
        Assert.Equal(0, p.ExitCode);
        using var doc = JsonDocument.Parse(output);
        var runs = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(8, runs.Count);
        CheckFrostRuns([.. runs.Where(r => r.GetProperty("protocol").GetString() == "frost")]);
        CheckCggmpRuns([.. runs.Where(r => r.GetProperty("protocol").GetString() == "cggmp21")]);
    }

    private static void CheckCggmpRuns(List<JsonElement> runs)
    {
        Assert.Equal(2, runs.Count);
        Assert.Contains(runs, r => r.GetProperty("threshold").GetInt32() == 2 && r.GetProperty("parties").GetInt32() == 3);
        Assert.Contains(runs, r => r.GetProperty("threshold").GetInt32() == 3 && r.GetProperty("parties").GetInt32() == 5);
        string[] fields = ["protocol", "suite", "threshold", "parties", "signers", "publicKey", "messageHash", "signature", "recoveryId", "verified", "primes"];
        var halfOrder = Convert.FromHexString("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0");
        foreach (var run in runs)
        {
            Assert.Equal(fields, run.EnumerateObject().Select(p => p.Name));
            Assert.Equal("secp256k1", run.GetProperty("suite").GetString());
            Assert.Equal("fresh", run.GetProperty("primes").GetString());
            Assert.True(run.GetProperty("verified").GetBoolean());
            var t = run.GetProperty("threshold").GetInt32();
            var signers = run.GetProperty("signers").EnumerateArray().Select(s => s.GetInt32()).ToList();
            Assert.Equal(t, signers.Count);
            Assert.Equal(signers.Order(), signers);
            var pk = Convert.FromHexString(run.GetProperty("publicKey").GetString()!);
            var hash = Convert.FromHexString(run.GetProperty("messageHash").GetString()!);
            var sig = Convert.FromHexString(run.GetProperty("signature").GetString()!);
            var v = run.GetProperty("recoveryId").GetInt32();
            Assert.Equal(33, pk.Length);
            Assert.Equal(32, hash.Length);
            Assert.Equal(64, sig.Length);
            Assert.True(sig.AsSpan(32).SequenceCompareTo(halfOrder) <= 0, "s must be low");
            Assert.True(IndependentVerifier.VerifyEcdsaSecp256k1(pk, hash, sig));
            Assert.Equal(pk, Conclave.Crypto.Signatures.EcdsaSecp256k1.Recover(hash, sig, v));
            sig[^1] ^= 1;
            Assert.False(IndependentVerifier.VerifyEcdsaSecp256k1(pk, hash, sig));
        }
    }

    private static void CheckFrostRuns(List<JsonElement> runs)
    {
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
                    Assert.True(IndependentVerifier.VerifySecp256k1(pk, msg, sig));
                    break;
                case "secp256k1-tr":
                    Assert.Equal(32, pk.Length);
                    Assert.Equal(64, sig.Length);
                    Assert.True(IndependentVerifier.VerifyBip340(pk, msg, sig));
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
                "secp256k1" => IndependentVerifier.VerifySecp256k1(pk, msg, sig),
                _ => IndependentVerifier.VerifyBip340(pk, msg, sig),
            });
        }
    }

    [Fact]
    public void Human_output_reports_every_known_answer_test()
    {
        var stdout = new StringWriter();
        Assert.Equal(0, SelfTestCommand.Run(json: false, stdout, new StringWriter(), "frost"));
        var text = stdout.ToString();
        Assert.Contains("KAT ok     ed25519", text, StringComparison.Ordinal);
        Assert.Contains("KAT ok     secp256k1 ", text, StringComparison.Ordinal);
        Assert.Contains("KAT ok     secp256k1-tr", text, StringComparison.Ordinal);
        Assert.EndsWith("selftest: all checks passed" + Environment.NewLine, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_option_is_a_usage_error()
    {
        Assert.Equal(2, await Program.Main(["selftest", "--no-such-option"]));
        Assert.Equal(2, await Program.Main(["selftest", "--protocol", "gg18"]));
    }
}

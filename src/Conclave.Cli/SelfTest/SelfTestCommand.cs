using System.CommandLine;
using System.Text.Json;

namespace Conclave.Cli.SelfTest;

/// <summary>
/// <c>conclave selftest</c>: power-on self-tests in the manner of FIPS 140-3 — known-answer tests
/// from the published vectors, then, for every FROST ciphersuite, a fresh DKG among simulated parties
/// and a threshold signature over a random message, and CGGMP21 threshold ECDSA (keygen, aux info
/// with freshly generated safe primes, presign, sign) at 2-of-3 and 3-of-5, each verified before
/// it is printed.
/// </summary>
internal static class SelfTestCommand
{
    internal static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON array with an object per signing run." };
        var protocol = new Option<string>("--protocol") { Description = "Which signing runs: frost, cggmp21 or all (known-answer tests always run).", DefaultValueFactory = _ => "all" };
        protocol.AcceptOnlyFromAmong("all", "frost", "cggmp21");
        var command = new Command("selftest", "Run known-answer tests, a fresh FROST DKG + threshold signature for every ciphersuite, and CGGMP21 threshold ECDSA runs; exit code 1 if any check fails.");
        command.Options.Add(json);
        command.Options.Add(protocol);
        command.SetAction(parse => Run(parse.GetValue(json), Console.Out, Console.Error, parse.GetValue(protocol) ?? "all"));
        return command;
    }

    internal static int Run(bool json, TextWriter stdout, TextWriter stderr, string protocol = "all")
    {
        var frost = protocol is "all" or "frost";
        var cggmp = protocol is "all" or "cggmp21";
        var failed = false;
        foreach (var kat in FrostKnownAnswerTests.All)
        {
            var ok = FrostKnownAnswerTests.Run(kat, out var detail);
            failed |= !ok;
            if (!ok)
            {
                stderr.WriteLine($"KAT FAILED {kat.Suite.Name} ({kat.Source}): {detail}");
            }
            else if (!json)
            {
                stdout.WriteLine($"KAT ok     {kat.Suite.Name,-13} {kat.Source}");
            }
        }

        var results = new List<SelfTestResult>();
        foreach (var suite in frost ? Threshold.Frost.Ciphersuites.FrostCiphersuite.All : [])
        {
            foreach (var (t, n) in new[] { (2, 3), (3, 5) })
            {
                SelfTestResult r;
                try
                {
                    r = FrostDkgRun.Run(suite, t, n);
                }
                catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or InvalidOperationException or ArgumentException)
                {
                    stderr.WriteLine($"RUN FAILED {suite.Name} {t}-of-{n}: {e.Message}");
                    failed = true;
                    continue;
                }

                failed |= !r.Verified;
                results.Add(r);
                if (!json)
                {
                    stdout.WriteLine($"{(r.Verified ? "DKG+sign ok" : "DKG+sign FAILED")} {r.Suite,-13} {r.Threshold}-of-{r.Parties} signers [{string.Join(",", r.Signers)}] key {r.PublicKey} sig {r.Signature}");
                }
            }
        }

        foreach (var (t, n) in cggmp ? [(2, 3), (3, 5)] : Array.Empty<(int, int)>())
        {
            try
            {
                var r = CggmpRun.Run(t, n);
                failed |= !r.Verified;
                results.Add(r);
                if (!json)
                {
                    stdout.WriteLine($"{(r.Verified ? "DKG+sign ok" : "DKG+sign FAILED")} cggmp21 {r.Suite,-9} {r.Threshold}-of-{r.Parties} signers [{string.Join(",", r.Signers)}] key {r.PublicKey} sig {r.Signature} v {r.RecoveryId} (primes: {r.Primes})");
                }
            }
            catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or InvalidOperationException or ArgumentException)
            {
                stderr.WriteLine($"RUN FAILED cggmp21 {t}-of-{n}: {e.Message}");
                failed = true;
            }
        }

        if (json)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartArray();
                foreach (var r in results)
                {
                    r.WriteTo(writer);
                }

                writer.WriteEndArray();
            }

            stdout.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
        }
        else
        {
            stdout.WriteLine(failed ? "selftest: FAILED" : "selftest: all checks passed");
        }

        return failed ? 1 : 0;
    }
}

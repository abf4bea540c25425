using System.CommandLine;
using Conclave.Kms.Audit;
using Conclave.Kms.Storage.Sqlite;

namespace Conclave.Cli.Audit;

/// <summary>
/// <c>conclave audit verify [--data-dir ./.conclave]</c>: checks the KMS audit log's hash chain and
/// prints <c>audit: N records verified, head &lt;hash&gt;</c>, or the first bad position and what is
/// wrong there. Exit codes: 0 the chain verifies, 1 it does not (or the store cannot be read), 2 usage.
/// Anchor the printed head hash elsewhere: a chain cut short at its end verifies, and only a
/// known earlier head shows it.
/// </summary>
internal static class AuditCommand
{
    internal static Command Create()
    {
        var dataDir = new Option<string>("--data-dir") { Description = "The data directory whose KMS store to check.", DefaultValueFactory = _ => Up.UpCommand.DefaultDataDirectory };
        var expectHead = new Option<string?>("--expect-record") { Description = "SEQ:HASH of a head printed earlier; fails if that record is missing or different (detects a truncated log)." };
        var verify = new Command("verify", "Verify the KMS audit log's hash chain.");
        verify.Options.Add(dataDir);
        verify.Options.Add(expectHead);
        verify.SetAction((parse, cancellationToken) => VerifyAsync(parse.GetRequiredValue(dataDir), parse.GetValue(expectHead), Console.Out, Console.Error, cancellationToken));
        var audit = new Command("audit", "Audit log tools.");
        audit.Subcommands.Add(verify);
        return audit;
    }

    internal static async Task<int> VerifyAsync(string dataDirectory, string? expectRecord, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetFullPath(dataDirectory), "kms", "kms.db");
        if (!File.Exists(path))
        {
            await stderr.WriteLineAsync($"audit: no KMS store at {path}").ConfigureAwait(false);
            return 1;
        }

        (long Sequence, byte[] Hash)? expected = null;
        if (expectRecord is not null)
        {
            var parts = expectRecord.Split(':');
            if (parts.Length != 2 || !long.TryParse(parts[0], out var sequence) || sequence < 1 || parts[1].Length != 64)
            {
                await stderr.WriteLineAsync("audit: --expect-record takes SEQ:HASH (a sequence number and 64 hex digits)").ConfigureAwait(false);
                return 2;
            }

            expected = (sequence, Convert.FromHexString(parts[1]));
        }

        var store = await SqliteKmsStore.OpenAsync(path, cancellationToken).ConfigureAwait(false);
        await using (store.ConfigureAwait(false))
        {
            var records = new List<AuditRecord>();
            var result = await AuditChain.VerifyAsync(Capture(store.ReadAuditAsync(1, cancellationToken), records, expected), cancellationToken).ConfigureAwait(false);
            if (!result.IsValid)
            {
                await stdout.WriteLineAsync($"audit: FAILED at record {result.FirstBadSequence}: {result.Problem} ({result.ValidRecords} records before it verify)").ConfigureAwait(false);
                return 1;
            }

            if (expected is { } anchor)
            {
                var record = records.FirstOrDefault(r => r.Sequence == anchor.Sequence);
                if (record is null || !record.Hash.AsSpan().SequenceEqual(anchor.Hash))
                {
                    await stdout.WriteLineAsync($"audit: FAILED at record {anchor.Sequence}: {(record is null ? "it is missing (the log was truncated)" : "its hash differs from the expected one (the log was rewritten)")}").ConfigureAwait(false);
                    return 1;
                }
            }

            await stdout.WriteLineAsync($"audit: {result.ValidRecords} records verified, head {result.ValidRecords}:{Convert.ToHexStringLower(result.HeadHash)}").ConfigureAwait(false);
            return 0;
        }
    }

    private static async IAsyncEnumerable<AuditRecord> Capture(IAsyncEnumerable<AuditRecord> source, List<AuditRecord> sink, (long Sequence, byte[] Hash)? expected)
    {
        await foreach (var record in source.ConfigureAwait(false))
        {
            if (expected is { } e && record.Sequence == e.Sequence)
            {
                sink.Add(record);
            }

            yield return record;
        }
    }
}

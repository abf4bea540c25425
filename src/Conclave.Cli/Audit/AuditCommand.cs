using System.CommandLine;
using Conclave.Kms.Audit;
using Conclave.Kms.Storage;
using Conclave.Kms.Storage.Postgres;
using Conclave.Kms.Storage.Sqlite;

namespace Conclave.Cli.Audit;

/// <summary>
/// <c>conclave audit verify [--data-dir ./.conclave] [--store sqlite|postgres] [--expect-record SEQ:HASH] [--checkpoint-key HEX]</c>:
/// checks the KMS audit log's hash chain and its signed checkpoints, and prints
/// <c>audit: N records verified, head SEQ:HASH</c> and a line about the checkpoints, or the first bad
/// position and what is wrong there. Exit codes: 0 the log verifies, 1 it does not (or the store
/// cannot be read), 2 usage. A chain alone cannot show a log cut short at its end: a signed checkpoint
/// (or a head printed earlier, <c>--expect-record</c>) can, and <c>--checkpoint-key</c> pins the
/// threshold key that signs them so no other key's checkpoints are accepted. PostgreSQL is read from
/// the connection string in <c>CONCLAVE_KMS_POSTGRES</c>.
/// </summary>
internal static class AuditCommand
{
    internal static Command Create()
    {
        var dataDir = new Option<string>("--data-dir") { Description = "The data directory whose KMS store to check.", DefaultValueFactory = _ => Up.UpCommand.DefaultDataDirectory };
        var store = new Option<string>("--store") { Description = "Store: sqlite (<data-dir>/kms/kms.db) or postgres (CONCLAVE_KMS_POSTGRES).", DefaultValueFactory = _ => "sqlite" };
        store.AcceptOnlyFromAmong("sqlite", "postgres");
        var expectHead = new Option<string?>("--expect-record") { Description = "SEQ:HASH of a head printed earlier; fails if that record is missing or different (detects a truncated log)." };
        var checkpointKey = new Option<string?>("--checkpoint-key") { Description = "The 32-byte Ed25519 checkpoint key (64 hex digits) every signed checkpoint must verify under." };
        var verify = new Command("verify", "Verify the KMS audit log's hash chain and signed checkpoints.");
        verify.Options.Add(dataDir);
        verify.Options.Add(store);
        verify.Options.Add(expectHead);
        verify.Options.Add(checkpointKey);
        verify.SetAction((parse, cancellationToken) => VerifyAsync(
            parse.GetRequiredValue(dataDir), parse.GetRequiredValue(store), parse.GetValue(expectHead), parse.GetValue(checkpointKey), Console.Out, Console.Error, cancellationToken));
        var audit = new Command("audit", "Audit log tools.");
        audit.Subcommands.Add(verify);
        return audit;
    }

    internal static async Task<int> VerifyAsync(string dataDirectory, string storeKind, string? expectRecord, string? checkpointKey, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        (long Sequence, byte[] Hash)? expected = null;
        if (expectRecord is not null)
        {
            var parts = expectRecord.Split(':');
            if (parts.Length != 2 || !long.TryParse(parts[0], out var sequence) || sequence < 1 || !TryHex(parts[1], AuditChain.HashLength, out var hash))
            {
                await stderr.WriteLineAsync("audit: --expect-record takes SEQ:HASH (a sequence number and 64 hex digits)").ConfigureAwait(false);
                return 2;
            }

            expected = (sequence, hash);
        }

        var pinnedKey = Array.Empty<byte>();
        if (checkpointKey is not null && !TryHex(checkpointKey, AuditCheckpoint.PublicKeyLength, out pinnedKey))
        {
            await stderr.WriteLineAsync("audit: --checkpoint-key takes a 32-byte Ed25519 public key (64 hex digits)").ConfigureAwait(false);
            return 2;
        }

        IKmsStore? store;
        try
        {
            store = await OpenStoreAsync(dataDirectory, storeKind, stderr, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (CliFailure.IsExpected(e) || e is System.Data.Common.DbException)
        {
            await stderr.WriteLineAsync($"audit: cannot open the KMS store: {CliFailure.OneLine(e)}").ConfigureAwait(false);
            return 1;
        }

        if (store is null)
        {
            return 1;
        }

        await using (store.ConfigureAwait(false))
        {
            var checkpoints = await store.ListAuditCheckpointsAsync(1, cancellationToken).ConfigureAwait(false);
            var wanted = checkpoints.Select(c => c.Sequence).ToHashSet();
            if (expected is { } e)
            {
                wanted.Add(e.Sequence);
            }

            var hashes = new Dictionary<long, byte[]>();
            var result = await AuditChain.VerifyAsync(Capture(store.ReadAuditAsync(1, cancellationToken), wanted, hashes), cancellationToken).ConfigureAwait(false);
            if (!result.IsValid)
            {
                await stdout.WriteLineAsync($"audit: FAILED at record {result.FirstBadSequence}: {result.Problem} ({result.ValidRecords} records before it verify)").ConfigureAwait(false);
                return 1;
            }

            if (expected is { } anchor)
            {
                var found = hashes.TryGetValue(anchor.Sequence, out var hash) && anchor.Sequence <= result.ValidRecords;
                if (!found || !hash!.AsSpan().SequenceEqual(anchor.Hash))
                {
                    await stdout.WriteLineAsync($"audit: FAILED at record {anchor.Sequence}: {(!found ? "it is missing (the log was truncated)" : "its hash differs from the expected one (the log was rewritten)")}").ConfigureAwait(false);
                    return 1;
                }
            }

            var signed = AuditCheckpointVerification.Check(checkpoints, hashes, result.ValidRecords, pinnedKey);
            if (!signed.IsValid)
            {
                await stdout.WriteLineAsync($"audit: FAILED at record {signed.FirstBadSequence}: {signed.Problem} ({signed.Verified} checkpoints before it verify)").ConfigureAwait(false);
                return 1;
            }

            await stdout.WriteLineAsync($"audit: {result.ValidRecords} records verified, head {result.ValidRecords}:{Convert.ToHexStringLower(result.HeadHash)}").ConfigureAwait(false);
            if (signed.Latest is not { } latest)
            {
                if (pinnedKey.Length > 0)
                {
                    await stdout.WriteLineAsync("audit: FAILED: a checkpoint key was given but the log has no signed checkpoint (they were deleted, or checkpoints are not configured)").ConfigureAwait(false);
                    return 1;
                }

                await stdout.WriteLineAsync("audit: no signed checkpoints (the log's end is protected only by a head kept elsewhere: --expect-record)").ConfigureAwait(false);
                return 0;
            }

            var key = Convert.ToHexStringLower(signed.SigningKey!);
            var uncovered = result.ValidRecords - latest.Sequence;
            await stdout.WriteLineAsync(
                $"audit: {signed.Verified} signed checkpoints verified, latest of record {latest.Sequence} at {latest.Time:yyyy-MM-ddTHH:mm:ssZ} by MPC wallet {latest.WalletId}; "
                + (pinnedKey.Length > 0 ? $"key {key} (pinned)" : $"key {key} (not pinned: pass --checkpoint-key {key} next time)")
                + (uncovered > 0 ? $"; the last {uncovered} records are not yet covered by a checkpoint" : string.Empty)).ConfigureAwait(false);
            return 0;
        }
    }

    private static async Task<IKmsStore?> OpenStoreAsync(string dataDirectory, string storeKind, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (storeKind == "postgres")
        {
            var connectionString = Environment.GetEnvironmentVariable("CONCLAVE_KMS_POSTGRES");
            if (string.IsNullOrEmpty(connectionString))
            {
                await stderr.WriteLineAsync("audit: --store postgres needs the connection string in CONCLAVE_KMS_POSTGRES").ConfigureAwait(false);
                return null;
            }

            return await PostgresKmsStore.OpenAsync(connectionString, cancellationToken).ConfigureAwait(false);
        }

        var path = Path.Combine(Path.GetFullPath(dataDirectory), "kms", "kms.db");
        if (!File.Exists(path))
        {
            await stderr.WriteLineAsync($"audit: no KMS store at {path}").ConfigureAwait(false);
            return null;
        }

        return await SqliteKmsStore.OpenAsync(path, cancellationToken).ConfigureAwait(false);
    }

    private static bool TryHex(string text, int length, out byte[] bytes)
    {
        bytes = [];
        if (text.Length != length * 2 || !text.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        bytes = Convert.FromHexString(text);
        return true;
    }

    private static async IAsyncEnumerable<AuditRecord> Capture(IAsyncEnumerable<AuditRecord> source, HashSet<long> wanted, Dictionary<long, byte[]> hashes)
    {
        await foreach (var record in source.ConfigureAwait(false))
        {
            if (wanted.Contains(record.Sequence))
            {
                hashes[record.Sequence] = record.Hash;
            }

            yield return record;
        }
    }
}

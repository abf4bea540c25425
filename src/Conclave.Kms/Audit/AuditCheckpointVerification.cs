namespace Conclave.Kms.Audit;

/// <summary>
/// The result of checking the signed checkpoints of an audit log against the records that verified
/// (<see cref="Check"/>).
/// </summary>
/// <param name="Verified">How many checkpoints, from the earliest, verified.</param>
/// <param name="Latest">The latest checkpoint that verified, or null.</param>
/// <param name="SigningKey">The Ed25519 key every verified checkpoint is signed with, or null when there is none.</param>
/// <param name="FirstBadSequence">The record named by the first checkpoint that failed, or null.</param>
/// <param name="Problem">What is wrong there.</param>
public sealed record AuditCheckpointVerification(int Verified, AuditCheckpoint? Latest, byte[]? SigningKey, long? FirstBadSequence, string? Problem)
{
    /// <summary>True when every checkpoint verified.</summary>
    public bool IsValid => FirstBadSequence is null;

    /// <summary>
    /// Checks <paramref name="checkpoints"/> (any order) against a log whose first
    /// <paramref name="validRecords"/> records verified as a chain, given the stored hash of each
    /// record a checkpoint names (<paramref name="recordHashes"/>, absent when the record is not
    /// there). A checkpoint verifies when its signature is valid, it is signed by
    /// <paramref name="pinnedKey"/> (or, without a pinned key, by the same key as every other
    /// checkpoint, so a substituted key shows), its record is among the verified ones and that
    /// record's hash equals the signed one.
    /// </summary>
    public static AuditCheckpointVerification Check(
        IEnumerable<AuditCheckpoint> checkpoints, IReadOnlyDictionary<long, byte[]> recordHashes, long validRecords, ReadOnlySpan<byte> pinnedKey)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(recordHashes);
        if (!pinnedKey.IsEmpty && pinnedKey.Length != AuditCheckpoint.PublicKeyLength)
        {
            throw new ArgumentException($"A checkpoint key is {AuditCheckpoint.PublicKeyLength} bytes.", nameof(pinnedKey));
        }

        byte[]? key = pinnedKey.IsEmpty ? null : pinnedKey.ToArray();
        var verified = 0;
        AuditCheckpoint? latest = null;
        foreach (var checkpoint in checkpoints.OrderBy(c => c.Sequence))
        {
            var problem = FindProblem(checkpoint, key, recordHashes, validRecords, pinned: !pinnedKey.IsEmpty);
            if (problem is not null)
            {
                return new AuditCheckpointVerification(verified, latest, key, checkpoint.Sequence, problem);
            }

            key ??= checkpoint.PublicKey;
            latest = checkpoint;
            verified++;
        }

        return new AuditCheckpointVerification(verified, latest, verified == 0 && pinnedKey.IsEmpty ? null : key, null, null);
    }

    private static string? FindProblem(AuditCheckpoint checkpoint, byte[]? key, IReadOnlyDictionary<long, byte[]> recordHashes, long validRecords, bool pinned)
    {
        if (key is not null && !key.AsSpan().SequenceEqual(checkpoint.PublicKey))
        {
            return pinned
                ? $"the checkpoint of record {checkpoint.Sequence} is not signed by the pinned checkpoint key"
                : $"the checkpoint of record {checkpoint.Sequence} is signed by another key than the earlier checkpoints (pin the key with --checkpoint-key)";
        }

        if (!checkpoint.HasValidSignature())
        {
            return $"the checkpoint of record {checkpoint.Sequence} has an invalid signature (it was forged or altered)";
        }

        if (checkpoint.Sequence > validRecords || !recordHashes.TryGetValue(checkpoint.Sequence, out var hash))
        {
            return $"a signed checkpoint covers record {checkpoint.Sequence} but the log verifies only to record {validRecords} (the log was truncated or broken before it)";
        }

        return hash.AsSpan().SequenceEqual(checkpoint.Hash)
            ? null
            : $"record {checkpoint.Sequence} differs from its signed checkpoint (the log was rewritten up to it)";
    }
}

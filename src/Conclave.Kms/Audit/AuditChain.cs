using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Conclave.Kms.Audit;

/// <summary>
/// The audit log's hash chain: record <c>i</c> stores <c>H_i = SHA-256(label ‖ i ‖ H_{i-1} ‖ fields)</c>
/// with every field length-prefixed (an unambiguous encoding: no two different records hash the same
/// bytes), and <c>H_0</c> = 32 zero bytes. Changing, deleting, inserting or reordering any record
/// breaks the chain at that position; <see cref="Verify"/> finds the first break.
/// <para>Times are hashed (and stored) as Unix milliseconds, so every store round-trips them exactly.</para>
/// </summary>
public static class AuditChain
{
    /// <summary>Bytes in a record hash.</summary>
    public const int HashLength = 32;

    private static ReadOnlySpan<byte> Label => "conclave/kms/audit/v1\0"u8;

    /// <summary>The previous hash of the first record: 32 zero bytes.</summary>
    public static byte[] GenesisHash() => new byte[HashLength];

    /// <summary>The hash of the record at <paramref name="sequence"/> holding <paramref name="entry"/> after a record hashing to <paramref name="previousHash"/>.</summary>
    public static byte[] ComputeHash(long sequence, ReadOnlySpan<byte> previousHash, AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (previousHash.Length != HashLength)
        {
            throw new ArgumentException($"A previous hash is {HashLength} bytes.", nameof(previousHash));
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Label);
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(number, sequence);
        hash.AppendData(number);
        hash.AppendData(previousHash);
        BinaryPrimitives.WriteInt64BigEndian(number, entry.Time.ToUnixTimeMilliseconds());
        hash.AppendData(number);
        AppendString(hash, entry.Principal);
        AppendString(hash, entry.Tenant);
        AppendString(hash, entry.Action);
        AppendString(hash, entry.KeyId);
        BinaryPrimitives.WriteInt64BigEndian(number, entry.KeyVersion ?? -1);
        hash.AppendData(number);
        AppendString(hash, entry.RequestId);
        AppendString(hash, entry.Outcome);
        AppendBytes(hash, entry.RequestDigest);
        return hash.GetHashAndReset();
    }

    /// <summary>
    /// Checks a log read in sequence order: sequence numbers 1, 2, 3, … without gaps, each previous
    /// hash equal to the hash of the record before, each hash recomputed from the record.
    /// </summary>
    /// <returns>The outcome: the number of records checked, the head hash, and the first bad position if any.</returns>
    public static async ValueTask<AuditVerification> VerifyAsync(IAsyncEnumerable<AuditRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var previous = GenesisHash();
        long expected = 1;
        await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var problem = Check(record, expected, previous);
            if (problem is not null)
            {
                return new AuditVerification(expected - 1, previous, expected, problem);
            }

            previous = record.Hash;
            expected++;
        }

        return new AuditVerification(expected - 1, previous, null, null);
    }

    /// <summary>Synchronous <see cref="VerifyAsync"/> over records in memory.</summary>
    public static AuditVerification Verify(IEnumerable<AuditRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var previous = GenesisHash();
        long expected = 1;
        foreach (var record in records)
        {
            var problem = Check(record, expected, previous);
            if (problem is not null)
            {
                return new AuditVerification(expected - 1, previous, expected, problem);
            }

            previous = record.Hash;
            expected++;
        }

        return new AuditVerification(expected - 1, previous, null, null);
    }

    private static string? Check(AuditRecord record, long expected, byte[] previous)
    {
        if (record.Sequence != expected)
        {
            return record.Sequence < expected
                ? $"record {record.Sequence} appears where record {expected} was expected (a record was inserted, duplicated or reordered)"
                : $"record {record.Sequence} follows record {expected - 1} (record {expected} is missing: deleted or reordered)";
        }

        if (!previous.AsSpan().SequenceEqual(record.PreviousHash))
        {
            return $"record {expected} does not link to the record before it (a record before it was changed, deleted or inserted)";
        }

        var recomputed = ComputeHash(record.Sequence, record.PreviousHash, record.Entry);
        return recomputed.AsSpan().SequenceEqual(record.Hash) ? null : $"record {expected} was altered (its hash does not match its content)";
    }

    private static void AppendString(IncrementalHash hash, string? value)
    {
        if (value is null)
        {
            Span<byte> absent = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(absent, -1);
            hash.AppendData(absent);
            return;
        }

        AppendBytes(hash, Encoding.UTF8.GetBytes(value));
    }

    private static void AppendBytes(IncrementalHash hash, ReadOnlySpan<byte> value)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, value.Length);
        hash.AppendData(length);
        hash.AppendData(value);
    }
}

namespace Conclave.Kms.Audit;

/// <summary>The result of checking the audit chain.</summary>
/// <param name="ValidRecords">How many records, from the first, verified.</param>
/// <param name="HeadHash">The hash of the last valid record (32 zero bytes for an empty log): anchor it elsewhere to detect a truncated tail later.</param>
/// <param name="FirstBadSequence">The position of the first bad record, or null if the whole log verified.</param>
/// <param name="Problem">What is wrong at <paramref name="FirstBadSequence"/>.</param>
public sealed record AuditVerification(long ValidRecords, byte[] HeadHash, long? FirstBadSequence, string? Problem)
{
    /// <summary>True when every record verified.</summary>
    public bool IsValid => FirstBadSequence is null;
}

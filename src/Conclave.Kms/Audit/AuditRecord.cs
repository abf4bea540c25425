namespace Conclave.Kms.Audit;

/// <summary>
/// A stored audit record: the entry, its position in the log, the hash of the record before it and
/// its own hash over both (<see cref="AuditChain.ComputeHash"/>). Sequence numbers start at 1 and
/// have no gaps; the first record's previous hash is 32 zero bytes.
/// </summary>
public sealed record AuditRecord(long Sequence, AuditEntry Entry, byte[] PreviousHash, byte[] Hash);

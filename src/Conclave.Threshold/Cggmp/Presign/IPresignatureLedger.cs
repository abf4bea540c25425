namespace Conclave.Threshold.Cggmp.Presign;

/// <summary>
/// A durable record of presignatures already used, kept by whatever stores presignatures. A
/// presignature object is single use by itself; the ledger extends that to stored copies: a
/// presignature restored from a backup (or a second copy in another process) is refused because
/// its <see cref="PresignaturePublicData.Id"/> is already recorded. The ledger must therefore live
/// where backups of the presignatures do not roll it back (the node's share store keeps it with its
/// monotonic state, not with the presignature blobs).
/// </summary>
public interface IPresignatureLedger
{
    /// <summary>
    /// Records <paramref name="presignatureId"/> as used, durably, before returning true; returns
    /// false (recording nothing new) if it was already recorded. Must be atomic against concurrent callers.
    /// </summary>
    bool TryMarkUsed(ReadOnlySpan<byte> presignatureId);
}

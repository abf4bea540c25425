using Conclave.Kms.Audit;

namespace Conclave.Kms.Storage.Internal;

/// <summary>A commit waiting for the store's writer: its changes, its audit entry, and who to tell.</summary>
internal sealed class PendingCommit(IReadOnlyList<KmsChange> changes, AuditEntry audit)
{
    private readonly TaskCompletionSource<long> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<KmsChange> Changes { get; } = changes;

    public AuditEntry Audit { get; } = audit;

    public Task<long> Task => _completion.Task;

    public void Succeed(long sequence) => _completion.TrySetResult(sequence);

    public void Fail(Exception exception) => _completion.TrySetException(exception);
}

using System.Threading.Channels;
using Conclave.Kms.Audit;

namespace Conclave.Kms.Storage.Internal;

/// <summary>
/// Group commit: callers queue <see cref="PendingCommit"/>s; one writer loop takes everything queued
/// (up to <see cref="MaxBatch"/>) and hands it to the store as one transaction, so a burst of
/// requests costs one durable flush instead of one each. Each commit still succeeds or fails on its
/// own (the store applies each under a savepoint); a caller's task completes only after the
/// transaction holding its commit is durable.
/// </summary>
internal sealed class CommitBatcher : IAsyncDisposable
{
    public const int MaxBatch = 512;

    private readonly Channel<PendingCommit> _queue = Channel.CreateUnbounded<PendingCommit>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<PendingCommit>, CancellationToken, Task> _applyBatchAsync;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _writer;

    public CommitBatcher(Func<IReadOnlyList<PendingCommit>, CancellationToken, Task> applyBatchAsync)
    {
        _applyBatchAsync = applyBatchAsync;
        _writer = Task.Run(RunAsync);
    }

    public ValueTask<long> EnqueueAsync(IReadOnlyList<KmsChange> changes, AuditEntry audit, CancellationToken cancellationToken)
    {
        var pending = new PendingCommit(changes, audit);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(CommitBatcher), "The store is closed.");
        }

        // Not cancellable once queued: the commit may already be in a transaction. The caller's token
        // only stops the wait, never the write.
        return new ValueTask<long>(pending.Task.WaitAsync(cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            await _writer.ConfigureAwait(false);
        }
        finally
        {
            _stopping.Dispose();
        }
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingCommit>(MaxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                await _applyBatchAsync(batch, _stopping.Token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // the writer must survive any failure and report it to every waiting caller
            catch (Exception e)
#pragma warning restore CA1031
            {
                foreach (var pending in batch)
                {
                    pending.Fail(e);
                }
            }
        }
    }
}

using Conclave.Kms.Audit;
using Conclave.Kms.CustomKeyStores;
using Microsoft.Extensions.Logging;

namespace Conclave.Server;

/// <summary>Signed audit checkpoints: the log's head signed by a threshold key of an MPC cluster at a fixed interval.</summary>
public sealed partial class KmsServer
{
    private readonly object _checkpointLock = new();
    private AuditCheckpointer? _checkpointer;
    private Task? _checkpoints;

    /// <summary>The checkpointer, once <see cref="StartAuditCheckpoints"/> ran.</summary>
    public AuditCheckpointer? AuditCheckpointer => _checkpointer;

    /// <summary>
    /// Starts taking a signed checkpoint of the audit log every <paramref name="interval"/> (when the
    /// log grew) with the Ed25519 wallet <paramref name="walletId"/> of the MPC cluster behind
    /// <paramref name="bridge"/>; the first one is taken at once. A failure is logged and retried at the
    /// next interval. Runs until the server stops; can be started once.
    /// </summary>
    public void StartAuditCheckpoints(Uri bridge, TimeSpan interval, string walletId = AuditCheckpointer.DefaultWalletId)
    {
        ArgumentNullException.ThrowIfNull(bridge);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        lock (_checkpointLock)
        {
            if (_checkpointer is not null)
            {
                throw new InvalidOperationException("Audit checkpoints are already being taken.");
            }

            _checkpointer = new AuditCheckpointer(_store, Service.ThresholdBridge, bridge, walletId, _time);
            _checkpoints = RunCheckpointsAsync(_checkpointer, interval);
        }
    }

    private async Task RunCheckpointsAsync(AuditCheckpointer checkpointer, TimeSpan interval)
    {
        await Task.Yield();
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            do
            {
                try
                {
                    if (await checkpointer.CheckpointAsync(_stopping.Token).ConfigureAwait(false) is { } checkpoint)
                    {
                        LogCheckpoint(_log, checkpoint.Sequence, checkpointer.WalletId);
                    }
                }
                catch (Exception e) when (e is ThresholdBridgeException or Conclave.Kms.Storage.KmsConflictException or IOException or InvalidOperationException)
                {
                    LogCheckpointFailed(_log, checkpointer.WalletId, e.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async ValueTask StopAuditCheckpointsAsync()
    {
        if (_checkpoints is { } running)
        {
            await running.ConfigureAwait(false);
        }

        _checkpointer?.Dispose();
    }

    [LoggerMessage(EventId = 4105, Level = LogLevel.Information, Message = "KMS audit checkpoint of record {Sequence} signed by MPC wallet {WalletId}")]
    private static partial void LogCheckpoint(ILogger logger, long sequence, string walletId);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Error, Message = "KMS audit checkpoint with MPC wallet {WalletId} failed: {Reason}; it is tried again at the next interval")]
    private static partial void LogCheckpointFailed(ILogger logger, string walletId, string reason);
}

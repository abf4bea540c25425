using Conclave.Crypto.Paillier;

namespace Conclave.Mpc.Node;

/// <summary>Tunables of an <see cref="MpcNode"/>.</summary>
public sealed record MpcNodeOptions
{
    /// <summary>How long a signing round waits for the other signers (default 30 s).</summary>
    public TimeSpan RoundTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a keygen round waits (default 5 min: CGGMP21 aux info includes safe-prime generation and Π^mod/Π^prm proofs).</summary>
    public TimeSpan KeygenRoundTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a prepared session waits for its run step before it is closed (default 60 s).</summary>
    public TimeSpan PrepareTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a finished, uncommitted keygen blocks another keygen of the same wallet (default 10 min).</summary>
    public TimeSpan PendingKeygenLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The most unused presignatures a node keeps per wallet (default 64): storing another deletes the
    /// oldest, so presignatures a restarted coordinator no longer knows about do not pile up.
    /// </summary>
    public int MaxStoredPresignaturesPerWallet { get; init; } = 64;

    /// <summary>The node's sign policy (default: <see cref="ISigningPolicy.AllowAll"/>).</summary>
    public ISigningPolicy SigningPolicy { get; init; } = ISigningPolicy.AllowAll;

    /// <summary>
    /// Where a CGGMP21 keygen gets this node's fresh Paillier key (default: new 1024-bit safe primes,
    /// generated in parallel). Tests substitute pre-generated test-only primes.
    /// </summary>
    public Func<CancellationToken, Task<PaillierSecretKey>> PaillierKeySource { get; init; } =
        static cancellationToken => Task.Run(() => PaillierSecretKey.Generate(cancellationToken: cancellationToken), cancellationToken);

    /// <summary>Where the node reports sessions, latencies and drops (null: not reported).</summary>
    public Observability.MpcMetrics? Metrics { get; init; }

    /// <summary>Logging (null: none). Logs carry session, wallet and node ids and reasons, never secrets.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>The clock (tests substitute a fake one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

using Conclave.Mpc.Observability;

namespace Conclave.Mpc.Coordination;

/// <summary>Tunables of a <see cref="Coordinator"/>.</summary>
public sealed record CoordinatorOptions
{
    /// <summary>The defaults.</summary>
    public static CoordinatorOptions Default { get; } = new();

    /// <summary>
    /// How many CGGMP21 presignatures the coordinator keeps ready per secp256k1 wallet for its
    /// default signer set (default 4; 0 disables the pool and every sign runs a fresh presignature).
    /// The nodes hold the presignatures; the coordinator keeps only their ids.
    /// </summary>
    public int PresignaturePoolSize { get; init; } = 4;

    /// <summary>Where the coordinator reports its presignature pool (null: not reported).</summary>
    public MpcMetrics? Metrics { get; init; }
}

namespace Conclave.Mpc.Coordination;

/// <summary>
/// The control side of one MPC node as a coordinator sees it: in one process the node itself
/// (<see cref="Node.MpcNode"/>), across processes a gRPC client. The protocol messages of a
/// session never pass through here; they go node to node, sealed (<see cref="Transport.EnvelopeSealer"/>).
/// </summary>
/// <remarks>
/// A session runs in three steps so that no node receives protocol messages for a session it has
/// not yet opened: <see cref="PrepareAsync"/> on every party (each node checks the request and
/// opens the session), then <see cref="RunAsync"/> on every party at once, then for a keygen
/// <see cref="CommitAsync"/> on every party once all succeeded. <see cref="AbortAsync"/> undoes a
/// prepared or finished but uncommitted session. Failures are <see cref="MpcRequestException"/>s.
/// </remarks>
public interface INodeControl
{
    /// <summary>The node's id.</summary>
    string NodeId { get; }

    /// <summary>Checks <paramref name="request"/> against the node's state and policy and opens its session.</summary>
    Task PrepareAsync(SessionRequest request, CancellationToken cancellationToken = default);

    /// <summary>Runs the prepared session to its end.</summary>
    Task<SessionOutcome> RunAsync(SessionRequest request, CancellationToken cancellationToken = default);

    /// <summary>Keygen: makes the node's new share usable (idempotent).</summary>
    Task CommitAsync(SessionRequest request, CancellationToken cancellationToken = default);

    /// <summary>Closes the session and discards an uncommitted share (idempotent; never fails for an unknown session).</summary>
    Task AbortAsync(SessionRequest request, CancellationToken cancellationToken = default);

    /// <summary>The wallet's description if this node holds a committed share of it, else null.</summary>
    Task<WalletInfo?> GetWalletAsync(string walletId, CancellationToken cancellationToken = default);

    /// <summary>Answers a health probe.</summary>
    Task<NodeHealth> HealthAsync(CancellationToken cancellationToken = default);
}

namespace Conclave.Mpc.Coordination;

/// <summary>Whether a node answered a health probe.</summary>
/// <param name="Id">The node.</param>
/// <param name="Reachable">Whether it answered within the probe timeout.</param>
public sealed record NodeReachability(string Id, bool Reachable);

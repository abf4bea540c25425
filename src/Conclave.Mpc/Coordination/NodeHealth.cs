namespace Conclave.Mpc.Coordination;

/// <summary>A node's answer to a health probe.</summary>
/// <param name="NodeId">The node.</param>
/// <param name="Wallets">How many wallets it holds committed shares of.</param>
/// <param name="ActiveSessions">Sessions prepared or running on it now.</param>
public sealed record NodeHealth(string NodeId, int Wallets, int ActiveSessions);

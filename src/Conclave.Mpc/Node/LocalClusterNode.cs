namespace Conclave.Mpc.Node;

/// <summary>One node of a <see cref="LocalCluster"/> (public data only).</summary>
/// <param name="NodeId">The node id (<c>node1</c>, <c>node2</c>, …).</param>
/// <param name="Address">Its listen address, <c>127.0.0.1:port</c>.</param>
/// <param name="DataDirectory">Its data directory.</param>
/// <param name="ConfigPath">Its <see cref="NodeConfig"/> file.</param>
public sealed record LocalClusterNode(string NodeId, string Address, string DataDirectory, string ConfigPath);

namespace Conclave.Mpc.Node;

/// <summary>What <see cref="LocalClusterSetup.CreateAsync"/> wrote (public data only).</summary>
/// <param name="Directory">The cluster directory.</param>
/// <param name="OperatorKeyPath">The operator's Ed25519 private key file (0600).</param>
/// <param name="OperatorPublicKeyHex">The operator's Ed25519 public key, hex.</param>
/// <param name="MembershipPath">The signed membership file.</param>
/// <param name="Nodes">One entry per node, in node id order.</param>
public sealed record LocalCluster(
    string Directory,
    string OperatorKeyPath,
    string OperatorPublicKeyHex,
    string MembershipPath,
    IReadOnlyList<LocalClusterNode> Nodes);

using Conclave.Mpc.Storage;
using Conclave.Mpc.Transport;

namespace Conclave.Mpc.Node;

/// <summary>
/// What a node needs before it can take part, opened from its <see cref="NodeConfig"/>: its keys
/// (<see cref="NodeKeyStore"/>), the operator-signed membership (verified, and refused if older
/// than one the node accepted before), and its share store (<c>shares.db</c> in the data directory,
/// under the node's root key). The transport is the caller's choice.
/// </summary>
public sealed class NodeRuntime : IAsyncDisposable
{
    /// <summary>The share store's file name in the data directory.</summary>
    public const string ShareStoreFileName = "shares.db";

    private NodeRuntime(NodeConfig config, NodeKeys keys, ClusterMembership membership, ShareStore store)
    {
        Config = config;
        Keys = keys;
        Membership = membership;
        Store = store;
    }

    /// <summary>The node's resolved config.</summary>
    public NodeConfig Config { get; }

    /// <summary>The node's keys (identity, TLS certificate).</summary>
    public NodeKeys Keys { get; }

    /// <summary>The verified membership.</summary>
    public ClusterMembership Membership { get; }

    /// <summary>The node's share store.</summary>
    public ShareStore Store { get; }

    /// <summary>Opens everything <paramref name="config"/> names (paths must be resolved, as <see cref="NodeConfig.LoadAsync"/> does).</summary>
    /// <exception cref="InvalidOperationException">The membership does not list this node with these keys, or is older than one accepted before, or the root key provider cannot be opened.</exception>
    /// <exception cref="MembershipException">The membership file is malformed or not signed by the operator key.</exception>
    public static Task<NodeRuntime> OpenAsync(NodeConfig config, CancellationToken cancellationToken = default) =>
        OpenAsync(config, environment: null, cancellationToken);

    /// <summary>
    /// As <see cref="OpenAsync(NodeConfig, CancellationToken)"/>, reading the <c>HSM_*</c> variables of
    /// the <c>pkcs11</c> root-key provider through <paramref name="environment"/> (the process
    /// environment if null). The provider is open only while the identity and the share store's data
    /// key are unwrapped, and closed before this returns.
    /// </summary>
    public static async Task<NodeRuntime> OpenAsync(NodeConfig config, Func<string, string?>? environment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var membership = ClusterMembership.Parse(await File.ReadAllBytesAsync(config.MembershipFile, cancellationToken).ConfigureAwait(false), config.GetOperatorPublicKey());
        if (!NodeKeyStore.IsInitialized(config.DataDirectory))
        {
            // Checked before the root key is opened (which might create a software key file).
            throw new InvalidOperationException($"'{config.DataDirectory}' holds no node identity ({NodeKeyStore.IdentityFileName} is missing); run `conclave node init` first.");
        }

        using var rootKey = await NodeRootKey.OpenAsync(config.RootKeyProvider, config.DataDirectory, create: false, environment, cancellationToken).ConfigureAwait(false);
        var keys = await NodeKeyStore.OpenAsync(config.DataDirectory, rootKey, cancellationToken).ConfigureAwait(false);
        ShareStore? store = null;
        try
        {
            if (!string.Equals(keys.NodeId, config.NodeId, StringComparison.Ordinal) || !membership.Contains(keys.PublicIdentity))
            {
                throw new InvalidOperationException($"The membership does not list node {config.NodeId} with the keys in '{config.DataDirectory}'.");
            }

            store = await ShareStore.OpenAsync(Path.Combine(config.DataDirectory, ShareStoreFileName), config.NodeId, rootKey, cancellationToken).ConfigureAwait(false);

            if (!await store.AcceptMembershipSerialAsync(membership.Serial, cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"Node {config.NodeId} refuses membership serial {membership.Serial}: it accepted a newer one before (an old membership file was put back).");
            }

            return new NodeRuntime(config, keys, membership, store);
        }
        catch
        {
            if (store is not null)
            {
                await store.DisposeAsync().ConfigureAwait(false);
            }

            keys.Dispose();
            throw;
        }
    }

    /// <summary>Closes the store and wipes the keys.</summary>
    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync().ConfigureAwait(false);
        Keys.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"NodeRuntime({Config.NodeId})";
}

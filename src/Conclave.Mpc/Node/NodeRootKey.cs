using System.Diagnostics;
using Conclave.Crypto;
using Conclave.Mpc.Storage;

namespace Conclave.Mpc.Node;

/// <summary>
/// The root-key provider a node's config names (<see cref="NodeConfig.RootKeyProvider"/>), opened for
/// one use and disposed after it: <c>software</c> is <see cref="SoftwareRootKeyProvider"/> over
/// <c>root.key</c> in the data directory; <c>pkcs11</c> is <see cref="Pkcs11RootKeyProvider"/>
/// configured only from the environment variables <c>HSM_LIB_PATH</c>, <c>HSM_PIN</c>,
/// <c>HSM_SLOT</c> and <c>HSM_KEY_LABEL</c> (the node config file holds no HSM setting and no secret).
/// The same provider wraps the data key of the node's identity file and of its share store.
/// </summary>
[DebuggerDisplay("NodeRootKey({Name})")]
public sealed class NodeRootKey : IRootKeyProvider, IDisposable
{
    private readonly IRootKeyProvider _provider;
    private readonly IDisposable _lifetime;

    private NodeRootKey(string name, IRootKeyProvider provider, IDisposable lifetime)
    {
        Name = name;
        _provider = provider;
        _lifetime = lifetime;
    }

    /// <summary>The provider's name: <see cref="NodeConfig.SoftwareRootKeyProvider"/> or <see cref="NodeConfig.Pkcs11RootKeyProvider"/>.</summary>
    public string Name { get; }

    /// <summary>
    /// Opens the provider <paramref name="rootKeyProvider"/> for the node whose data directory is
    /// <paramref name="dataDirectory"/>.
    /// </summary>
    /// <param name="rootKeyProvider"><c>software</c> or <c>pkcs11</c>.</param>
    /// <param name="dataDirectory">The node's data directory (where <c>root.key</c> lives for <c>software</c>).</param>
    /// <param name="create">
    /// Whether a missing software key file may be created (node init). Without it, a data directory
    /// that holds an identity but no <c>root.key</c> is refused, rather than given a new root key that
    /// cannot open it.
    /// </param>
    /// <param name="environment">Reads the <c>HSM_*</c> variables; the process environment if null.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <exception cref="InvalidOperationException">
    /// The provider name is unknown, an <c>HSM_*</c> variable is missing or invalid (the message names
    /// the variable, never the PIN), or the token refuses the login or the key.
    /// </exception>
    public static async Task<NodeRootKey> OpenAsync(string rootKeyProvider, string dataDirectory, bool create, Func<string, string?>? environment = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rootKeyProvider);
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        switch (rootKeyProvider)
        {
            case NodeConfig.SoftwareRootKeyProvider:
                {
                    var directory = Path.GetFullPath(dataDirectory);
                    var path = Path.Combine(directory, NodeKeyStore.RootKeyFileName);
                    if (!create && !File.Exists(path))
                    {
                        throw new InvalidOperationException(
                            $"The node data directory '{directory}' has no {NodeKeyStore.RootKeyFileName}; it cannot be opened without the root key it was sealed under (if it was initialized with --root-key pkcs11, set rootKeyProvider to \"pkcs11\").");
                    }

                    var software = await SoftwareRootKeyProvider.OpenOrCreateAsync(path, cancellationToken).ConfigureAwait(false);
                    return new NodeRootKey(rootKeyProvider, software, software);
                }

            case NodeConfig.Pkcs11RootKeyProvider:
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var options = Pkcs11RootKeyOptions.FromVariables(environment ?? Environment.GetEnvironmentVariable);
                    var hsm = Pkcs11RootKeyProvider.Open(options);
                    return new NodeRootKey(rootKeyProvider, hsm, hsm);
                }

            default:
                throw new InvalidOperationException(
                    $"Unknown root-key provider '{rootKeyProvider}': use \"{NodeConfig.SoftwareRootKeyProvider}\" or \"{NodeConfig.Pkcs11RootKeyProvider}\".");
        }
    }

    /// <inheritdoc />
    public ValueTask<byte[]> WrapAsync(SecretBytes dataKey, ReadOnlyMemory<byte> context, CancellationToken cancellationToken = default) =>
        _provider.WrapAsync(dataKey, context, cancellationToken);

    /// <inheritdoc />
    public ValueTask<SecretBytes> UnwrapAsync(ReadOnlyMemory<byte> wrappedKey, ReadOnlyMemory<byte> context, CancellationToken cancellationToken = default) =>
        _provider.UnwrapAsync(wrappedKey, context, cancellationToken);

    /// <summary>Closes the provider (wipes the software key; logs out of and closes the HSM sessions).</summary>
    public void Dispose() => _lifetime.Dispose();

    /// <inheritdoc />
    public override string ToString() => _provider.ToString() ?? Name;
}

using System.Globalization;
using System.Security.Cryptography;
using Conclave.Mpc.Node.Internal;
using Conclave.Mpc.Transport;
using NSec.Cryptography;

namespace Conclave.Mpc.Node;

/// <summary>
/// Writes a ready local cluster configuration for n nodes on loopback ports (what
/// <c>conclave cluster init</c> does): an operator Ed25519 key, one data directory per node with its
/// identity (<see cref="NodeKeyStore"/>), a membership file signed by the operator key, and one
/// <see cref="NodeConfig"/> per node.
/// </summary>
/// <remarks>
/// Layout of the cluster directory (0700): <c>operator.key</c> (0600, the 32-byte raw Ed25519 seed),
/// <c>membership.bin</c> (signed, see <see cref="ClusterMembership"/>; serial 1, version 2 with
/// every node's TLS certificate pinned), <c>nodeK/</c> (data
/// directories, 0700) and <c>nodeK.json</c> (configs, with paths relative to the cluster directory),
/// for K = 1..n; node K listens on <c>127.0.0.1:(basePort + K)</c>. The operator key sits next to the
/// nodes only because this is a local development cluster: in production it is kept offline and
/// used only to sign membership files.
/// </remarks>
public static class LocalClusterSetup
{
    /// <summary>Fewest nodes.</summary>
    public const int MinNodes = 2;

    /// <summary>Most nodes.</summary>
    public const int MaxNodes = 16;

    /// <summary>Default base port (node K listens on base + K).</summary>
    public const int DefaultBasePort = 7100;

    /// <summary>Lowest base port accepted.</summary>
    public const int MinBasePort = 1024;

    /// <summary>The operator key file's name.</summary>
    public const string OperatorKeyFileName = "operator.key";

    /// <summary>The membership file's name.</summary>
    public const string MembershipFileName = "membership.bin";

    /// <summary>Creates the cluster in <paramref name="directory"/>, which must be missing or empty.</summary>
    /// <param name="directory">The cluster directory.</param>
    /// <param name="nodes">How many nodes (2 to 16).</param>
    /// <param name="basePort">Node K listens on 127.0.0.1:(basePort + K).</param>
    /// <param name="timeProvider">The clock for the TLS certificates.</param>
    /// <param name="rootKeyProvider">
    /// <c>software</c> (the default: a <c>root.key</c> per node) or <c>pkcs11</c>: every node's identity
    /// is sealed under the HSM key named by the <c>HSM_*</c> variables (one key shared by the nodes of
    /// this local cluster), and the configs say <c>"rootKeyProvider": "pkcs11"</c>.
    /// </param>
    /// <param name="environment">Reads the <c>HSM_*</c> variables; the process environment if null.</param>
    /// <param name="cancellationToken">Cancels the setup.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nodes"/> is not 2..16 or <paramref name="basePort"/> does not leave room for them.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="directory"/> is not empty, or the root-key provider is unknown or cannot be opened.</exception>
    public static async Task<LocalCluster> CreateAsync(
        string directory,
        int nodes,
        int basePort = DefaultBasePort,
        TimeProvider? timeProvider = null,
        string rootKeyProvider = NodeConfig.SoftwareRootKeyProvider,
        Func<string, string?>? environment = null,
        CancellationToken cancellationToken = default)
    {
        if (!NodeConfig.IsKnownRootKeyProvider(rootKeyProvider))
        {
            throw new InvalidOperationException($"Unknown root-key provider '{rootKeyProvider}': use \"{NodeConfig.SoftwareRootKeyProvider}\" or \"{NodeConfig.Pkcs11RootKeyProvider}\".");
        }

        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, MinNodes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nodes, MaxNodes);
        ArgumentOutOfRangeException.ThrowIfLessThan(basePort, MinBasePort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(basePort, 65535 - nodes);
        var root = Path.GetFullPath(directory);
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
        {
            throw new InvalidOperationException($"Refusing to write a cluster into '{root}': the directory is not empty.");
        }

        if (File.Exists(root))
        {
            throw new InvalidOperationException($"Refusing to write a cluster into '{root}': it is a file.");
        }

        NodeFiles.EnsureOwnerOnlyDirectory(root);
        try
        {
            return await CreateCoreAsync(root, nodes, basePort, timeProvider, rootKeyProvider, environment, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Leave the directory as empty as we found it, so the command can simply be re-run.
            foreach (var entry in Directory.EnumerateFileSystemEntries(root))
            {
                if (Directory.Exists(entry))
                {
                    Directory.Delete(entry, recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }
            }

            throw;
        }
    }

    /// <summary>Reads an operator key file written by <see cref="CreateAsync"/> (32-byte raw Ed25519 seed, owner-only).</summary>
    /// <exception cref="InvalidOperationException">The file has loose permissions or the wrong size.</exception>
    public static async Task<Key> ReadOperatorKeyAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Operator key files rely on Unix file permissions (0600) and are not supported on Windows.");
        }

        var fullPath = Path.GetFullPath(path);
        var mode = File.GetUnixFileMode(fullPath);
        if ((mode & NodeFiles.GroupOrOther) != 0)
        {
            throw new InvalidOperationException($"Refusing the operator key file '{fullPath}': its permissions ({NodeFiles.Octal(mode)}) let group or others access it; it must be 0600.");
        }

        var seed = GC.AllocateArray<byte>(32, pinned: true);
        try
        {
            var stream = new FileStream(fullPath, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, BufferSize = 0 });
            await using (stream.ConfigureAwait(false))
            {
                if (stream.Length != seed.Length)
                {
                    throw new InvalidOperationException($"Refusing the operator key file '{fullPath}': it holds {stream.Length} bytes, not the 32-byte Ed25519 seed.");
                }

                await stream.ReadExactlyAsync(seed, cancellationToken).ConfigureAwait(false);
            }

            return Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    private static async Task<LocalCluster> CreateCoreAsync(string root, int nodes, int basePort, TimeProvider? timeProvider, string rootKeyProvider, Func<string, string?>? environment, CancellationToken cancellationToken)
    {
        // One HSM session set for all nodes (opened before anything is written, so a bad HSM_* setting fails fast).
        using var hsm = rootKeyProvider == NodeConfig.Pkcs11RootKeyProvider
            ? await NodeRootKey.OpenAsync(rootKeyProvider, root, create: true, environment, cancellationToken).ConfigureAwait(false)
            : null;
        var operatorKeyPath = Path.Combine(root, OperatorKeyFileName);
        using var operatorKey = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        var seed = GC.AllocateArray<byte>(32, pinned: true);
        try
        {
            if (!operatorKey.TryExport(KeyBlobFormat.RawPrivateKey, seed, out var written) || written != seed.Length)
            {
                throw new CryptographicException("Exporting the operator key failed.");
            }

            await NodeFiles.WriteNewAsync(operatorKeyPath, seed, NodeFiles.OwnerReadWrite, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }

        var operatorPublicKeyHex = Convert.ToHexStringLower(operatorKey.PublicKey.Export(KeyBlobFormat.RawPublicKey));
        var members = new List<ClusterMember>(nodes);
        var entries = new List<LocalClusterNode>(nodes);
        for (var k = 1; k <= nodes; k++)
        {
            var nodeId = string.Create(CultureInfo.InvariantCulture, $"node{k}");
            var address = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{basePort + k}");
            var dataDirectory = Path.Combine(root, nodeId);
            using (var keys = hsm is null
                ? await NodeKeyStore.CreateAsync(dataDirectory, nodeId, timeProvider, cancellationToken).ConfigureAwait(false)
                : await NodeKeyStore.CreateAsync(dataDirectory, nodeId, hsm, timeProvider, cancellationToken).ConfigureAwait(false))
            {
                members.Add(new ClusterMember(keys.PublicIdentity, address, keys.TlsCertificateSha256));
            }

            entries.Add(new LocalClusterNode(nodeId, address, dataDirectory, Path.Combine(root, nodeId + ".json")));
        }

        var membershipPath = Path.Combine(root, MembershipFileName);
        var signed = new ClusterMembership(1, members).Sign(operatorKey);
        await NodeFiles.WriteNewAsync(membershipPath, signed, NodeFiles.PublicFile, cancellationToken).ConfigureAwait(false);
        foreach (var node in entries)
        {
            var config = new NodeConfig
            {
                NodeId = node.NodeId,
                DataDirectory = node.NodeId,
                ListenAddress = node.Address,
                RootKeyProvider = rootKeyProvider,
                MembershipFile = MembershipFileName,
                OperatorPublicKey = operatorPublicKeyHex,
            };
            config.Validate(requireLoopback: true);
            await NodeFiles.WriteNewAsync(node.ConfigPath, System.Text.Encoding.UTF8.GetBytes(config.ToJson() + "\n"), NodeFiles.PublicFile, cancellationToken).ConfigureAwait(false);
        }

        return new LocalCluster(root, operatorKeyPath, operatorPublicKeyHex, membershipPath, entries);
    }
}

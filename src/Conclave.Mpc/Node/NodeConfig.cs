using System.Net;
using System.Text.Json;
using Conclave.Mpc.Node.Internal;
using Conclave.Mpc.Transport;
using NSec.Cryptography;

namespace Conclave.Mpc.Node;

/// <summary>
/// What <c>conclave node run --config &lt;file&gt;</c> needs to run one party: the node id, its data
/// directory, its listen address, the root-key provider, the signed membership file and the operator
/// public key that verifies it. Stored as camelCase JSON; holds no secret. Relative paths in a file
/// are resolved against the directory of that file by <see cref="LoadAsync"/>.
/// </summary>
public sealed record NodeConfig
{
    /// <summary>The software root-key provider: <c>root.key</c> in the data directory (development).</summary>
    public const string SoftwareRootKeyProvider = "software";

    /// <summary>
    /// The PKCS#11 (HSM) root-key provider, configured from the environment variables
    /// <c>HSM_LIB_PATH</c>, <c>HSM_PIN</c>, <c>HSM_SLOT</c> and <c>HSM_KEY_LABEL</c> (see <see cref="NodeRootKey"/>).
    /// </summary>
    public const string Pkcs11RootKeyProvider = "pkcs11";

    /// <summary>The node id, <c>[a-z0-9-]{1,32}</c>; must match the identity in the data directory.</summary>
    public required string NodeId { get; init; }

    /// <summary>The node's data directory (identity, root key, share store).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Where the node listens for its peers, <c>host:port</c>.</summary>
    public required string ListenAddress { get; init; }

    /// <summary>
    /// The root-key provider: <c>software</c> (root.key in the data directory, the default) or
    /// <c>pkcs11</c> (an HSM, set up by the <c>HSM_*</c> environment variables).
    /// </summary>
    public string RootKeyProvider { get; init; } = SoftwareRootKeyProvider;

    /// <summary>The operator-signed membership file.</summary>
    public required string MembershipFile { get; init; }

    /// <summary>The operator's Ed25519 public key (32 bytes, hex or base64) that signs the membership.</summary>
    public required string OperatorPublicKey { get; init; }

    /// <summary>The local bridge API port, if the node serves one.</summary>
    public int? BridgePort { get; init; }

    /// <summary>
    /// Checks every field and throws <see cref="InvalidOperationException"/> naming the first bad one.
    /// With <paramref name="requireLoopback"/>, the listen address must be a loopback address
    /// (127.0.0.0/8, [::1] or localhost), as in the configurations <c>conclave cluster init</c> writes.
    /// </summary>
    public void Validate(bool requireLoopback = false)
    {
        if (NodeId is null || !NodePublicIdentity.IsValidNodeId(NodeId))
        {
            throw Invalid("nodeId", "must be 1 to 32 characters of [a-z0-9-]");
        }

        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw Invalid("dataDirectory", "is required");
        }

        if (!ClusterMember.IsValidAddress(ListenAddress))
        {
            throw Invalid("listenAddress", "must be host:port (DNS name, IPv4 or [IPv6]; port 1-65535)");
        }

        if (requireLoopback && !IsLoopback(ListenAddress))
        {
            throw Invalid("listenAddress", "must be a loopback address (127.0.0.1, [::1] or localhost) in a local cluster");
        }

        if (!IsKnownRootKeyProvider(RootKeyProvider))
        {
            throw Invalid("rootKeyProvider", $"must be \"{SoftwareRootKeyProvider}\" or \"{Pkcs11RootKeyProvider}\"");
        }

        if (string.IsNullOrWhiteSpace(MembershipFile))
        {
            throw Invalid("membershipFile", "is required");
        }

        if (!TryParseOperatorPublicKey(OperatorPublicKey, out _))
        {
            throw Invalid("operatorPublicKey", "must be a 32-byte Ed25519 public key in hex (64 characters) or base64");
        }

        if (BridgePort is < 1 or > 65535)
        {
            throw Invalid("bridgePort", "must be 1 to 65535");
        }
    }

    /// <summary>The operator public key as an NSec key.</summary>
    /// <exception cref="InvalidOperationException">The key is not valid.</exception>
    public PublicKey GetOperatorPublicKey() =>
        TryParseOperatorPublicKey(OperatorPublicKey, out var key)
            ? key
            : throw Invalid("operatorPublicKey", "must be a 32-byte Ed25519 public key in hex (64 characters) or base64");

    /// <summary>Whether <paramref name="name"/> is <c>software</c> or <c>pkcs11</c> (exactly, lowercase).</summary>
    public static bool IsKnownRootKeyProvider(string? name) =>
        string.Equals(name, SoftwareRootKeyProvider, StringComparison.Ordinal) || string.Equals(name, Pkcs11RootKeyProvider, StringComparison.Ordinal);

    /// <summary>Whether the host of <paramref name="address"/> (<c>host:port</c>) is a loopback address.</summary>
    public static bool IsLoopback(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var colon = address.LastIndexOf(':');
        if (colon <= 0)
        {
            return false;
        }

        var host = address.AsSpan(0, colon);
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (host.Length > 2 && host[0] == '[' && host[^1] == ']')
        {
            host = host[1..^1];
        }

        return IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
    }

    /// <summary>Reads, validates and resolves a config file (relative paths become absolute against its directory).</summary>
    /// <exception cref="InvalidDataException">The file is not valid config JSON.</exception>
    /// <exception cref="InvalidOperationException">A field is invalid.</exception>
    public static async Task<NodeConfig> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        NodeConfig? config;
        var stream = File.OpenRead(fullPath);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                config = await JsonSerializer.DeserializeAsync(stream, NodeConfigJsonContext.Default.NodeConfig, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"The node config '{fullPath}' is not valid: {e.Message}", e);
            }
        }

        if (config is null)
        {
            throw new InvalidDataException($"The node config '{fullPath}' is not valid: it is null.");
        }

        config.Validate();
        var baseDirectory = Path.GetDirectoryName(fullPath)!;
        return config with
        {
            DataDirectory = Path.GetFullPath(config.DataDirectory, baseDirectory),
            MembershipFile = Path.GetFullPath(config.MembershipFile, baseDirectory),
        };
    }

    /// <summary>The config as indented camelCase JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, NodeConfigJsonContext.Default.NodeConfig);

    /// <summary>Validates and writes the config to <paramref name="path"/> (a new file; existing files are not overwritten).</summary>
    public async Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Validate();
        var bytes = System.Text.Encoding.UTF8.GetBytes(ToJson() + "\n");
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool TryParseOperatorPublicKey(string? text, out PublicKey key)
    {
        key = null!;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var bytes = new byte[NodePublicIdentity.PublicKeyLength];
        var ok = (text.Length == 2 * NodePublicIdentity.PublicKeyLength
                  && Convert.FromHexString(text, bytes, out _, out var written) == System.Buffers.OperationStatus.Done
                  && written == bytes.Length)
                 || (Convert.TryFromBase64String(text, bytes, out var decoded) && decoded == bytes.Length);
        return ok && PublicKey.TryImport(SignatureAlgorithm.Ed25519, bytes, KeyBlobFormat.RawPublicKey, out key!);
    }

    private static InvalidOperationException Invalid(string field, string rule) => new($"Invalid node config: {field} {rule}.");
}

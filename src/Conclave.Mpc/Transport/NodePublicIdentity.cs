using NSec.Cryptography;

namespace Conclave.Mpc.Transport;

/// <summary>
/// The public half of a node's identity as listed in the <see cref="ClusterMembership"/>: its id
/// (1 to 32 characters of <c>[a-z0-9-]</c>), its Ed25519 public key (verifies the envelopes it
/// signs) and its X25519 public key (envelopes to it are encrypted to this key). Value equality
/// over all three.
/// </summary>
public sealed class NodePublicIdentity : IEquatable<NodePublicIdentity>
{
    /// <summary>Length of each raw public key in bytes.</summary>
    public const int PublicKeyLength = 32;

    /// <summary>Maximum length of a node id.</summary>
    public const int MaxNodeIdLength = 32;

    private readonly byte[] _signingPublicKey;
    private readonly byte[] _agreementPublicKey;

    /// <summary>Creates the identity, validating the id and both keys.</summary>
    /// <exception cref="ArgumentException">The id is not <c>[a-z0-9-]{1,32}</c> or a key is not a valid 32-byte key.</exception>
    public NodePublicIdentity(string nodeId, ReadOnlySpan<byte> signingPublicKey, ReadOnlySpan<byte> agreementPublicKey)
    {
        ArgumentNullException.ThrowIfNull(nodeId);
        if (!IsValidNodeId(nodeId))
        {
            throw new ArgumentException("A node id has 1 to 32 characters of [a-z0-9-].", nameof(nodeId));
        }

        if (signingPublicKey.Length != PublicKeyLength
            || !PublicKey.TryImport(SignatureAlgorithm.Ed25519, signingPublicKey, KeyBlobFormat.RawPublicKey, out var signing))
        {
            throw new ArgumentException("The signing key is not a 32-byte Ed25519 public key.", nameof(signingPublicKey));
        }

        if (agreementPublicKey.Length != PublicKeyLength
            || !PublicKey.TryImport(KeyAgreementAlgorithm.X25519, agreementPublicKey, KeyBlobFormat.RawPublicKey, out var agreement))
        {
            throw new ArgumentException("The agreement key is not a 32-byte X25519 public key.", nameof(agreementPublicKey));
        }

        NodeId = nodeId;
        _signingPublicKey = signingPublicKey.ToArray();
        _agreementPublicKey = agreementPublicKey.ToArray();
        SigningKey = signing!;
        AgreementKey = agreement!;
    }

    /// <summary>The node id.</summary>
    public string NodeId { get; }

    /// <summary>The raw Ed25519 public key (32 bytes).</summary>
    public ReadOnlySpan<byte> SigningPublicKey => _signingPublicKey;

    /// <summary>The raw X25519 public key (32 bytes).</summary>
    public ReadOnlySpan<byte> AgreementPublicKey => _agreementPublicKey;

    /// <summary>The Ed25519 key as an NSec key.</summary>
    internal PublicKey SigningKey { get; }

    /// <summary>The X25519 key as an NSec key.</summary>
    internal PublicKey AgreementKey { get; }

    /// <summary>Equality by value.</summary>
    public static bool operator ==(NodePublicIdentity? left, NodePublicIdentity? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Inequality by value.</summary>
    public static bool operator !=(NodePublicIdentity? left, NodePublicIdentity? right) => !(left == right);

    /// <summary>Whether <paramref name="nodeId"/> is 1 to 32 characters of <c>[a-z0-9-]</c>.</summary>
    public static bool IsValidNodeId(ReadOnlySpan<char> nodeId)
    {
        if (nodeId.Length is < 1 or > MaxNodeIdLength)
        {
            return false;
        }

        foreach (var c in nodeId)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public bool Equals(NodePublicIdentity? other) =>
        other is not null
        && string.Equals(NodeId, other.NodeId, StringComparison.Ordinal)
        && SigningPublicKey.SequenceEqual(other.SigningPublicKey)
        && AgreementPublicKey.SequenceEqual(other.AgreementPublicKey);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is NodePublicIdentity other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = default(HashCode);
        h.Add(NodeId, StringComparer.Ordinal);
        h.AddBytes(SigningPublicKey);
        h.AddBytes(AgreementPublicKey);
        return h.ToHashCode();
    }

    /// <summary>The id and the first bytes of both public keys (public data).</summary>
    public override string ToString() =>
        $"{NodeId} (ed25519 {Convert.ToHexStringLower(_signingPublicKey.AsSpan(0, 8))}…, x25519 {Convert.ToHexStringLower(_agreementPublicKey.AsSpan(0, 8))}…)";
}

using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Conclave.Mpc.Transport;

namespace Conclave.Mpc.Node;

/// <summary>
/// A node's long-term keys as opened from its data directory by <see cref="NodeKeyStore"/>: the
/// Ed25519/X25519 <see cref="NodeIdentity"/> (not exportable) and the self-signed TLS certificate
/// with its ECDSA P-256 private key. <see cref="Dispose"/> wipes the identity keys and releases the
/// certificate's private key. Prints no key material.
/// </summary>
[DebuggerDisplay("NodeKeys({NodeId}, keys redacted)")]
public sealed class NodeKeys : IDisposable
{
    private readonly byte[] _tlsCertificateSha256;

    internal NodeKeys(NodeIdentity identity, X509Certificate2 tlsCertificate)
    {
        Identity = identity;
        TlsCertificate = tlsCertificate;
        _tlsCertificateSha256 = SHA256.HashData(tlsCertificate.RawData);
    }

    /// <summary>The node id.</summary>
    public string NodeId => Identity.NodeId;

    /// <summary>The node's Ed25519 signing and X25519 agreement keys.</summary>
    public NodeIdentity Identity { get; }

    /// <summary>The public half of <see cref="Identity"/>, as listed in the membership.</summary>
    public NodePublicIdentity PublicIdentity => Identity.PublicIdentity;

    /// <summary>The self-signed TLS certificate, with its private key.</summary>
    public X509Certificate2 TlsCertificate { get; }

    /// <summary>SHA-256 of the certificate's DER encoding (what peers pin).</summary>
    public ReadOnlySpan<byte> TlsCertificateSha256 => _tlsCertificateSha256;

    /// <summary>Wipes the identity keys and releases the certificate's private key.</summary>
    public void Dispose()
    {
        Identity.Dispose();
        TlsCertificate.Dispose();
    }

    /// <summary>The node id only; never key material.</summary>
    public override string ToString() => $"NodeKeys({NodeId}, keys redacted)";
}

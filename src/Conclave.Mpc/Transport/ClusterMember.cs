using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Conclave.Mpc.Transport;

/// <summary>
/// One entry of the <see cref="ClusterMembership"/>: a node's public identity and the address it
/// listens on. The address is a <c>host:port</c> string (a DNS name, a dotted IPv4 address or a
/// bracketed IPv6 address, and a port 1 to 65535 without leading zeros), for example
/// <c>127.0.0.1:7101</c>, <c>[::1]:7101</c> or <c>node-a.example.internal:7101</c>; loopback
/// addresses are written the same way. It is validated as text only: nothing is resolved or opened.
/// Since membership format version 2 an entry also pins the SHA-256 of the node's TLS certificate
/// (DER), which the gRPC transport requires of both ends of a connection; an entry read from a
/// version 1 file has no pin.
/// </summary>
public sealed class ClusterMember : IEquatable<ClusterMember>
{
    /// <summary>Maximum length of an address string.</summary>
    public const int MaxAddressLength = 255;

    private static readonly SearchValues<char> DigitsAndDots = SearchValues.Create("0123456789.");

    /// <summary>Length of <see cref="TlsCertificateSha256"/> when present.</summary>
    public const int TlsPinLength = 32;

    private readonly byte[] _tlsCertificateSha256;

    /// <summary>Creates an entry without a TLS pin, validating the address.</summary>
    /// <exception cref="ArgumentException">The address is not a valid <c>host:port</c> string.</exception>
    public ClusterMember(NodePublicIdentity identity, string address)
        : this(identity, address, ReadOnlySpan<byte>.Empty)
    {
    }

    /// <summary>Creates an entry pinning the node's TLS certificate by its SHA-256 (empty: no pin).</summary>
    /// <exception cref="ArgumentException">The address is not a valid <c>host:port</c> string, or the pin is neither empty nor 32 bytes.</exception>
    public ClusterMember(NodePublicIdentity identity, string address, ReadOnlySpan<byte> tlsCertificateSha256)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(address);
        if (!IsValidAddress(address))
        {
            throw new ArgumentException("An address is host:port (DNS name, IPv4, or [IPv6]; port 1-65535).", nameof(address));
        }

        if (!tlsCertificateSha256.IsEmpty && tlsCertificateSha256.Length != TlsPinLength)
        {
            throw new ArgumentException($"A TLS pin is the {TlsPinLength}-byte SHA-256 of the certificate.", nameof(tlsCertificateSha256));
        }

        Identity = identity;
        Address = address;
        _tlsCertificateSha256 = tlsCertificateSha256.ToArray();
    }

    /// <summary>The node's public identity.</summary>
    public NodePublicIdentity Identity { get; }

    /// <summary>The node id (same as <see cref="NodePublicIdentity.NodeId"/>).</summary>
    public string NodeId => Identity.NodeId;

    /// <summary>The <c>host:port</c> the node listens on.</summary>
    public string Address { get; }

    /// <summary>SHA-256 of the node's TLS certificate (DER), or empty when the entry has no pin (read from a version 1 file).</summary>
    public ReadOnlyMemory<byte> TlsCertificateSha256 => _tlsCertificateSha256;

    /// <summary>Whether the entry pins a TLS certificate.</summary>
    public bool HasTlsPin => _tlsCertificateSha256.Length != 0;

    /// <summary>Equality by value.</summary>
    public static bool operator ==(ClusterMember? left, ClusterMember? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Inequality by value.</summary>
    public static bool operator !=(ClusterMember? left, ClusterMember? right) => !(left == right);

    /// <summary>Whether <paramref name="address"/> is a <c>host:port</c> string as described on this type.</summary>
    public static bool IsValidAddress(string? address)
    {
        if (string.IsNullOrEmpty(address) || address.Length > MaxAddressLength)
        {
            return false;
        }

        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !IsValidPort(address.AsSpan(colon + 1)))
        {
            return false;
        }

        var host = address.AsSpan(0, colon);
        if (host[0] == '[')
        {
            return host.Length > 2 && host[^1] == ']'
                && IPAddress.TryParse(host[1..^1], out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6;
        }

        if (host.ContainsAnyExcept(DigitsAndDots))
        {
            return IsValidDnsName(host);
        }

        // All digits and dots: must be a dotted-quad IPv4 address (not "1" or "1.2").
        return host.Count('.') == 3 && IPAddress.TryParse(host, out var v4) && v4.AddressFamily == AddressFamily.InterNetwork
            && string.Equals(v4.ToString(), host.ToString(), StringComparison.Ordinal);
    }

    /// <inheritdoc />
    public bool Equals(ClusterMember? other) =>
        other is not null && Identity.Equals(other.Identity) && string.Equals(Address, other.Address, StringComparison.Ordinal)
        && _tlsCertificateSha256.AsSpan().SequenceEqual(other._tlsCertificateSha256);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ClusterMember other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Identity, StringComparer.Ordinal.GetHashCode(Address));

    /// <inheritdoc />
    public override string ToString() => $"{NodeId}@{Address}";

    private static bool IsValidPort(ReadOnlySpan<char> port) =>
        port.Length is >= 1 and <= 5
        && port[0] != '0'
        && !port.ContainsAnyExceptInRange('0', '9')
        && int.Parse(port, NumberStyles.None, CultureInfo.InvariantCulture) <= 65535;

    private static bool IsValidDnsName(ReadOnlySpan<char> host)
    {
        if (host.Length > 253)
        {
            return false;
        }

        foreach (var range in host.Split('.'))
        {
            var label = host[range];
            if (label.Length is < 1 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (c is not ((>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-'))
                {
                    return false;
                }
            }
        }

        return true;
    }
}

using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using NSec.Cryptography;

namespace Conclave.Mpc.Transport;

/// <summary>
/// The cluster's membership: which nodes exist, their public keys and addresses. It is
/// configuration signed by the operator's Ed25519 key, so an unlisted node cannot join: envelopes
/// are only accepted from, and only sealed to, identities listed here.
/// </summary>
/// <remarks>
/// <para>Canonical binary encoding, all integers big-endian:</para>
/// <code>
/// body   = "CNCM" ‖ version:u8 (1 or 2) ‖ serial:u64 ‖ count:u16 (1..1024) ‖ entry × count
/// entry  = idLen:u8 (1..32) ‖ id (ASCII [a-z0-9-]) ‖ ed25519Public[32] ‖ x25519Public[32]
///          ‖ tlsSha256[32] (version 2 only)
///          ‖ addrLen:u8 (1..255) ‖ address (ASCII host:port)
/// file   = body ‖ signature[64]
/// signature = Ed25519(operatorKey, "conclave/membership/v1" ‖ body)
/// </code>
/// <para>Version 2 pins every member's TLS certificate (SHA-256 of its DER encoding); version 1
/// pins none and still parses, but its members cannot be reached over the gRPC transport. A
/// membership is encoded as version 2 when every member has a pin and as version 1 when none has;
/// a mix is refused. The signature label is unchanged: the version byte is part of the signed body.</para>
/// <para>Entries are in ascending ordinal order of node id; no two entries share an id, an
/// Ed25519 key, an X25519 key or a TLS pin. Because the encoding is a function of the validated content,
/// parsing then re-encoding gives back the same bytes. The parser verifies the signature before
/// it reads anything else and refuses trailing bytes. <see cref="Serial"/> lets a deployment
/// refuse a rollback to an older file; that check belongs to whoever stores the current serial.</para>
/// </remarks>
public sealed class ClusterMembership
{
    /// <summary>Current format version (written when every member has a TLS pin).</summary>
    public const byte FormatVersion = 2;

    /// <summary>The first format version, without TLS pins (still read, and written for a membership without pins).</summary>
    public const byte FormatVersionWithoutTlsPins = 1;

    /// <summary>Maximum number of members.</summary>
    public const int MaxMembers = 1024;

    private const int SignatureLength = 64;
    private const int FixedHeaderLength = 4 + 1 + 8 + 2;

    private static ReadOnlySpan<byte> Magic => "CNCM"u8;

    private static ReadOnlySpan<byte> SignatureLabel => "conclave/membership/v1"u8;

    private readonly ClusterMember[] _members;
    private readonly Dictionary<string, ClusterMember> _byId;

    /// <summary>Creates a membership (entries are sorted into canonical order).</summary>
    /// <exception cref="ArgumentException">No members, too many, or a duplicate id or key.</exception>
    public ClusterMembership(ulong serial, IEnumerable<ClusterMember> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        var sorted = members.ToArray();
        foreach (var m in sorted)
        {
            ArgumentNullException.ThrowIfNull(m, nameof(members));
        }

        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.NodeId, b.NodeId));
        var error = Validate(sorted);
        if (error != MembershipError.None)
        {
            throw new ArgumentException($"The membership is invalid: {error}.", nameof(members));
        }

        Serial = serial;
        _members = sorted;
        _byId = sorted.ToDictionary(m => m.NodeId, StringComparer.Ordinal);
    }

    /// <summary>The configuration serial number (a newer file has a larger serial).</summary>
    public ulong Serial { get; }

    /// <summary>Whether every member pins its TLS certificate (a version 2 membership).</summary>
    public bool HasTlsPins => _members[0].HasTlsPin;

    /// <summary>The members in canonical order.</summary>
    public IReadOnlyList<ClusterMember> Members => _members;

    /// <summary>Looks a member up by node id.</summary>
    public bool TryGetMember(string nodeId, [NotNullWhen(true)] out ClusterMember? member)
    {
        ArgumentNullException.ThrowIfNull(nodeId);
        return _byId.TryGetValue(nodeId, out member);
    }

    /// <summary>Whether <paramref name="identity"/> is listed exactly (same id and keys).</summary>
    public bool Contains(NodePublicIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return _byId.TryGetValue(identity.NodeId, out var m) && m.Identity.Equals(identity);
    }

    /// <summary>The canonical unsigned body (see the remarks on this type).</summary>
    public byte[] Encode()
    {
        var length = FixedHeaderLength;
        foreach (var m in _members)
        {
            length += 1 + m.NodeId.Length + (2 * NodePublicIdentity.PublicKeyLength) + m.TlsCertificateSha256.Length + 1 + m.Address.Length;
        }

        var body = new byte[length];
        var w = body.AsSpan();
        Magic.CopyTo(w);
        w[4] = HasTlsPins ? FormatVersion : FormatVersionWithoutTlsPins;
        BinaryPrimitives.WriteUInt64BigEndian(w[5..], Serial);
        BinaryPrimitives.WriteUInt16BigEndian(w[13..], checked((ushort)_members.Length));
        w = w[FixedHeaderLength..];
        foreach (var m in _members)
        {
            w[0] = (byte)m.NodeId.Length;
            w = w[(1 + Encoding.ASCII.GetBytes(m.NodeId, w[1..]))..];
            m.Identity.SigningPublicKey.CopyTo(w);
            m.Identity.AgreementPublicKey.CopyTo(w[NodePublicIdentity.PublicKeyLength..]);
            w = w[(2 * NodePublicIdentity.PublicKeyLength)..];
            m.TlsCertificateSha256.Span.CopyTo(w);
            w = w[m.TlsCertificateSha256.Length..];
            w[0] = (byte)m.Address.Length;
            w = w[(1 + Encoding.ASCII.GetBytes(m.Address, w[1..]))..];
        }

        return body;
    }

    /// <summary>Encodes and signs the membership with the operator's Ed25519 key: the signed file's bytes.</summary>
    public byte[] Sign(Key operatorKey)
    {
        ArgumentNullException.ThrowIfNull(operatorKey);
        if (operatorKey.Algorithm != SignatureAlgorithm.Ed25519)
        {
            throw new ArgumentException("The operator key is an Ed25519 key.", nameof(operatorKey));
        }

        var body = Encode();
        var file = new byte[body.Length + SignatureLength];
        body.CopyTo(file, 0);
        SignatureAlgorithm.Ed25519.Sign(operatorKey, SignedMessage(body), file.AsSpan(body.Length));
        return file;
    }

    /// <summary>Verifies and parses a signed membership file.</summary>
    /// <exception cref="MembershipException">The file is refused; its <see cref="MembershipException.Error"/> says why.</exception>
    public static ClusterMembership Parse(ReadOnlySpan<byte> signedFile, PublicKey operatorPublicKey)
    {
        if (!TryParse(signedFile, operatorPublicKey, out var membership, out var error))
        {
            throw new MembershipException(error);
        }

        return membership;
    }

    /// <summary>Verifies and parses a signed membership file without throwing on bad input.</summary>
    public static bool TryParse(
        ReadOnlySpan<byte> signedFile,
        PublicKey operatorPublicKey,
        [NotNullWhen(true)] out ClusterMembership? membership,
        out MembershipError error)
    {
        ArgumentNullException.ThrowIfNull(operatorPublicKey);
        if (operatorPublicKey.Algorithm != SignatureAlgorithm.Ed25519)
        {
            throw new ArgumentException("The operator key is an Ed25519 key.", nameof(operatorPublicKey));
        }

        membership = null;
        if (signedFile.Length < FixedHeaderLength + SignatureLength)
        {
            error = MembershipError.Malformed;
            return false;
        }

        var body = signedFile[..^SignatureLength];
        if (!SignatureAlgorithm.Ed25519.Verify(operatorPublicKey, SignedMessage(body), signedFile[^SignatureLength..]))
        {
            error = MembershipError.BadSignature;
            return false;
        }

        error = ParseBody(body, out membership);
        return error == MembershipError.None;
    }

    private static MembershipError ParseBody(ReadOnlySpan<byte> body, out ClusterMembership? membership)
    {
        membership = null;
        if (!body.StartsWith(Magic))
        {
            return MembershipError.Malformed;
        }

        var version = body[4];
        if (version is not (FormatVersion or FormatVersionWithoutTlsPins))
        {
            return MembershipError.UnsupportedVersion;
        }

        var pinLength = version == FormatVersion ? ClusterMember.TlsPinLength : 0;

        var serial = BinaryPrimitives.ReadUInt64BigEndian(body[5..]);
        int count = BinaryPrimitives.ReadUInt16BigEndian(body[13..]);
        if (count > MaxMembers)
        {
            return MembershipError.Malformed;
        }

        var r = body[FixedHeaderLength..];
        var members = new ClusterMember[count];
        for (var i = 0; i < count; i++)
        {
            if (!TryReadAscii(ref r, NodePublicIdentity.MaxNodeIdLength, out var id))
            {
                return MembershipError.Malformed;
            }

            if (!NodePublicIdentity.IsValidNodeId(id))
            {
                return MembershipError.InvalidNodeId;
            }

            if (r.Length < 2 * NodePublicIdentity.PublicKeyLength)
            {
                return MembershipError.Malformed;
            }

            NodePublicIdentity identity;
            try
            {
                identity = new NodePublicIdentity(id, r[..32], r[32..64]);
            }
            catch (ArgumentException)
            {
                return MembershipError.InvalidKey;
            }

            r = r[64..];
            if (r.Length < pinLength)
            {
                return MembershipError.Malformed;
            }

            var pin = r[..pinLength];
            r = r[pinLength..];
            if (!TryReadAscii(ref r, ClusterMember.MaxAddressLength, out var address))
            {
                return MembershipError.Malformed;
            }

            if (!ClusterMember.IsValidAddress(address))
            {
                return MembershipError.InvalidAddress;
            }

            members[i] = new ClusterMember(identity, address, pin);
        }

        if (!r.IsEmpty)
        {
            return MembershipError.Malformed;
        }

        var error = Validate(members);
        if (error != MembershipError.None)
        {
            return error;
        }

        for (var i = 1; i < members.Length; i++)
        {
            if (string.CompareOrdinal(members[i - 1].NodeId, members[i].NodeId) >= 0)
            {
                return MembershipError.NotCanonical;
            }
        }

        membership = new ClusterMembership(serial, members);
        return MembershipError.None;
    }

    private static bool TryReadAscii(ref ReadOnlySpan<byte> r, int maxLength, [NotNullWhen(true)] out string? value)
    {
        value = null;
        if (r.IsEmpty)
        {
            return false;
        }

        int length = r[0];
        if (length < 1 || length > maxLength || r.Length < 1 + length)
        {
            return false;
        }

        var bytes = r.Slice(1, length);
        if (!Ascii.IsValid(bytes))
        {
            return false;
        }

        value = Encoding.ASCII.GetString(bytes);
        r = r[(1 + length)..];
        return true;
    }

    private static MembershipError Validate(ClusterMember[] members)
    {
        if (members.Length == 0)
        {
            return MembershipError.Empty;
        }

        if (members.Length > MaxMembers)
        {
            return MembershipError.Malformed;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in members)
        {
            if (!ids.Add(m.NodeId))
            {
                return MembershipError.DuplicateNodeId;
            }
        }

        foreach (var m in members)
        {
            if (!keys.Add("s" + Convert.ToHexString(m.Identity.SigningPublicKey))
                || !keys.Add("a" + Convert.ToHexString(m.Identity.AgreementPublicKey))
                || (m.HasTlsPin && !keys.Add("t" + Convert.ToHexString(m.TlsCertificateSha256.Span))))
            {
                return MembershipError.DuplicateKey;
            }

            if (m.HasTlsPin != members[0].HasTlsPin)
            {
                return MembershipError.MixedTlsPins;
            }
        }

        return MembershipError.None;
    }

    private static byte[] SignedMessage(ReadOnlySpan<byte> body)
    {
        var message = new byte[SignatureLabel.Length + body.Length];
        SignatureLabel.CopyTo(message);
        body.CopyTo(message.AsSpan(SignatureLabel.Length));
        return message;
    }
}

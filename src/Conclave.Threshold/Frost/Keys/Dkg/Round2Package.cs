using System.Buffers.Binary;
using System.Diagnostics;
using Conclave.Crypto;
using Conclave.Threshold.Frost.Ciphersuites;

namespace Conclave.Threshold.Frost.Keys.Dkg;

/// <summary>
/// DKG round-two point-to-point message (FROST KeyGen round 2, step 1): the secret share
/// f_i(l) that dealer i sends participant l. Secret: the transport must encrypt it. Wiped on dispose.
/// </summary>
[DebuggerDisplay("Round2Package({Sender} -> {Recipient}, redacted)")]
public sealed class Round2Package : IDisposable
{
    private readonly SecretBytes _share;

    /// <summary>Creates the package; the share must be canonical.</summary>
    public Round2Package(FrostCiphersuite suite, ParticipantId sender, ParticipantId recipient, ReadOnlySpan<byte> signingShare)
    {
        ArgumentNullException.ThrowIfNull(suite);
        suite.Group.ValidateScalar(signingShare);
        Suite = suite;
        Sender = sender;
        Recipient = recipient;
        _share = SecretBytes.Copy(signingShare);
    }

    /// <summary>The ciphersuite.</summary>
    public FrostCiphersuite Suite { get; }

    /// <summary>The dealer i.</summary>
    public ParticipantId Sender { get; }

    /// <summary>The recipient l.</summary>
    public ParticipantId Recipient { get; }

    internal ReadOnlySpan<byte> SigningShare => _share.Span;

    /// <summary>Wire encoding (for an encrypted channel only): version, sender, recipient, share.</summary>
    public byte[] Serialize()
    {
        var bytes = new byte[5 + _share.Length];
        bytes[0] = Signing.FrostWire.Version;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(1), Sender.Value);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(3), Recipient.Value);
        _share.Span.CopyTo(bytes.AsSpan(5));
        return bytes;
    }

    /// <summary>Parses the wire encoding; throws <see cref="FormatException"/> when malformed.</summary>
    public static Round2Package Deserialize(FrostCiphersuite suite, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(suite);
        if (bytes.Length != 5 + suite.Group.ScalarLength || bytes[0] != Signing.FrostWire.Version)
        {
            throw new FormatException("Malformed DKG round-two package.");
        }

        var sender = BinaryPrimitives.ReadUInt16BigEndian(bytes[1..]);
        var recipient = BinaryPrimitives.ReadUInt16BigEndian(bytes[3..]);
        if (sender == 0 || recipient == 0 || !suite.Group.IsCanonicalScalar(bytes[5..]))
        {
            throw new FormatException("Malformed DKG round-two package.");
        }

        return new Round2Package(suite, new ParticipantId(sender), new ParticipantId(recipient), bytes[5..]);
    }

    /// <summary>Wipes the share.</summary>
    public void Dispose() => _share.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"Round2Package({Sender} -> {Recipient}, <redacted>)";
}

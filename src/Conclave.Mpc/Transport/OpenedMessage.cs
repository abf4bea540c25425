using System.Diagnostics;
using System.Security.Cryptography;
using Conclave.Threshold;

namespace Conclave.Mpc.Transport;

/// <summary>
/// An authenticated, decrypted protocol message. The payload sits in a pinned array that
/// <see cref="Dispose"/> wipes: a consumer whose payload carries secret material (a secret share
/// sent point to point) must dispose the message once it has taken what it needs; for public
/// protocol messages disposing is harmless.
/// </summary>
[DebuggerDisplay("OpenedMessage({Sender} → {Recipient}, round {Round}, seq {Sequence}, payload redacted)")]
public sealed class OpenedMessage : IDisposable
{
    private readonly byte[] _payload;
    private bool _disposed;

    internal OpenedMessage(SessionId session, int round, string sender, string recipient, ulong sequence, byte[] payload)
    {
        Session = session;
        Round = round;
        Sender = sender;
        Recipient = recipient;
        Sequence = sequence;
        _payload = payload;
    }

    /// <summary>The session the message belongs to.</summary>
    public SessionId Session { get; }

    /// <summary>The protocol round.</summary>
    public int Round { get; }

    /// <summary>The authenticated sender's node id.</summary>
    public string Sender { get; }

    /// <summary>The recipient's node id (this node).</summary>
    public string Recipient { get; }

    /// <summary>The sender's sequence number.</summary>
    public ulong Sequence { get; }

    /// <summary>The decrypted payload; throws once disposed.</summary>
    public ReadOnlyMemory<byte> Payload
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _payload;
        }
    }

    /// <summary>Wipes the payload.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            CryptographicOperations.ZeroMemory(_payload);
        }
    }

    /// <summary>Metadata only; never the payload.</summary>
    public override string ToString() => $"OpenedMessage({Sender} -> {Recipient}, session {Session}, round {Round}, seq {Sequence}, {_payload.Length} bytes)";
}

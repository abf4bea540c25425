using System.Security.Cryptography;
using Conclave.Threshold;

namespace Conclave.Mpc.Sessions;

/// <summary>
/// The CGGMP21 sub-protocol session ids derived from a messenger session, so that every node
/// derives the same ids and no two sub-protocols share a transcript id:
/// <c>SHA-256(label ‖ len:u8 ‖ messenger session)</c> with the labels below. Key generation uses the
/// messenger session itself.
/// </summary>
internal static class CggmpSessionIds
{
    internal static SessionId AuxInfo(SessionId messengerSession) => Derive("conclave/mpc/cggmp21/aux-info/v1"u8, messengerSession);

    internal static SessionId Presign(SessionId messengerSession) => Derive("conclave/mpc/cggmp21/presign/v1"u8, messengerSession);

    private static SessionId Derive(ReadOnlySpan<byte> label, SessionId session)
    {
        var bytes = session.Bytes;
        var input = new byte[label.Length + 1 + bytes.Length];
        label.CopyTo(input);
        input[label.Length] = checked((byte)bytes.Length);
        bytes.CopyTo(input.AsSpan(label.Length + 1));
        return new SessionId(SHA256.HashData(input));
    }
}

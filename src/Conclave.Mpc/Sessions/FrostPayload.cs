namespace Conclave.Mpc.Sessions;

/// <summary>
/// Session payloads of the FROST sessions: <c>kind:u8 ‖ wire encoding</c> of the Threshold type
/// (<c>Round1Package</c>, <c>Round2Package</c>, <c>SigningCommitments</c>, <c>SignatureShare</c>,
/// the refresh's <c>RefreshPackage</c> and <c>Round2Package</c>), and the DKG's and refresh's round-one echo: n × SHA-256 of the round-one packages as received, in participant order;
/// framing and parsing are <see cref="SessionPayload"/>'s.
/// </summary>
internal static class FrostPayload
{
    internal const byte DkgRound1 = 1;
    internal const byte DkgRound2 = 2;
    internal const byte SigningCommitments = 3;
    internal const byte SignatureShare = 4;
    internal const byte DkgRound1Echo = 5;
    internal const byte RefreshRound1 = 6;
    internal const byte RefreshRound2 = 7;
}

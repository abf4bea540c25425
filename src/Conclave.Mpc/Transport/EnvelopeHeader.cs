using Conclave.Threshold;

namespace Conclave.Mpc.Transport;

/// <summary>The parsed, not yet authenticated, header of an envelope (see <see cref="EnvelopeFormat"/>).</summary>
internal readonly record struct EnvelopeHeader(SessionId Session, int Round, string Sender, string Recipient, ulong Sequence, int Length);

namespace Conclave.Threshold;

/// <summary>The header every protocol message carries: session, sender and round.</summary>
public interface IProtocolMessage
{
    /// <summary>The session.</summary>
    SessionId Session { get; }

    /// <summary>The sender.</summary>
    ParticipantId Sender { get; }

    /// <summary>The protocol round the message belongs to.</summary>
    int Round { get; }
}

/// <summary>The common base of public protocol messages (immutable records, public data only).</summary>
public abstract record ProtocolMessage(SessionId Session, ParticipantId Sender, int Round) : IProtocolMessage;

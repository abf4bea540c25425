using System.Security.Cryptography;

namespace Conclave.Threshold;

/// <summary>
/// A protocol run stopped because a participant misbehaved. <see cref="Culprits"/> lists every
/// participant that failed <see cref="Reason"/>'s check (identifiable abort); the message never
/// contains secret material.
/// </summary>
public sealed class ProtocolAbortException : CryptographicException
{
    /// <summary>Creates an abort naming the culprits.</summary>
    public ProtocolAbortException(AbortReason reason, IReadOnlyList<ParticipantId> culprits, string? detail = null)
        : base(BuildMessage(reason, culprits, detail))
    {
        Reason = reason;
        Culprits = culprits;
    }

    /// <summary>Creates an abort with no culprit (not used by the protocols; exists for serialization tooling).</summary>
    public ProtocolAbortException()
        : this(AbortReason.MalformedMessage, [])
    {
    }

    /// <summary>Creates an abort with a message.</summary>
    public ProtocolAbortException(string message)
        : base(message)
    {
        Culprits = [];
    }

    /// <summary>Creates an abort with a message and inner exception.</summary>
    public ProtocolAbortException(string message, Exception innerException)
        : base(message, innerException)
    {
        Culprits = [];
    }

    /// <summary>The failed check.</summary>
    public AbortReason Reason { get; }

    /// <summary>The participants that failed it (sorted, complete).</summary>
    public IReadOnlyList<ParticipantId> Culprits { get; }

    private static string BuildMessage(AbortReason reason, IReadOnlyList<ParticipantId> culprits, string? detail)
    {
        ArgumentNullException.ThrowIfNull(culprits);
        var who = culprits.Count == 0 ? "unknown participant" : "participant(s) " + string.Join(", ", culprits);
        return detail is null ? $"Protocol aborted: {reason} by {who}." : $"Protocol aborted: {reason} by {who}: {detail}";
    }
}

namespace Conclave.Mpc.Sessions;

/// <summary>
/// A protocol round did not complete in time: <see cref="MissingSenders"/> names the nodes whose
/// message for <see cref="Round"/> never arrived (or arrived only in forms the opener dropped).
/// Holds no payload data.
/// </summary>
public sealed class SessionTimeoutException : TimeoutException
{
    /// <summary>Creates the exception for a round of a session.</summary>
    public SessionTimeoutException(string session, int round, IReadOnlyList<string> missingSenders, TimeSpan timeout)
        : base($"Session {session}, round {round}: no message from {string.Join(", ", missingSenders)} within {timeout.TotalSeconds:0.###} s.")
    {
        ArgumentNullException.ThrowIfNull(missingSenders);
        Session = session;
        Round = round;
        MissingSenders = missingSenders;
    }

    /// <summary>Creates the exception with no details.</summary>
    public SessionTimeoutException()
    {
        Session = string.Empty;
        MissingSenders = [];
    }

    /// <summary>Creates the exception with a message.</summary>
    public SessionTimeoutException(string message)
        : base(message)
    {
        Session = string.Empty;
        MissingSenders = [];
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public SessionTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
        Session = string.Empty;
        MissingSenders = [];
    }

    /// <summary>The session id (hex).</summary>
    public string Session { get; }

    /// <summary>The round that timed out.</summary>
    public int Round { get; }

    /// <summary>The unresponsive nodes (sorted by ordinal id).</summary>
    public IReadOnlyList<string> MissingSenders { get; }
}

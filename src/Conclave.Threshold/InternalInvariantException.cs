namespace Conclave.Threshold;

/// <summary>An internal invariant broke: a bug in Conclave, never a cheating participant.</summary>
public sealed class InternalInvariantException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InternalInvariantException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public InternalInvariantException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public InternalInvariantException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

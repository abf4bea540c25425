using System.Security.Cryptography;

namespace Conclave.Mpc.Transport;

/// <summary>A signed membership file was refused; <see cref="Error"/> says why.</summary>
public sealed class MembershipException : CryptographicException
{
    /// <summary>Creates the exception for <paramref name="error"/>.</summary>
    public MembershipException(MembershipError error)
        : base($"The cluster membership file was refused: {error}.")
    {
        Error = error;
    }

    /// <summary>Creates the exception (reason <see cref="MembershipError.Malformed"/>).</summary>
    public MembershipException()
        : this(MembershipError.Malformed)
    {
    }

    /// <summary>Creates the exception with a message (reason <see cref="MembershipError.Malformed"/>).</summary>
    public MembershipException(string message)
        : base(message)
    {
        Error = MembershipError.Malformed;
    }

    /// <summary>Creates the exception with a message and inner exception (reason <see cref="MembershipError.Malformed"/>).</summary>
    public MembershipException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = MembershipError.Malformed;
    }

    /// <summary>Why the file was refused.</summary>
    public MembershipError Error { get; }
}

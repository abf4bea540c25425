namespace Conclave.Kms.Storage;

/// <summary>
/// <see cref="IKmsStore.CommitAsync"/> applied none of the changes because one of them conflicts
/// with the stored state (see <see cref="Kind"/>). The audit record was not written either.
/// </summary>
public sealed class KmsConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KmsConflictException(KmsConflictKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    /// <summary>Creates the exception.</summary>
    public KmsConflictException()
        : this(KmsConflictKind.KeyChanged, "The change conflicts with the stored state.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public KmsConflictException(string message)
        : this(KmsConflictKind.KeyChanged, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public KmsConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = KmsConflictKind.KeyChanged;
    }

    /// <summary>What conflicted.</summary>
    public KmsConflictKind Kind { get; }
}

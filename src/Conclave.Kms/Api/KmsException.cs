namespace Conclave.Kms.Api;

/// <summary>
/// A KMS request failed with the AWS error type <see cref="ErrorType"/> (one of
/// <see cref="KmsErrorType"/>). The message goes to the caller as is: it names keys, aliases and
/// parameters, never plaintext, key material or secrets.
/// </summary>
public sealed class KmsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KmsException(string errorType, string message)
        : base(message)
    {
        ErrorType = errorType;
    }

    /// <summary>Creates a <see cref="KmsErrorType.KmsInternal"/> exception.</summary>
    public KmsException()
        : this(KmsErrorType.KmsInternal, "The request failed.")
    {
    }

    /// <summary>Creates a <see cref="KmsErrorType.KmsInternal"/> exception.</summary>
    public KmsException(string message)
        : this(KmsErrorType.KmsInternal, message)
    {
    }

    /// <summary>Creates a <see cref="KmsErrorType.KmsInternal"/> exception.</summary>
    public KmsException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorType = KmsErrorType.KmsInternal;
    }

    /// <summary>The AWS error type (<c>__type</c>), for example <c>NotFoundException</c>.</summary>
    public string ErrorType { get; }

    /// <summary>The HTTP status AWS uses for <see cref="ErrorType"/>.</summary>
    public int StatusCode => KmsErrorType.StatusCode(ErrorType);
}

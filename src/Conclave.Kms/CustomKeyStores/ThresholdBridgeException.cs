namespace Conclave.Kms.CustomKeyStores;

/// <summary>A bridge call failed; the message names the failure and the bridge's error code only, never request data.</summary>
public sealed class ThresholdBridgeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ThresholdBridgeException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ThresholdBridgeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ThresholdBridgeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="failure"/>.</summary>
    public ThresholdBridgeException(ThresholdBridgeFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    /// <summary>How the call failed.</summary>
    public ThresholdBridgeFailure Failure { get; }
}

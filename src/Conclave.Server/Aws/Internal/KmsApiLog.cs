using Microsoft.Extensions.Logging;

namespace Conclave.Server.Aws.Internal;

/// <summary>
/// Log events of the KMS API (ids 4000-4099): request ids, action names, access key ids, regions and
/// error types only; never a request or response body, a signature or an exception message.
/// </summary>
internal static partial class KmsApiLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Debug, Message = "KMS request {RequestId} {Action} by {AccessKeyId} in {Region} succeeded")]
    public static partial void Succeeded(ILogger logger, string requestId, string action, string accessKeyId, string region);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "KMS request {RequestId} {Action} failed with {ErrorType}")]
    public static partial void Failed(ILogger logger, string requestId, string action, string errorType);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "KMS request {RequestId} {Action} failed with an unexpected {ExceptionType}")]
    public static partial void Unexpected(ILogger logger, string requestId, string action, string exceptionType);
}

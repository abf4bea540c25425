using Conclave.Kms.Api;

namespace Conclave.Server.Aws.Internal;

/// <summary>
/// Builds every SigV4 failure with AWS's error type and, where AWS has a well-known wording, AWS's
/// message. No message echoes a signature, a secret or a header value other than dates and scopes.
/// </summary>
internal static class SigV4Errors
{
    public static KmsException MissingToken() =>
        new(KmsErrorType.MissingAuthenticationToken, "Missing Authentication Token");

    public static KmsException UnknownAccessKey() =>
        new(KmsErrorType.UnrecognizedClient, "The security token included in the request is invalid.");

    public static KmsException TemporaryCredentials() =>
        new(KmsErrorType.UnrecognizedClient, "The security token included in the request is invalid. Conclave does not accept temporary credentials (X-Amz-Security-Token).");

    public static KmsException Mismatch() =>
        new(KmsErrorType.InvalidSignature, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");

    public static KmsException Incomplete(string what) =>
        new(KmsErrorType.IncompleteSignature, what);

    public static KmsException UnsupportedAlgorithm() =>
        new(KmsErrorType.IncompleteSignature, "Unsupported AWS 'algorithm': only 'AWS4-HMAC-SHA256' in the Authorization header is supported.");

    public static KmsException MissingParameter(string name) =>
        new(KmsErrorType.IncompleteSignature, $"Authorization header requires '{name}' parameter.");

    public static KmsException DuplicateParameter(string name) =>
        new(KmsErrorType.IncompleteSignature, $"Authorization header has more than one '{name}' parameter.");

    public static KmsException MissingDate() =>
        new(KmsErrorType.IncompleteSignature, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");

    public static KmsException WrongService(string expected, string got) =>
        new(KmsErrorType.InvalidSignature, $"Credential should be scoped to correct service: '{expected}', not '{got}'.");

    public static KmsException DateMismatch(string scopeDate, string requestDate) =>
        new(KmsErrorType.InvalidSignature, $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scopeDate}' != '{requestDate[..8]}', from '{requestDate}'.");

    public static KmsException UnsignedHeader(string name) =>
        new(KmsErrorType.IncompleteSignature, $"'{name}' must be a 'SignedHeader' in the AWS Authorization.");

    public static KmsException UnsignedPayload() =>
        new(KmsErrorType.InvalidSignature, "UNSIGNED-PAYLOAD is not accepted by KMS: the payload must be signed.");

    public static KmsException PayloadHashMismatch() =>
        new(KmsErrorType.InvalidSignature, "The provided 'x-amz-content-sha256' header does not match what was computed.");

    public static KmsException Expired(string requestTime, string limit, string now) =>
        new(KmsErrorType.InvalidSignature, $"Signature expired: {requestTime} is now earlier than {limit} ({now} - 5 min.)");

    public static KmsException NotYetCurrent(string requestTime, string limit, string now) =>
        new(KmsErrorType.InvalidSignature, $"Signature not yet current: {requestTime} is still later than {limit} ({now} + 5 min.)");
}

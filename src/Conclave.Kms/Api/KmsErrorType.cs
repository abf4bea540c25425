namespace Conclave.Kms.Api;

/// <summary>
/// The AWS KMS error types Conclave answers with (the <c>__type</c> of an AWS JSON 1.1 error body),
/// with the HTTP status AWS uses for each. Names are AWS's, exactly: SDKs map them to exception types.
/// </summary>
public static class KmsErrorType
{
    /// <summary>400: the caller's credentials or signature are missing or wrong in form.</summary>
    public const string IncompleteSignature = "IncompleteSignatureException";

    /// <summary>400: the signature does not match, or the request time is outside the allowed skew.</summary>
    public const string InvalidSignature = "InvalidSignatureException";

    /// <summary>403: the request carries no Authorization header at all.</summary>
    public const string MissingAuthenticationToken = "MissingAuthenticationTokenException";

    /// <summary>400: the access key id is not known.</summary>
    public const string UnrecognizedClient = "UnrecognizedClientException";

    /// <summary>400: the caller is not allowed to do this with this key (policy, grant or tenant).</summary>
    public const string AccessDenied = "AccessDeniedException";

    /// <summary>400: the X-Amz-Target names no KMS action.</summary>
    public const string UnknownOperation = "UnknownOperationException";

    /// <summary>400: a KMS action Conclave does not (yet) support.</summary>
    public const string UnsupportedOperation = "UnsupportedOperationException";

    /// <summary>400: the body is not JSON, or a field has the wrong JSON type.</summary>
    public const string Serialization = "SerializationException";

    /// <summary>400: a parameter is missing or out of range (AWS's generic validation error).</summary>
    public const string Validation = "ValidationException";

    /// <summary>400: the key, alias or grant does not exist.</summary>
    public const string NotFound = "NotFoundException";

    /// <summary>400: the alias or resource already exists.</summary>
    public const string AlreadyExists = "AlreadyExistsException";

    /// <summary>400: the key is disabled.</summary>
    public const string Disabled = "DisabledException";

    /// <summary>400: the key's state does not allow the operation (for example pending deletion).</summary>
    public const string KmsInvalidState = "KMSInvalidStateException";

    /// <summary>400: the key's usage or spec does not allow the operation.</summary>
    public const string InvalidKeyUsage = "InvalidKeyUsageException";

    /// <summary>400: the ciphertext is malformed, altered, or its encryption context does not match.</summary>
    public const string InvalidCiphertext = "InvalidCiphertextException";

    /// <summary>400: the ciphertext was encrypted under a different key than the one named.</summary>
    public const string IncorrectKey = "IncorrectKeyException";

    /// <summary>400: a signature (Verify) does not verify.</summary>
    public const string KmsInvalidSignature = "KMSInvalidSignatureException";

    /// <summary>400: a MAC (VerifyMac) does not verify.</summary>
    public const string KmsInvalidMac = "KMSInvalidMacException";

    /// <summary>400: the pagination marker is not one this API issued.</summary>
    public const string InvalidMarker = "InvalidMarkerException";

    /// <summary>400: a parameter value is invalid (AWS: InvalidArnException, etc. fold into this where AWS has no closer type).</summary>
    public const string InvalidArn = "InvalidArnException";

    /// <summary>400: the alias name is invalid.</summary>
    public const string InvalidAliasName = "InvalidAliasNameException";

    /// <summary>400: the grant token is invalid.</summary>
    public const string InvalidGrantToken = "InvalidGrantTokenException";

    /// <summary>400: the grant id is invalid.</summary>
    public const string InvalidGrantId = "InvalidGrantIdException";

    /// <summary>400: a tag is malformed.</summary>
    public const string Tag = "TagException";

    /// <summary>400: the key policy document is malformed.</summary>
    public const string MalformedPolicyDocument = "MalformedPolicyDocumentException";

    /// <summary>400: a quota was exceeded.</summary>
    public const string LimitExceeded = "LimitExceededException";

    /// <summary>400: the custom key store does not exist.</summary>
    public const string CustomKeyStoreNotFound = "CustomKeyStoreNotFoundException";

    /// <summary>400: the tenant has a custom key store of that name.</summary>
    public const string CustomKeyStoreNameInUse = "CustomKeyStoreNameInUseException";

    /// <summary>400: the custom key store's connection state does not allow the operation.</summary>
    public const string CustomKeyStoreInvalidState = "CustomKeyStoreInvalidStateException";

    /// <summary>400: the custom key store still holds keys.</summary>
    public const string CustomKeyStoreHasCmks = "CustomKeyStoreHasCMKsException";

    /// <summary>412: a DryRun request that would have succeeded.</summary>
    public const string DryRunOperation = "DryRunOperationException";

    /// <summary>500: an internal failure; the message says nothing about keys or data.</summary>
    public const string KmsInternal = "KMSInternalException";

    /// <summary>503: a dependency (the MPC cluster, the HSM, the database) is unavailable.</summary>
    public const string DependencyTimeout = "DependencyTimeoutException";

    /// <summary>The HTTP status AWS answers with for <paramref name="errorType"/>.</summary>
    public static int StatusCode(string errorType) => errorType switch
    {
        MissingAuthenticationToken => 403,
        DryRunOperation => 412,
        KmsInternal => 500,
        DependencyTimeout => 503,
        _ => 400,
    };
}

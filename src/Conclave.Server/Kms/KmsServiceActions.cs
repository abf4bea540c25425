using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Conclave.Kms.Api;
using Conclave.Kms.Api.Actions;
using Conclave.Kms.Service;
using Conclave.Server.Aws;

namespace Conclave.Server.Kms;

/// <summary>
/// The action table of the KMS API: each supported AWS action mapped to its <see cref="KmsService"/>
/// method, with the JSON (de)serialization of its AWS shapes, the audit digest of the request, and
/// the wiping of plaintext in requests and responses once they are no longer needed. Actions not
/// listed here answer UnsupportedOperationException.
/// </summary>
public static class KmsServiceActions
{
    /// <summary>The action table for <paramref name="service"/>.</summary>
    public static KmsActionTable Create(KmsService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var json = KmsJsonContext.Default;
        var actions = new KmsActionList();

        // Key lifecycle (KmsService.Keys.cs)
        actions.Add("CreateKey", json.CreateKeyRequest, json.KeyMetadataResponse, service.CreateKeyAsync);
        actions.Add("DescribeKey", json.KeyIdRequest, json.KeyMetadataResponse, service.DescribeKeyAsync);
        actions.Add("ListKeys", json.ListKeysRequest, json.ListKeysResponse, service.ListKeysAsync);
        actions.Add("UpdateKeyDescription", json.UpdateKeyDescriptionRequest, json.EmptyResponse, service.UpdateKeyDescriptionAsync);
        actions.Add("EnableKey", json.KeyIdRequest, json.EmptyResponse, service.EnableKeyAsync);
        actions.Add("DisableKey", json.KeyIdRequest, json.EmptyResponse, service.DisableKeyAsync);
        actions.Add("ScheduleKeyDeletion", json.ScheduleKeyDeletionRequest, json.ScheduleKeyDeletionResponse, service.ScheduleKeyDeletionAsync);
        actions.Add("CancelKeyDeletion", json.KeyIdRequest, json.KeyIdResponse, service.CancelKeyDeletionAsync);

        // Symmetric data plane (KmsService.Encryption.cs)
        actions.Add("Encrypt", json.EncryptRequest, json.EncryptResponse, service.EncryptAsync, wipeRequest: r => Wipe(r.Plaintext));
        actions.Add("Decrypt", json.DecryptRequest, json.DecryptResponse, service.DecryptAsync, wipeResponse: r => Wipe(r.Plaintext));
        actions.Add("ReEncrypt", json.ReEncryptRequest, json.ReEncryptResponse, service.ReEncryptAsync);
        actions.Add("GenerateDataKey", json.GenerateDataKeyRequest, json.GenerateDataKeyResponse, service.GenerateDataKeyAsync, wipeResponse: r => Wipe(r.Plaintext));
        actions.Add("GenerateDataKeyWithoutPlaintext", json.GenerateDataKeyRequest, json.GenerateDataKeyResponse, service.GenerateDataKeyWithoutPlaintextAsync);
        actions.Add("GenerateRandom", json.GenerateRandomRequest, json.GenerateRandomResponse, service.GenerateRandomAsync, wipeResponse: r => Wipe(r.Plaintext));

        // Key policies and grants (KmsService.Policies.cs, KmsService.Grants.cs)
        actions.Add("PutKeyPolicy", json.PutKeyPolicyRequest, json.EmptyResponse, service.PutKeyPolicyAsync);
        actions.Add("GetKeyPolicy", json.GetKeyPolicyRequest, json.GetKeyPolicyResponse, service.GetKeyPolicyAsync);
        actions.Add("ListKeyPolicies", json.ListKeyPoliciesRequest, json.ListKeyPoliciesResponse, service.ListKeyPoliciesAsync);
        actions.Add("CreateGrant", json.CreateGrantRequest, json.CreateGrantResponse, service.CreateGrantAsync);
        actions.Add("ListGrants", json.ListGrantsRequest, json.ListGrantsResponse, service.ListGrantsAsync);
        actions.Add("ListRetirableGrants", json.ListRetirableGrantsRequest, json.ListGrantsResponse, service.ListRetirableGrantsAsync);
        actions.Add("RetireGrant", json.RetireGrantRequest, json.EmptyResponse, service.RetireGrantAsync);
        actions.Add("RevokeGrant", json.RevokeGrantRequest, json.EmptyResponse, service.RevokeGrantAsync);

        // Asymmetric keys (KmsService.Asymmetric.cs)
        actions.Add("Sign", json.SignRequest, json.SignResponse, service.SignAsync);
        actions.Add("Verify", json.VerifyRequest, json.VerifyResponse, service.VerifyAsync);
        actions.Add("GetPublicKey", json.GetPublicKeyRequest, json.GetPublicKeyResponse, service.GetPublicKeyAsync);
        actions.Add("GenerateDataKeyPair", json.GenerateDataKeyPairRequest, json.GenerateDataKeyPairResponse, service.GenerateDataKeyPairAsync, wipeResponse: r => Wipe(r.PrivateKeyPlaintext));
        actions.Add("GenerateDataKeyPairWithoutPlaintext", json.GenerateDataKeyPairRequest, json.GenerateDataKeyPairResponse, service.GenerateDataKeyPairWithoutPlaintextAsync);
        actions.Add("DeriveSharedSecret", json.DeriveSharedSecretRequest, json.DeriveSharedSecretResponse, service.DeriveSharedSecretAsync, wipeResponse: r => Wipe(r.SharedSecret));

        // HMAC keys (KmsService.Mac.cs)
        actions.Add("GenerateMac", json.GenerateMacRequest, json.GenerateMacResponse, service.GenerateMacAsync);
        actions.Add("VerifyMac", json.VerifyMacRequest, json.VerifyMacResponse, service.VerifyMacAsync);

        // Aliases (KmsService.Aliases.cs)
        actions.Add("CreateAlias", json.AliasRequest, json.EmptyResponse, service.CreateAliasAsync);
        actions.Add("UpdateAlias", json.AliasRequest, json.EmptyResponse, service.UpdateAliasAsync);
        actions.Add("DeleteAlias", json.DeleteAliasRequest, json.EmptyResponse, service.DeleteAliasAsync);
        actions.Add("ListAliases", json.ListAliasesRequest, json.ListAliasesResponse, service.ListAliasesAsync);

        // Tags (KmsService.Tags.cs)
        actions.Add("TagResource", json.TagResourceRequest, json.EmptyResponse, service.TagResourceAsync);
        actions.Add("UntagResource", json.UntagResourceRequest, json.EmptyResponse, service.UntagResourceAsync);
        actions.Add("ListResourceTags", json.ListResourceTagsRequest, json.ListResourceTagsResponse, service.ListResourceTagsAsync);

        // Custom key stores backed by MPC clusters (KmsService.CustomKeyStores.cs)
        actions.Add("CreateCustomKeyStore", json.CreateCustomKeyStoreRequest, json.CreateCustomKeyStoreResponse, service.CreateCustomKeyStoreAsync);
        actions.Add("ConnectCustomKeyStore", json.CustomKeyStoreIdRequest, json.EmptyResponse, service.ConnectCustomKeyStoreAsync);
        actions.Add("DisconnectCustomKeyStore", json.CustomKeyStoreIdRequest, json.EmptyResponse, service.DisconnectCustomKeyStoreAsync);
        actions.Add("UpdateCustomKeyStore", json.UpdateCustomKeyStoreRequest, json.EmptyResponse, service.UpdateCustomKeyStoreAsync);
        actions.Add("DeleteCustomKeyStore", json.CustomKeyStoreIdRequest, json.EmptyResponse, service.DeleteCustomKeyStoreAsync);
        actions.Add("DescribeCustomKeyStores", json.DescribeCustomKeyStoresRequest, json.DescribeCustomKeyStoresResponse, service.DescribeCustomKeyStoresAsync);

        // Rotation (KmsService.Rotation.cs)
        actions.Add("EnableKeyRotation", json.EnableKeyRotationRequest, json.EmptyResponse, service.EnableKeyRotationAsync);
        actions.Add("DisableKeyRotation", json.KeyIdRequest, json.EmptyResponse, service.DisableKeyRotationAsync);
        actions.Add("GetKeyRotationStatus", json.KeyIdRequest, json.GetKeyRotationStatusResponse, service.GetKeyRotationStatusAsync);
        actions.Add("RotateKeyOnDemand", json.KeyIdRequest, json.KeyIdResponse, service.RotateKeyOnDemandAsync);
        actions.Add("ListKeyRotations", json.ListKeyRotationsRequest, json.ListKeyRotationsResponse, service.ListKeyRotationsAsync);

        return new KmsActionTable(actions);
    }

    private static void Wipe(byte[]? secret)
    {
        if (secret is not null)
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Registrations, each turning a typed service method into a <see cref="KmsActionHandler"/>.</summary>
    private sealed class KmsActionList : List<KeyValuePair<string, KmsActionHandler>>
    {
        public void Add<TRequest, TResponse>(
            string action,
            JsonTypeInfo<TRequest> requestType,
            JsonTypeInfo<TResponse> responseType,
            Func<KmsCallContext, TRequest, CancellationToken, ValueTask<TResponse>> method,
            Action<TRequest>? wipeRequest = null,
            Action<TResponse>? wipeResponse = null)
            where TRequest : class
            where TResponse : class
        {
            Add(KeyValuePair.Create<string, KmsActionHandler>(action, async (context, body, cancellationToken) =>
            {
                TRequest request;
                try
                {
                    request = JsonSerializer.Deserialize(body.Span, requestType)
                        ?? throw new KmsException(KmsErrorType.Serialization, "The request body must be a JSON object.");
                }
                catch (JsonException)
                {
                    // The exception text may quote the body; say only where the shape is wrong.
                    throw new KmsException(KmsErrorType.Serialization, $"The request body does not match the {action} request shape (a member has the wrong JSON type or a blob is not base64).");
                }

                try
                {
                    var response = await method(context with { RequestDigest = RequestDigest.Compute(body.Span) }, request, cancellationToken).ConfigureAwait(false);
                    try
                    {
                        var bytes = JsonSerializer.SerializeToUtf8Bytes(response, responseType);
                        return wipeResponse is null ? new KmsActionResult(bytes) : KmsActionResult.Sensitive(bytes);
                    }
                    finally
                    {
                        wipeResponse?.Invoke(response);
                    }
                }
                finally
                {
                    wipeRequest?.Invoke(request);
                }
            }));
        }
    }
}

using System.Security.Cryptography;
using Conclave.Kms.Api;
using Conclave.Kms.Api.Actions;
using Conclave.Kms.Crypto;
using Conclave.Kms.Crypto.Internal;
using Conclave.Kms.CustomKeyStores;
using Conclave.Kms.Keys;
using Conclave.Kms.Storage;

namespace Conclave.Kms.Service;

/// <summary>
/// Threshold-backed keys: keys of a custom key store whose private key exists only as shares on the
/// MPC nodes. CreateKey runs the cluster's distributed keygen, Sign runs its signing protocol; the
/// KMS keeps the public key only, and checks every signature the cluster returns against it.
/// Verify and GetPublicKey use the stored public key, as for software keys.
/// </summary>
public sealed partial class KmsService
{
    /// <summary>The origin of a threshold-backed key.</summary>
    public const string ExternalKeyStoreOrigin = "EXTERNAL_KEY_STORE";

    /// <summary>CreateKey with a CustomKeyStoreId: the key row is committed only after keygen succeeded.</summary>
    private async ValueTask<KeyMetadataResponse> CreateThresholdKeyAsync(KmsOperation operation, CreateKeyRequest request, CancellationToken cancellationToken)
    {
        if (request.Origin is not null and not ExternalKeyStoreOrigin)
        {
            throw new KmsException(KmsErrorType.UnsupportedOperation, $"Origin {Sanitize(request.Origin)} is not supported with a custom key store; use {ExternalKeyStoreOrigin} or omit it.");
        }

        if (request.KeySpec is not null && request.CustomerMasterKeySpec is not null && request.KeySpec != request.CustomerMasterKeySpec)
        {
            throw new KmsException(KmsErrorType.Validation, "KeySpec and CustomerMasterKeySpec differ; use KeySpec only.");
        }

        var keySpec = request.KeySpec ?? request.CustomerMasterKeySpec
            ?? throw new KmsException(KmsErrorType.Validation, $"A key in a custom key store needs KeySpec {string.Join(" or ", ThresholdKeys.Specs)}.");
        var keyType = ThresholdKeys.KeyType(keySpec)
            ?? throw new KmsException(KmsErrorType.UnsupportedOperation, $"KeySpec {Sanitize(keySpec)} is not supported in a custom key store; threshold keys are {string.Join(" or ", ThresholdKeys.Specs)}.");
        var keyUsage = request.KeyUsage ?? KeyUsages.SignVerify;
        if (keyUsage != KeyUsages.SignVerify)
        {
            throw new KmsException(KmsErrorType.UnsupportedOperation, $"KeyUsage {Sanitize(keyUsage)} is not supported in a custom key store; threshold keys are {KeyUsages.SignVerify}.");
        }

        var (key, tags) = ValidatedNewKey(operation, request, keySpec, keyUsage);
        var store = await ResolveCustomKeyStoreAsync(operation, request.CustomKeyStoreId, cancellationToken).ConfigureAwait(false);
        RequireConnected(store);
        key = key with { Origin = ExternalKeyStoreOrigin, CustomKeyStoreId = store.CustomKeyStoreId };

        var bridge = BridgeUri(store);
        var walletId = ThresholdKeys.WalletId(key.Tenant, key.KeyId);
        byte[] publicKey;
        try
        {
            var nodes = await _bridge.HealthAsync(bridge, cancellationToken).ConfigureAwait(false);
            var total = nodes.Count;
            if (total is < 2 or > 64)
            {
                throw new KmsException(KmsErrorType.CustomKeyStoreInvalidState, $"The MPC cluster of custom key store {store.CustomKeyStoreId} reports {total} nodes; threshold keys need 2 to 64.");
            }

            publicKey = await _bridge.KeygenAsync(bridge, walletId, keyType, (total / 2) + 1, total, cancellationToken).ConfigureAwait(false);
        }
        catch (ThresholdBridgeException e)
        {
            throw BridgeError(store, "key generation", e);
        }

        var spki = ThresholdKeys.PublicKeySpki(keySpec, publicKey)
            ?? throw new KmsException(KmsErrorType.KmsInternal, $"The MPC cluster of custom key store {store.CustomKeyStoreId} returned an invalid public key.");

        // No private material: the version holds the public key and an empty "wrapped" field (KEK version 0).
        return AddNewKey(operation, key, new KeyVersionRecord(key.Tenant, key.KeyId, 1, operation.Now, 0, [], spki, null), tags);
    }

    /// <summary>Sign on a threshold key: the cluster signs; the signature is checked against the stored public key before it is returned.</summary>
    private async ValueTask<byte[]> ThresholdSignAsync(KmsOperation operation, KeyRecord key, string algorithm, byte[] message, string messageType, CancellationToken cancellationToken)
    {
        var info = SigningAlgorithmInfo.Resolve(KeySpecs.Get(key.KeySpec), algorithm, messageType, message.Length);
        if (info.Scheme == SignatureScheme.Ed25519Ph)
        {
            throw new KmsException(KmsErrorType.UnsupportedOperation, $"{key.Arn} is a threshold (FROST) Ed25519 key, which signs pure Ed25519 only; use {SigningAlgorithms.Ed25519Sha512}.");
        }

        var store = await _store.GetCustomKeyStoreAsync(key.Tenant, key.CustomKeyStoreId!, cancellationToken).ConfigureAwait(false)
            ?? throw new KmsException(KmsErrorType.KmsInvalidState, $"The custom key store of {key.Arn} does not exist.");
        if (store.ConnectionState != Connected)
        {
            throw new KmsException(KmsErrorType.KmsInvalidState, $"{key.Arn} is unavailable: its custom key store {store.CustomKeyStoreId} is not connected.");
        }

        var version = await VersionAsync(key, key.CurrentVersion, cancellationToken).ConfigureAwait(false);
        operation.KeyVersion = version.Version;
        var spki = version.PublicKey ?? throw new KmsException(KmsErrorType.KmsInternal, $"The public key of {key.Arn} is missing.");
        var keyType = ThresholdKeys.KeyType(key.KeySpec)!;

        // ed25519 and a RAW secp256k1 message: the cluster gets the message (for secp256k1 each node
        // hashes it with SHA-256 itself, so a pooled presignature can serve it); a DIGEST goes as
        // the 32-byte hash, which the nodes sign with a fresh presignature.
        var isEcdsa = info.Scheme == SignatureScheme.Ecdsa;
        var payloadIsHash = isEcdsa && messageType == MessageTypes.Digest;
        byte[] returned;
        try
        {
            returned = await _bridge.SignAsync(BridgeUri(store), ThresholdKeys.WalletId(key.Tenant, key.KeyId), keyType, message, payloadIsHash, cancellationToken).ConfigureAwait(false);
        }
        catch (ThresholdBridgeException e)
        {
            throw BridgeError(store, "signing", e);
        }

        var signature = isEcdsa ? ThresholdKeys.Secp256k1Der(returned) : returned.Length == 64 ? returned : null;
        using var handle = AsymmetricKeyHandle.FromPublicKey(key.KeySpec, spki);
        if (signature is null || !handle.Verify(algorithm, message, messageType, signature))
        {
            throw new KmsException(KmsErrorType.KmsInternal, $"The MPC cluster of custom key store {store.CustomKeyStoreId} returned a signature that does not verify under {key.Arn}.");
        }

        return signature;
    }

    /// <summary>Verify on a threshold key, with its stored public key (there is no private key to lease).</summary>
    private async ValueTask<bool> ThresholdVerifyAsync(KmsOperation operation, KeyRecord key, string algorithm, byte[] message, string messageType, byte[] signature, CancellationToken cancellationToken)
    {
        var version = await VersionAsync(key, key.CurrentVersion, cancellationToken).ConfigureAwait(false);
        operation.KeyVersion = version.Version;
        var spki = version.PublicKey ?? throw new KmsException(KmsErrorType.KmsInternal, $"The public key of {key.Arn} is missing.");
        using var handle = AsymmetricKeyHandle.FromPublicKey(key.KeySpec, spki);
        return handle.Verify(algorithm, message, messageType, signature);
    }

    private static void RequireConnected(CustomKeyStoreRecord store)
    {
        if (store.ConnectionState != Connected)
        {
            throw new KmsException(KmsErrorType.CustomKeyStoreInvalidState, $"Custom key store {store.CustomKeyStoreId} is not connected (state {store.ConnectionState}); connect it first.");
        }
    }

    /// <summary>A bridge failure as AWS error type; the message names the store and the failure kind, nothing of the request.</summary>
    private static KmsException BridgeError(CustomKeyStoreRecord store, string what, ThresholdBridgeException e) => e.Failure switch
    {
        ThresholdBridgeFailure.Unreachable or ThresholdBridgeFailure.Timeout or ThresholdBridgeFailure.NoQuorum =>
            new KmsException(KmsErrorType.DependencyTimeout, $"The MPC cluster of custom key store {store.CustomKeyStoreId} is unavailable for {what} ({e.Failure}); retry later."),
        _ => new KmsException(KmsErrorType.KmsInternal, $"The MPC cluster of custom key store {store.CustomKeyStoreId} failed {what} ({e.Failure})."),
    };
}

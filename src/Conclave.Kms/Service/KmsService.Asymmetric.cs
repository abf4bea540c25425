using System.Security.Cryptography;
using Conclave.Kms.Api;
using Conclave.Kms.Api.Actions;
using Conclave.Kms.Crypto;
using Conclave.Kms.Envelope;
using Conclave.Kms.Keys;

namespace Conclave.Kms.Service;

/// <summary>
/// The asymmetric data plane: Sign, Verify, GetPublicKey, GenerateDataKeyPair(WithoutPlaintext),
/// DeriveSharedSecret, and the RSA branch of Encrypt/Decrypt/ReEncrypt. Private keys are used
/// through the keyring's cached <see cref="AsymmetricKeyHandle"/> (imported once per key version).
/// </summary>
public sealed partial class KmsService
{
    private const int MaxSignatureLength = 6144;
    private const int MaxPeerPublicKeyLength = 8192;

    /// <summary>Sign.</summary>
    public ValueTask<SignResponse> SignAsync(KmsCallContext context, SignRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "Sign", async operation =>
        {
            var message = RequireMessage(request.Message);
            var algorithm = RequireMember(request.SigningAlgorithm, "signingAlgorithm");
            var messageType = request.MessageType ?? MessageTypes.Raw;
            var key = await ResolveKeyAsync(operation, request.KeyId, cancellationToken).ConfigureAwait(false);
            RequireEnabled(key);
            RequireUsage(key, KeyUsages.SignVerify, "Sign");
            ThrowIfDryRun(request.DryRun);
            if (key.CustomKeyStoreId is not null)
            {
                return new SignResponse(key.Arn, await ThresholdSignAsync(operation, key, algorithm, message, messageType, cancellationToken).ConfigureAwait(false), algorithm);
            }

            var signature = await UseAsymmetricKeyAsync(
                operation, key, (algorithm, message, messageType), static (handle, s) => handle.Sign(s.algorithm, s.message, s.messageType), cancellationToken).ConfigureAwait(false);
            return new SignResponse(key.Arn, signature, algorithm);
        }, cancellationToken);
    }

    /// <summary>Verify: a signature that does not verify is KMSInvalidSignatureException, as in AWS.</summary>
    public ValueTask<VerifyResponse> VerifyAsync(KmsCallContext context, VerifyRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "Verify", async operation =>
        {
            var message = RequireMessage(request.Message);
            var algorithm = RequireMember(request.SigningAlgorithm, "signingAlgorithm");
            var messageType = request.MessageType ?? MessageTypes.Raw;
            var signature = request.Signature;
            if (signature is null || signature.Length is 0 or > MaxSignatureLength)
            {
                throw new KmsException(KmsErrorType.Validation, $"1 validation error detected: Value at 'signature' failed to satisfy constraint: Member must have length between 1 and {MaxSignatureLength}");
            }

            var key = await ResolveKeyAsync(operation, request.KeyId, cancellationToken).ConfigureAwait(false);
            RequireEnabled(key);
            RequireUsage(key, KeyUsages.SignVerify, "Verify");
            ThrowIfDryRun(request.DryRun);
            var valid = key.CustomKeyStoreId is not null
                ? await ThresholdVerifyAsync(operation, key, algorithm, message, messageType, signature, cancellationToken).ConfigureAwait(false)
                : await UseAsymmetricKeyAsync(
                    operation, key, (algorithm, message, messageType, signature), static (handle, s) => handle.Verify(s.algorithm, s.message, s.messageType, s.signature), cancellationToken).ConfigureAwait(false);
            if (!valid)
            {
                throw new KmsException(KmsErrorType.KmsInvalidSignature, "The signature is not valid for the message, key and signing algorithm.");
            }

            return new VerifyResponse(key.Arn, true, algorithm);
        }, cancellationToken);
    }

    /// <summary>GetPublicKey (the key must be enabled, as in AWS); also answers the raw public key as the extension member RawPublicKey.</summary>
    public ValueTask<GetPublicKeyResponse> GetPublicKeyAsync(KmsCallContext context, GetPublicKeyRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "GetPublicKey", async operation =>
        {
            var key = await ResolveKeyAsync(operation, request.KeyId, cancellationToken).ConfigureAwait(false);
            RequireEnabled(key);
            if (!KeySpecs.IsAsymmetric(key.KeySpec))
            {
                throw new KmsException(KmsErrorType.UnsupportedOperation, $"{key.Arn} key usage is {key.KeyUsage} and key spec is {key.KeySpec}, which has no public key.");
            }

            var version = await VersionAsync(key, key.CurrentVersion, cancellationToken).ConfigureAwait(false);
            operation.KeyVersion = version.Version;
            var spki = version.PublicKey ?? throw new KmsException(KmsErrorType.KmsInternal, $"The public key of {key.Arn} is missing.");
            using var publicKey = AsymmetricKeyHandle.FromPublicKey(key.KeySpec, spki);
            var (encryption, signing, _, agreement) = KeySpecRules.Algorithms(key.KeySpec, key.KeyUsage);
            return new GetPublicKeyResponse
            {
                KeyId = key.Arn,
                PublicKey = spki,
                CustomerMasterKeySpec = key.KeySpec,
                KeySpec = key.KeySpec,
                KeyUsage = key.KeyUsage,
                EncryptionAlgorithms = encryption,
                SigningAlgorithms = signing,
                KeyAgreementAlgorithms = agreement,
                RawPublicKey = publicKey.RawPublicKey(),
            };
        }, cancellationToken);
    }

    /// <summary>GenerateDataKeyPair: a fresh key pair, the private key also encrypted under a symmetric key.</summary>
    public ValueTask<GenerateDataKeyPairResponse> GenerateDataKeyPairAsync(KmsCallContext context, GenerateDataKeyPairRequest request, CancellationToken cancellationToken = default) =>
        GenerateDataKeyPairCoreAsync(context, request, "GenerateDataKeyPair", returnPlaintext: true, cancellationToken);

    /// <summary>GenerateDataKeyPairWithoutPlaintext.</summary>
    public ValueTask<GenerateDataKeyPairResponse> GenerateDataKeyPairWithoutPlaintextAsync(KmsCallContext context, GenerateDataKeyPairRequest request, CancellationToken cancellationToken = default) =>
        GenerateDataKeyPairCoreAsync(context, request, "GenerateDataKeyPairWithoutPlaintext", returnPlaintext: false, cancellationToken);

    /// <summary>DeriveSharedSecret: raw ECDH with the key's private key and the peer's public key.</summary>
    public ValueTask<DeriveSharedSecretResponse> DeriveSharedSecretAsync(KmsCallContext context, DeriveSharedSecretRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "DeriveSharedSecret", async operation =>
        {
            var algorithm = RequireMember(request.KeyAgreementAlgorithm, "keyAgreementAlgorithm");
            var peer = request.PublicKey;
            if (peer is null || peer.Length is 0 or > MaxPeerPublicKeyLength)
            {
                throw new KmsException(KmsErrorType.Validation, $"1 validation error detected: Value at 'publicKey' failed to satisfy constraint: Member must have length between 1 and {MaxPeerPublicKeyLength}");
            }

            RefuseRecipient(request.Recipient);
            var key = await ResolveKeyAsync(operation, request.KeyId, cancellationToken).ConfigureAwait(false);
            RequireEnabled(key);
            RequireUsage(key, KeyUsages.KeyAgreement, "DeriveSharedSecret");
            ThrowIfDryRun(request.DryRun);
            var version = await VersionAsync(key, key.CurrentVersion, cancellationToken).ConfigureAwait(false);
            operation.KeyVersion = version.Version;
            using var material = await _keyring.LeaseAsync(version, cancellationToken).ConfigureAwait(false);
            using var secret = KeyAgreement.DeriveSharedSecret(key.KeySpec, material.Span, algorithm, peer);
            return new DeriveSharedSecretResponse(key.Arn, ToPinnedArray(secret.Span), algorithm, "AWS_KMS");
        }, cancellationToken);
    }

    private ValueTask<GenerateDataKeyPairResponse> GenerateDataKeyPairCoreAsync(KmsCallContext context, GenerateDataKeyPairRequest request, string action, bool returnPlaintext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, action, async operation =>
        {
            var keyPairSpec = request.KeyPairSpec;
            if (keyPairSpec is null || !DataKeyPairs.Specs.Contains(keyPairSpec))
            {
                throw new KmsException(KmsErrorType.Validation, $"1 validation error detected: Value '{Sanitize(keyPairSpec ?? "null")}' at 'keyPairSpec' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", DataKeyPairs.Specs)}]");
            }

            RefuseRecipient(request.Recipient);
            var encodedContext = EncryptionContext.Encode(request.EncryptionContext);
            var key = await ResolveKeyAsync(operation, request.KeyId, cancellationToken).ConfigureAwait(false);
            RequireSymmetricEncryption(key, SymmetricDefault, action);
            ThrowIfDryRun(request.DryRun);
            var (privateKey, publicKey) = DataKeyPairs.Generate(keyPairSpec);
            byte[]? plaintext = null;
            try
            {
                plaintext = ToPinnedArray(privateKey.Span);
                var blob = await EncryptUnderAsync(operation, key, plaintext, encodedContext, cancellationToken).ConfigureAwait(false);
                var response = new GenerateDataKeyPairResponse(blob, returnPlaintext ? plaintext : null, publicKey, key.Arn, keyPairSpec);
                plaintext = returnPlaintext ? null : plaintext;
                return response;
            }
            finally
            {
                privateKey.Dispose();
                if (plaintext is not null)
                {
                    CryptographicOperations.ZeroMemory(plaintext);
                }
            }
        }, cancellationToken);
    }

    /// <summary>Runs <paramref name="use"/> on the cached private key of the key's current version, recording the version for the audit.</summary>
    private async ValueTask<TResult> UseAsymmetricKeyAsync<TState, TResult>(
        KmsOperation operation, KeyRecord key, TState state, Func<AsymmetricKeyHandle, TState, TResult> use, CancellationToken cancellationToken)
    {
        // AWS does not rotate asymmetric keys: the current version is the only one.
        var version = await VersionAsync(key, key.CurrentVersion, cancellationToken).ConfigureAwait(false);
        operation.KeyVersion = version.Version;
        using var material = await _keyring.LeaseAsync(version, cancellationToken).ConfigureAwait(false);
        return material.UseAsymmetricKey(key.KeySpec, state, use);
    }

    /// <summary>The RSA branch of Encrypt and ReEncrypt: raw RSAES-OAEP ciphertext, as AWS returns it; no encryption context.</summary>
    private async ValueTask<byte[]> EncryptAsymmetricAsync(KmsOperation operation, KeyRecord key, string algorithm, byte[] plaintext, Dictionary<string, string>? encryptionContext, bool? dryRun, CancellationToken cancellationToken)
    {
        RequireAsymmetricEncryption(key, algorithm, operation.Action);
        RefuseEncryptionContext(encryptionContext);
        ThrowIfDryRun(dryRun);
        return await UseAsymmetricKeyAsync(operation, key, (algorithm, plaintext), static (handle, s) => handle.Encrypt(s.algorithm, s.plaintext), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The RSA branch of Decrypt and ReEncrypt; the caller zeroes the plaintext.</summary>
    private async ValueTask<byte[]> DecryptAsymmetricAsync(KmsOperation operation, KeyRecord key, string algorithm, byte[] ciphertext, Dictionary<string, string>? encryptionContext, bool? dryRun, CancellationToken cancellationToken)
    {
        RequireAsymmetricEncryption(key, algorithm, operation.Action);
        RefuseEncryptionContext(encryptionContext);
        ThrowIfDryRun(dryRun);
        return await UseAsymmetricKeyAsync(operation, key, (algorithm, ciphertext), static (handle, s) =>
        {
            using var plaintext = handle.Decrypt(s.algorithm, s.ciphertext);
            return ToPinnedArray(plaintext.Span);
        }, cancellationToken).ConfigureAwait(false);
    }

    private static void RequireAsymmetricEncryption(KeyRecord key, string algorithm, string action)
    {
        RequireEnabled(key);
        RequireUsage(key, KeyUsages.EncryptDecrypt, action);
        if (!KeySpecs.EncryptionAlgorithms(key.KeySpec, key.KeyUsage).Contains(algorithm))
        {
            throw new KmsException(KmsErrorType.InvalidKeyUsage, $"{key.Arn} ({key.KeySpec}) does not support encryption algorithm {Sanitize(algorithm)} for {action}.");
        }
    }

    /// <summary>
    /// AWS supports encryption context only with symmetric keys; Conclave refuses one given with an
    /// RSA key (ValidationException) rather than silently ignoring it, since the caller expects it bound.
    /// </summary>
    private static void RefuseEncryptionContext(Dictionary<string, string>? encryptionContext)
    {
        if (encryptionContext is { Count: > 0 })
        {
            throw new KmsException(KmsErrorType.Validation, "EncryptionContext is supported only with symmetric encryption keys.");
        }
    }

    private static void RefuseRecipient(RecipientInfo? recipient)
    {
        if (recipient is not null)
        {
            throw new KmsException(KmsErrorType.UnsupportedOperation, "Recipient (Nitro Enclaves attestation) is not supported by Conclave.");
        }
    }

    private static byte[] RequireMessage(byte[]? message)
    {
        if (message is null || message.Length is 0 or > 4096)
        {
            throw new KmsException(KmsErrorType.Validation, "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length between 1 and 4096");
        }

        return message;
    }

    private static string RequireMember(string? value, string name) =>
        value ?? throw new KmsException(KmsErrorType.Validation, $"1 validation error detected: Value null at '{name}' failed to satisfy constraint: Member must not be null");

    private static byte[] ToPinnedArray(ReadOnlySpan<byte> secret)
    {
        var array = GC.AllocateArray<byte>(secret.Length, pinned: true);
        secret.CopyTo(array);
        return array;
    }
}

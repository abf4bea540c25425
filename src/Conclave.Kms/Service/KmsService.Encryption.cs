using System.Security.Cryptography;
using Conclave.Kms.Api;
using Conclave.Kms.Api.Actions;
using Conclave.Kms.Crypto;
using Conclave.Kms.Envelope;
using Conclave.Kms.Keys;

namespace Conclave.Kms.Service;

/// <summary>The symmetric data plane: Encrypt, Decrypt, ReEncrypt, data keys, random bytes.</summary>
public sealed partial class KmsService
{
    private const string SymmetricDefault = "SYMMETRIC_DEFAULT";
    private const string EncryptDecrypt = "ENCRYPT_DECRYPT";

    /// <summary>Encrypt.</summary>
    public ValueTask<EncryptResponse> EncryptAsync(KmsCallContext context, EncryptRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "Encrypt", async operation =>
        {
            var plaintext = request.Plaintext;
            if (plaintext is null || plaintext.Length is 0 or > CiphertextBlob.MaxPlaintext)
            {
                throw new KmsException(KmsErrorType.Validation, $"1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length between 1 and {CiphertextBlob.MaxPlaintext}");
            }

            var encodedContext = EncryptionContext.Encode(request.EncryptionContext);
            operation.EncryptionContext = request.EncryptionContext;
            var key = await ResolveKeyAsync(operation, request.KeyId, cancellationToken).ConfigureAwait(false);
            var algorithm = request.EncryptionAlgorithm ?? SymmetricDefault;
            if (KeySpecs.IsAsymmetric(key.KeySpec))
            {
                return new EncryptResponse(await EncryptAsymmetricAsync(operation, key, algorithm, plaintext, request.EncryptionContext, request.DryRun, cancellationToken).ConfigureAwait(false), key.Arn, algorithm);
            }

            RequireSymmetricEncryption(key, algorithm, "Encrypt");
            ThrowIfDryRun(request.DryRun);
            var blob = await EncryptUnderAsync(operation, key, plaintext, encodedContext, cancellationToken).ConfigureAwait(false);
            return new EncryptResponse(blob, key.Arn, algorithm);
        }, cancellationToken);
    }

    /// <summary>Decrypt.</summary>
    public ValueTask<DecryptResponse> DecryptAsync(KmsCallContext context, DecryptRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "Decrypt", async operation =>
        {
            var (key, plaintext, algorithm) = await DecryptBlobAsync(operation, request.CiphertextBlob, request.KeyId, request.EncryptionAlgorithm, request.EncryptionContext, request.DryRun, cancellationToken).ConfigureAwait(false);
            return new DecryptResponse(key.Arn, plaintext, algorithm);
        }, cancellationToken);
    }

    /// <summary>ReEncrypt: decrypt under the source key and encrypt under the destination key, without the plaintext leaving the service.</summary>
    public ValueTask<ReEncryptResponse> ReEncryptAsync(KmsCallContext context, ReEncryptRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "ReEncrypt", async operation =>
        {
            var destinationContext = EncryptionContext.Encode(request.DestinationEncryptionContext);
            operation.KeyAction = "ReEncryptFrom";
            var (source, plaintext, sourceAlgorithm) = await DecryptBlobAsync(operation, request.CiphertextBlob, request.SourceKeyId, request.SourceEncryptionAlgorithm, request.SourceEncryptionContext, dryRun: null, cancellationToken).ConfigureAwait(false);
            try
            {
                operation.KeyAction = "ReEncryptTo";
                operation.EncryptionContext = request.DestinationEncryptionContext;
                var destination = await ResolveKeyAsync(operation, request.DestinationKeyId, cancellationToken).ConfigureAwait(false);
                var algorithm = request.DestinationEncryptionAlgorithm ?? SymmetricDefault;
                if (KeySpecs.IsAsymmetric(destination.KeySpec))
                {
                    var ciphertext = await EncryptAsymmetricAsync(operation, destination, algorithm, plaintext, request.DestinationEncryptionContext, request.DryRun, cancellationToken).ConfigureAwait(false);
                    return new ReEncryptResponse(ciphertext, source.Arn, destination.Arn, sourceAlgorithm, algorithm);
                }

                RequireSymmetricEncryption(destination, algorithm, "ReEncrypt");
                ThrowIfDryRun(request.DryRun);
                var blob = await EncryptUnderAsync(operation, destination, plaintext, destinationContext, cancellationToken).ConfigureAwait(false);
                return new ReEncryptResponse(blob, source.Arn, destination.Arn, sourceAlgorithm, algorithm);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(plaintext);
            }
        }, cancellationToken);
    }

    /// <summary>GenerateDataKey.</summary>
    public ValueTask<GenerateDataKeyResponse> GenerateDataKeyAsync(KmsCallContext context, GenerateDataKeyRequest request, CancellationToken cancellationToken = default) =>
        GenerateDataKeyCoreAsync(context, request, "GenerateDataKey", returnPlaintext: true, cancellationToken);

    /// <summary>GenerateDataKeyWithoutPlaintext.</summary>
    public ValueTask<GenerateDataKeyResponse> GenerateDataKeyWithoutPlaintextAsync(KmsCallContext context, GenerateDataKeyRequest request, CancellationToken cancellationToken = default) =>
        GenerateDataKeyCoreAsync(context, request, "GenerateDataKeyWithoutPlaintext", returnPlaintext: false, cancellationToken);

    /// <summary>GenerateRandom: 1–1024 bytes from the operating system's CSPRNG.</summary>
    public ValueTask<GenerateRandomResponse> GenerateRandomAsync(KmsCallContext context, GenerateRandomRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, "GenerateRandom", operation =>
        {
            if (request.CustomKeyStoreId is not null)
            {
                throw new KmsException(KmsErrorType.CustomKeyStoreNotFound, $"Custom key store {Sanitize(request.CustomKeyStoreId)} does not exist.");
            }

            var count = request.NumberOfBytes ?? throw new KmsException(KmsErrorType.Validation, "1 validation error detected: Value null at 'numberOfBytes' failed to satisfy constraint: Member must not be null");
            if (count is < 1 or > 1024)
            {
                throw new KmsException(KmsErrorType.Validation, $"1 validation error detected: Value '{count}' at 'numberOfBytes' failed to satisfy constraint: Member must have value between 1 and 1024");
            }

            return ValueTask.FromResult(new GenerateRandomResponse(RandomNumberGenerator.GetBytes(count)));
        }, cancellationToken);
    }

    private ValueTask<GenerateDataKeyResponse> GenerateDataKeyCoreAsync(KmsCallContext context, GenerateDataKeyRequest request, string action, bool returnPlaintext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(context, action, async operation =>
        {
            var length = (request.KeySpec, request.NumberOfBytes) switch
            {
                (null, null) => throw new KmsException(KmsErrorType.Validation, "Specify either KeySpec or NumberOfBytes."),
                (not null, not null) => throw new KmsException(KmsErrorType.Validation, "Specify either KeySpec or NumberOfBytes, not both."),
                ("AES_256", null) => 32,
                ("AES_128", null) => 16,
                (not null, null) => throw new KmsException(KmsErrorType.Validation, $"1 validation error detected: Value '{Sanitize(request.KeySpec)}' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]"),
                (null, { } n) when n is >= 1 and <= 1024 => n,
                (null, { } n) => throw new KmsException(KmsErrorType.Validation, $"1 validation error detected: Value '{n}' at 'numberOfBytes' failed to satisfy constraint: Member must have value between 1 and 1024"),
            };
            var encodedContext = EncryptionContext.Encode(request.EncryptionContext);
            operation.EncryptionContext = request.EncryptionContext;
            var key = await ResolveKeyAsync(operation, request.KeyId, cancellationToken).ConfigureAwait(false);
            RequireSymmetricEncryption(key, SymmetricDefault, action);
            ThrowIfDryRun(request.DryRun);
            var dataKey = GC.AllocateArray<byte>(length, pinned: true);
            RandomNumberGenerator.Fill(dataKey);
            try
            {
                var blob = await EncryptUnderAsync(operation, key, dataKey, encodedContext, cancellationToken).ConfigureAwait(false);
                return new GenerateDataKeyResponse(blob, returnPlaintext ? dataKey : null, key.Arn);
            }
            finally
            {
                if (!returnPlaintext)
                {
                    CryptographicOperations.ZeroMemory(dataKey);
                }
            }
        }, cancellationToken);
    }

    private async ValueTask<byte[]> EncryptUnderAsync(KmsOperation operation, KeyRecord key, byte[] plaintext, byte[] encodedContext, CancellationToken cancellationToken)
    {
        var version = await VersionAsync(key, key.CurrentVersion, cancellationToken).ConfigureAwait(false);
        operation.KeyVersion = version.Version;
        using var material = await _keyring.LeaseAsync(version, cancellationToken).ConfigureAwait(false);
        return CiphertextBlob.Encrypt(material.Span, key.Tenant, key.KeyId, version.Version, plaintext, encodedContext);
    }

    /// <summary>
    /// Resolves the key a symmetric blob names, checks it against an explicit KeyId, and decrypts; when
    /// KeyId names an RSA key, decrypts the raw RSAES-OAEP ciphertext with it instead (AWS requires
    /// KeyId and EncryptionAlgorithm for those). The caller zeroes the plaintext.
    /// </summary>
    private async ValueTask<(KeyRecord Key, byte[] Plaintext, string Algorithm)> DecryptBlobAsync(
        KmsOperation operation, byte[]? blob, string? keyIdInput, string? algorithm, Dictionary<string, string>? context, bool? dryRun, CancellationToken cancellationToken)
    {
        if (blob is null || blob.Length is 0 or > 6144)
        {
            throw new KmsException(KmsErrorType.Validation, "1 validation error detected: Value at 'ciphertextBlob' failed to satisfy constraint: Member must have length between 1 and 6144");
        }

        operation.EncryptionContext = context;
        var named = keyIdInput is null ? null : await ResolveKeyAsync(operation, keyIdInput, cancellationToken).ConfigureAwait(false);
        if (named is not null && KeySpecs.IsAsymmetric(named.KeySpec))
        {
            var asymmetricAlgorithm = algorithm ?? SymmetricDefault;
            return (named, await DecryptAsymmetricAsync(operation, named, asymmetricAlgorithm, blob, context, dryRun, cancellationToken).ConfigureAwait(false), asymmetricAlgorithm);
        }

        if (algorithm is not null and not SymmetricDefault)
        {
            throw new KmsException(KmsErrorType.InvalidKeyUsage, $"Encryption algorithm {Sanitize(algorithm)} is only valid with asymmetric keys; name the RSA key in KeyId.");
        }

        var encodedContext = EncryptionContext.Encode(context);
        var (tenant, keyId, versionNumber) = CiphertextBlob.ReadHeader(blob);
        var key = await ResolveKeyAsync(operation, $"arn:aws:kms:{operation.Context.Region}:{tenant}:key/{keyId}", cancellationToken).ConfigureAwait(false);
        if (named is not null)
        {
            if (named.Tenant != key.Tenant || named.KeyId != key.KeyId)
            {
                throw new KmsException(KmsErrorType.IncorrectKey, "The key ID in the request does not identify a CMK that can perform this operation.");
            }
        }

        RequireSymmetricEncryption(key, SymmetricDefault, operation.Action);
        ThrowIfDryRun(dryRun);
        var version = await _store.GetKeyVersionAsync(key.Tenant, key.KeyId, versionNumber, cancellationToken).ConfigureAwait(false)
            ?? throw new KmsException(KmsErrorType.InvalidCiphertext, "The ciphertext is invalid, was altered, or its encryption context does not match.");
        operation.KeyVersion = versionNumber;
        using var material = await _keyring.LeaseAsync(version, cancellationToken).ConfigureAwait(false);
        return (key, CiphertextBlob.Decrypt(material.Span, blob, encodedContext), SymmetricDefault);
    }

    private static void RequireSymmetricEncryption(KeyRecord key, string algorithm, string action)
    {
        RequireEnabled(key);
        RequireUsage(key, EncryptDecrypt, action);
        if (key.KeySpec != SymmetricDefault || algorithm != SymmetricDefault)
        {
            throw new KmsException(KmsErrorType.InvalidKeyUsage, $"{key.Arn} ({key.KeySpec}) does not support encryption algorithm {Sanitize(algorithm)} for {action}.");
        }
    }

    private static void ThrowIfDryRun(bool? dryRun)
    {
        if (dryRun == true)
        {
            throw new KmsException(KmsErrorType.DryRunOperation, "The request would have succeeded, but the DryRun flag is set.");
        }
    }
}

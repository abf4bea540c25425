using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace Conclave.Server.Tests.Kms;

/// <summary>Threshold-backed keys in a custom key store (the MPC cluster) through the official AWS SDK.</summary>
public sealed class KmsSdkThresholdKeyTests(ThresholdKmsFixture mpc) : IClassFixture<ThresholdKmsFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private AmazonKeyManagementServiceClient Alice => mpc.Kms.Alice;

    [Fact]
    public async Task A_secp256k1_threshold_key_signs_RAW_and_DIGEST_with_DER_signatures_that_verify_independently_and_through_KMS()
    {
        var key = mpc.Secp256k1Key;
        var spki = (await Alice.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId }, Ct)).PublicKey.ToArray();
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(spki, out _);
        Assert.Equal(ECCurve.CreateFromFriendlyName("secP256k1").Oid.Value, ecdsa.ExportParameters(false).Curve.Oid.Value);

        var message = RandomNumberGenerator.GetBytes(300);
        var raw = await Alice.SignAsync(new SignRequest { KeyId = key.Arn, Message = new MemoryStream(message), MessageType = MessageType.RAW, SigningAlgorithm = "ECDSA_SHA_256" }, Ct);
        Assert.True(ecdsa.VerifyData(message, raw.Signature.ToArray(), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        var digest = SHA256.HashData(RandomNumberGenerator.GetBytes(20));
        var signed = await Alice.SignAsync(new SignRequest { KeyId = key.KeyId, Message = new MemoryStream(digest), MessageType = MessageType.DIGEST, SigningAlgorithm = "ECDSA_SHA_256" }, Ct);
        Assert.True(ecdsa.VerifyHash(digest, signed.Signature.ToArray(), DSASignatureFormat.Rfc3279DerSequence));
        var verified = await Alice.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = new MemoryStream(digest), MessageType = MessageType.DIGEST, SigningAlgorithm = "ECDSA_SHA_256", Signature = new MemoryStream(signed.Signature.ToArray()) }, Ct);
        Assert.True(verified.SignatureValid);

        digest[0] ^= 1;
        await Assert.ThrowsAsync<KMSInvalidSignatureException>(() => Alice.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = new MemoryStream(digest), MessageType = MessageType.DIGEST, SigningAlgorithm = "ECDSA_SHA_256", Signature = new MemoryStream(signed.Signature.ToArray()) }, Ct));
        var shortDigest = await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(() => Alice.SignAsync(new SignRequest { KeyId = key.KeyId, Message = new MemoryStream(new byte[31]), MessageType = MessageType.DIGEST, SigningAlgorithm = "ECDSA_SHA_256" }, Ct));
        Assert.Equal("ValidationException", shortDigest.ErrorCode);
    }

    [Fact]
    public async Task An_Ed25519_threshold_key_signs_pure_Ed25519_checked_with_NSec_and_refuses_ED25519_PH()
    {
        var key = mpc.Ed25519Key;
        var spki = (await Alice.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId }, Ct)).PublicKey.ToArray();
        Assert.Equal(44, spki.Length);
        var publicKey = NSec.Cryptography.PublicKey.Import(NSec.Cryptography.SignatureAlgorithm.Ed25519, spki.AsSpan(12), NSec.Cryptography.KeyBlobFormat.RawPublicKey);

        var message = "threshold hello"u8.ToArray();
        var signed = await Alice.SignAsync(new SignRequest { KeyId = key.KeyId, Message = new MemoryStream(message), MessageType = MessageType.RAW, SigningAlgorithm = "ED25519_SHA_512" }, Ct);
        Assert.True(NSec.Cryptography.SignatureAlgorithm.Ed25519.Verify(publicKey, message, signed.Signature.ToArray()));
        Assert.True((await Alice.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = new MemoryStream(message), MessageType = MessageType.RAW, SigningAlgorithm = "ED25519_SHA_512", Signature = new MemoryStream(signed.Signature.ToArray()) }, Ct)).SignatureValid);

        var prehash = await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(() => Alice.SignAsync(new SignRequest { KeyId = key.KeyId, Message = new MemoryStream(message), MessageType = MessageType.RAW, SigningAlgorithm = "ED25519_PH_SHA_512" }, Ct));
        Assert.Equal("UnsupportedOperationException", prehash.ErrorCode);
        Assert.Contains("ED25519_SHA_512", prehash.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DescribeKey_and_DescribeCustomKeyStores_show_the_threshold_key_and_its_connected_store()
    {
        var described = (await Alice.DescribeKeyAsync(new DescribeKeyRequest { KeyId = mpc.Secp256k1Key.KeyId }, Ct)).KeyMetadata;
        Assert.Equal("EXTERNAL_KEY_STORE", described.Origin.Value);
        Assert.Equal(mpc.StoreId, described.CustomKeyStoreId);
        Assert.Equal("ECC_SECG_P256K1", described.KeySpec.Value);
        Assert.Equal(["ECDSA_SHA_256"], described.SigningAlgorithms);
        Assert.Matches("^cks-[0-9a-f]{17}$", mpc.StoreId);

        var stores = (await Alice.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest { CustomKeyStoreName = "mpc-main" }, Ct)).CustomKeyStores;
        var store = Assert.Single(stores);
        Assert.Equal(mpc.StoreId, store.CustomKeyStoreId);
        Assert.Equal("CONNECTED", store.ConnectionState.Value);
        Assert.Equal("EXTERNAL_KEY_STORE", store.CustomKeyStoreType.Value);
        Assert.Equal(mpc.Bridge.Address.GetLeftPart(UriPartial.Authority), store.XksProxyConfiguration.UriEndpoint);

        var encrypt = await Assert.ThrowsAsync<InvalidKeyUsageException>(() => Alice.EncryptAsync(new EncryptRequest { KeyId = mpc.Secp256k1Key.KeyId, Plaintext = new MemoryStream([1]) }, Ct));
        Assert.Contains("SIGN_VERIFY", encrypt.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_P256K1_and_Ed25519_signing_keys_are_created_in_a_custom_key_store()
    {
        var spec = await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(() => Alice.CreateKeyAsync(new CreateKeyRequest { CustomKeyStoreId = mpc.StoreId, KeySpec = "ECC_NIST_P256", KeyUsage = "SIGN_VERIFY" }, Ct));
        Assert.Equal("UnsupportedOperationException", spec.ErrorCode);
        var symmetric = await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(() => Alice.CreateKeyAsync(new CreateKeyRequest { CustomKeyStoreId = mpc.StoreId }, Ct));
        Assert.Equal("ValidationException", symmetric.ErrorCode);
        var usage = await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(() => Alice.CreateKeyAsync(new CreateKeyRequest { CustomKeyStoreId = mpc.StoreId, KeySpec = "ECC_SECG_P256K1", KeyUsage = "KEY_AGREEMENT" }, Ct));
        Assert.Equal("UnsupportedOperationException", usage.ErrorCode);
        var unknown = await Assert.ThrowsAsync<CustomKeyStoreNotFoundException>(() => Alice.CreateKeyAsync(new CreateKeyRequest { CustomKeyStoreId = "cks-0123456789abcdef0", KeySpec = "ECC_SECG_P256K1", KeyUsage = "SIGN_VERIFY" }, Ct));
        Assert.NotNull(unknown);
    }

    [Fact]
    public async Task An_unreachable_bridge_fails_to_connect_and_a_store_that_is_not_connected_creates_no_key()
    {
        var id = (await Alice.CreateCustomKeyStoreAsync(new CreateCustomKeyStoreRequest { CustomKeyStoreName = "nowhere", CustomKeyStoreType = "CONCLAVE_MPC", XksProxyUriEndpoint = Loopback(1), XksProxyConnectivity = "PUBLIC_ENDPOINT" }, Ct)).CustomKeyStoreId;
        var notConnected = await Assert.ThrowsAsync<CustomKeyStoreInvalidStateException>(() => Alice.CreateKeyAsync(new CreateKeyRequest { CustomKeyStoreId = id, KeySpec = "ECC_NIST_EDWARDS25519", KeyUsage = "SIGN_VERIFY" }, Ct));
        Assert.Contains("not connected", notConnected.Message, StringComparison.Ordinal);

        await Alice.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = id }, Ct);
        var store = Assert.Single((await Alice.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest { CustomKeyStoreId = id }, Ct)).CustomKeyStores);
        Assert.Equal("FAILED", store.ConnectionState.Value);
        Assert.Equal("XKS_PROXY_NOT_REACHABLE", store.ConnectionErrorCode.Value);
        await Assert.ThrowsAsync<CustomKeyStoreInvalidStateException>(() => Alice.CreateKeyAsync(new CreateKeyRequest { CustomKeyStoreId = id, KeySpec = "ECC_NIST_EDWARDS25519", KeyUsage = "SIGN_VERIFY" }, Ct));

        var inUse = await Assert.ThrowsAsync<CustomKeyStoreNameInUseException>(() => Alice.CreateCustomKeyStoreAsync(new CreateCustomKeyStoreRequest { CustomKeyStoreName = "nowhere", CustomKeyStoreType = "CONCLAVE_MPC", XksProxyUriEndpoint = Loopback(2) }, Ct));
        Assert.NotNull(inUse);
        await Assert.ThrowsAsync<CustomKeyStoreInvalidStateException>(() => Alice.DeleteCustomKeyStoreAsync(new DeleteCustomKeyStoreRequest { CustomKeyStoreId = id }, Ct));
        await Alice.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = id }, Ct);
        await Alice.UpdateCustomKeyStoreAsync(new UpdateCustomKeyStoreRequest { CustomKeyStoreId = id, NewCustomKeyStoreName = "nowhere-2" }, Ct);
        Assert.Equal("nowhere-2", Assert.Single((await Alice.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest { CustomKeyStoreId = id }, Ct)).CustomKeyStores).CustomKeyStoreName);
        await Alice.DeleteCustomKeyStoreAsync(new DeleteCustomKeyStoreRequest { CustomKeyStoreId = id }, Ct);
        await Assert.ThrowsAsync<CustomKeyStoreNotFoundException>(() => Alice.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest { CustomKeyStoreId = id }, Ct));
    }

    [Theory]
    [InlineData("http://10.0.0.1:6000")]
    [InlineData("http://example.com")]
    [InlineData("https://user:pw@example.com")]
    [InlineData("https://example.com/path")]
    [InlineData("https://example.com?x=1")]
    [InlineData("file:///etc/passwd")]
    public async Task An_endpoint_that_could_reach_beyond_loopback_without_TLS_or_hide_credentials_is_refused(string endpoint)
    {
        var error = await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(() => Alice.CreateCustomKeyStoreAsync(new CreateCustomKeyStoreRequest { CustomKeyStoreName = "ssrf-" + Guid.NewGuid().ToString("N")[..8], CustomKeyStoreType = "EXTERNAL_KEY_STORE", XksProxyUriEndpoint = endpoint }, Ct));
        Assert.Equal("ValidationException", error.ErrorCode);
    }

    [Fact]
    public async Task A_store_with_keys_is_not_deleted_and_a_disconnected_store_does_not_sign()
    {
        await Alice.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = mpc.StoreId }, Ct);
        try
        {
            await Assert.ThrowsAsync<CustomKeyStoreHasCMKsException>(() => Alice.DeleteCustomKeyStoreAsync(new DeleteCustomKeyStoreRequest { CustomKeyStoreId = mpc.StoreId }, Ct));
            var sign = await Assert.ThrowsAsync<KMSInvalidStateException>(() => Alice.SignAsync(new SignRequest { KeyId = mpc.Ed25519Key.KeyId, Message = new MemoryStream([1]), MessageType = MessageType.RAW, SigningAlgorithm = "ED25519_SHA_512" }, Ct));
            Assert.Contains("not connected", sign.Message, StringComparison.Ordinal);
        }
        finally
        {
            await Alice.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = mpc.StoreId }, Ct);
        }

        Assert.Equal("CONNECTED", Assert.Single((await Alice.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest { CustomKeyStoreId = mpc.StoreId }, Ct)).CustomKeyStores).ConnectionState.Value);
    }

    [Fact]
    public async Task Another_account_can_neither_use_the_keys_nor_see_or_use_the_store()
    {
        var mallory = mpc.Kms.Mallory;
        var sign = await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(() => mallory.SignAsync(new SignRequest { KeyId = mpc.Secp256k1Key.Arn, Message = new MemoryStream([1]), MessageType = MessageType.RAW, SigningAlgorithm = "ECDSA_SHA_256" }, Ct));
        Assert.Equal("AccessDeniedException", sign.ErrorCode);
        await Assert.ThrowsAsync<CustomKeyStoreNotFoundException>(() => mallory.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest { CustomKeyStoreId = mpc.StoreId }, Ct));
        await Assert.ThrowsAsync<CustomKeyStoreNotFoundException>(() => mallory.CreateKeyAsync(new CreateKeyRequest { CustomKeyStoreId = mpc.StoreId, KeySpec = "ECC_NIST_EDWARDS25519", KeyUsage = "SIGN_VERIFY" }, Ct));
        await Assert.ThrowsAsync<CustomKeyStoreNotFoundException>(() => mallory.DisconnectCustomKeyStoreAsync(new DisconnectCustomKeyStoreRequest { CustomKeyStoreId = mpc.StoreId }, Ct));
        Assert.Empty((await mallory.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest(), Ct)).CustomKeyStores);
    }

    /// <summary>An http loopback endpoint (the SDK's compile-time check knows only AWS's https-only rule, so it is not a literal).</summary>
    private static string Loopback(int port) => $"http://127.0.0.1:{port}";
}

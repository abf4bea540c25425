using System.Security.Cryptography;
using Conclave.Kms.Api;
using Conclave.Kms.Api.Actions;
using Conclave.Kms.CustomKeyStores;
using Conclave.Kms.Service;

namespace Conclave.Kms.Tests.Service;

/// <summary>
/// What the service does with what a bridge answers: a scripted bridge stands in for the MPC
/// cluster here, to send what a real one must not (bad keys, bad signatures, failures). The real
/// cluster end to end is in Conclave.Server.Tests (KmsSdkThresholdKeyTests).
/// </summary>
public sealed class KmsServiceThresholdTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_signature_the_cluster_returns_is_checked_and_a_bad_one_is_never_answered()
    {
        using var secp = ECDsa.Create(ECCurve.CreateFromFriendlyName("secP256k1"));
        var bridge = new ScriptedBridge { PublicKey = Compressed(secp), SignWith = secp };
        await using var kms = await KmsServiceHarness.StartAsync(bridge);
        var keyId = await CreateThresholdKeyAsync(kms, "ECC_SECG_P256K1");
        var message = RandomNumberGenerator.GetBytes(100);

        var good = await kms.Service.SignAsync(KmsServiceHarness.Alice, new SignRequest { KeyId = keyId, Message = message, SigningAlgorithm = "ECDSA_SHA_256" }, Ct);
        Assert.True(secp.VerifyData(message, good.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal(message, bridge.LastPayload); // RAW: the nodes hash the message themselves (pooled presignatures)
        Assert.False(bridge.LastPayloadIsHash);

        var digest = SHA256.HashData(message);
        var byDigest = await kms.Service.SignAsync(KmsServiceHarness.Alice, new SignRequest { KeyId = keyId, Message = digest, MessageType = "DIGEST", SigningAlgorithm = "ECDSA_SHA_256" }, Ct);
        Assert.True(secp.VerifyHash(digest, byDigest.Signature, DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal(digest, bridge.LastPayload); // DIGEST: the 32-byte hash as messageHash (a fresh presignature)
        Assert.True(bridge.LastPayloadIsHash);

        bridge.Tamper = true;
        var bad = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.SignAsync(KmsServiceHarness.Alice, new SignRequest { KeyId = keyId, Message = message, SigningAlgorithm = "ECDSA_SHA_256" }, Ct));
        Assert.Equal(KmsErrorType.KmsInternal, bad.ErrorType);
        Assert.Contains("does not verify", bad.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ECC_SECG_P256K1", "02")] // too short
    [InlineData("ECC_SECG_P256K1", "020000000000000000000000000000000000000000000000000000000000000005")] // x = 5 is not on secp256k1
    [InlineData("ECC_NIST_EDWARDS25519", "0100000000000000000000000000000000000000000000000000000000000000")] // the identity
    [InlineData("ECC_NIST_EDWARDS25519", "00")]
    public async Task An_invalid_public_key_from_keygen_stores_no_key(string keySpec, string publicKeyHex)
    {
        var bridge = new ScriptedBridge { PublicKey = Convert.FromHexString(publicKeyHex) };
        await using var kms = await KmsServiceHarness.StartAsync(bridge);
        var storeId = await ConnectedStoreAsync(kms);

        var error = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest { CustomKeyStoreId = storeId, KeySpec = keySpec, KeyUsage = "SIGN_VERIFY" }, Ct));
        Assert.Equal(KmsErrorType.KmsInternal, error.ErrorType);
        Assert.Empty(await kms.Store.ListKeysAsync("111122223333", null, 10, Ct));
        Assert.Equal(1, bridge.Keygens);
    }

    [Fact]
    public async Task A_keygen_that_fails_stores_no_key_and_answers_an_AWS_error_without_request_data()
    {
        var bridge = new ScriptedBridge { KeygenFailure = ThresholdBridgeFailure.Timeout };
        await using var kms = await KmsServiceHarness.StartAsync(bridge);
        var storeId = await ConnectedStoreAsync(kms);

        var error = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest { CustomKeyStoreId = storeId, KeySpec = "ECC_NIST_EDWARDS25519", KeyUsage = "SIGN_VERIFY", Description = "secret-ish description" }, Ct));
        Assert.Equal(KmsErrorType.DependencyTimeout, error.ErrorType);
        Assert.DoesNotContain("secret-ish", error.Message, StringComparison.Ordinal);
        Assert.Empty(await kms.Store.ListKeysAsync("111122223333", null, 10, Ct));
        Assert.Equal(2, bridge.LastThreshold); // majority of the three nodes the bridge reports
        Assert.Equal(3, bridge.LastTotal);
    }

    [Fact]
    public void Wallet_ids_are_deterministic_per_tenant_and_key_and_valid_for_the_bridge()
    {
        var a = ThresholdKeys.WalletId("111122223333", "1234abcd-0000-0000-0000-000000000000");
        Assert.Equal(a, ThresholdKeys.WalletId("111122223333", "1234abcd-0000-0000-0000-000000000000"));
        Assert.NotEqual(a, ThresholdKeys.WalletId("444455556666", "1234abcd-0000-0000-0000-000000000000"));
        Assert.NotEqual(ThresholdKeys.WalletId("ab", "c"), ThresholdKeys.WalletId("a", "bc")); // length-prefixed
        Assert.Matches("^kms-[0-9a-f]{32}$", a);
    }

    [Theory]
    [InlineData("http://127.0.0.1:6000", "http://127.0.0.1:6000")]
    [InlineData("http://localhost:6000", "http://localhost:6000")]
    [InlineData("https://mpc.example.com", "https://mpc.example.com")]
    [InlineData("https://mpc.example.com/", "https://mpc.example.com")]
    public void Loopback_http_and_any_https_endpoint_are_accepted(string endpoint, string normalized) =>
        Assert.Equal(normalized, KmsService.ValidateEndpoint(endpoint, null).Endpoint);

    [Theory]
    [InlineData("http://192.168.1.10:6000")]
    [InlineData("http://169.254.169.254")]
    [InlineData("https://a:b@mpc.example.com")]
    [InlineData("https://mpc.example.com/x")]
    [InlineData("https://mpc.example.com#f")]
    [InlineData("ftp://mpc.example.com")]
    [InlineData("mpc.example.com")]
    public void Endpoints_that_would_allow_SSRF_or_leak_credentials_are_refused(string endpoint)
    {
        var error = Assert.Throws<KmsException>(() => KmsService.ValidateEndpoint(endpoint, null));
        Assert.Equal(KmsErrorType.Validation, error.ErrorType);
    }

    private static async Task<string> ConnectedStoreAsync(KmsServiceHarness kms)
    {
        var id = (await kms.Service.CreateCustomKeyStoreAsync(KmsServiceHarness.Alice, new CreateCustomKeyStoreRequest { CustomKeyStoreName = "mpc", CustomKeyStoreType = "CONCLAVE_MPC", XksProxyUriEndpoint = "http://127.0.0.1:6000" }, Ct)).CustomKeyStoreId;
        await kms.Service.ConnectCustomKeyStoreAsync(KmsServiceHarness.Alice, new CustomKeyStoreIdRequest(id), Ct);
        return id;
    }

    private static async Task<string> CreateThresholdKeyAsync(KmsServiceHarness kms, string keySpec)
    {
        var storeId = await ConnectedStoreAsync(kms);
        return (await kms.Service.CreateKeyAsync(KmsServiceHarness.Alice, new CreateKeyRequest { CustomKeyStoreId = storeId, KeySpec = keySpec, KeyUsage = "SIGN_VERIFY" }, Ct)).KeyMetadata.KeyId;
    }

    private static byte[] Compressed(ECDsa key)
    {
        var q = key.ExportParameters(false).Q;
        return [(byte)(2 + (q.Y![^1] & 1)), .. q.X!];
    }

    /// <summary>A bridge of three reachable nodes that answers what the test sets.</summary>
    private sealed class ScriptedBridge : IThresholdBridge
    {
        public byte[] PublicKey { get; init; } = [];

        public ECDsa? SignWith { get; init; }

        public bool Tamper { get; set; }

        public ThresholdBridgeFailure? KeygenFailure { get; init; }

        public int Keygens { get; private set; }

        public int LastThreshold { get; private set; }

        public int LastTotal { get; private set; }

        public byte[]? LastPayload { get; private set; }

        public ValueTask<IReadOnlyList<(string Id, bool Reachable)>> HealthAsync(Uri bridge, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IReadOnlyList<(string, bool)>>([("node1", true), ("node2", true), ("node3", true)]);

        public ValueTask<byte[]> KeygenAsync(Uri bridge, string walletId, string keyType, int threshold, int totalParties, CancellationToken cancellationToken = default)
        {
            Keygens++;
            (LastThreshold, LastTotal) = (threshold, totalParties);
            return KeygenFailure is { } failure
                ? throw new ThresholdBridgeException(failure, "scripted failure")
                : ValueTask.FromResult(PublicKey);
        }

        public bool LastPayloadIsHash { get; private set; }

        public ValueTask<byte[]> PublicKeyAsync(Uri bridge, string walletId, string keyType, CancellationToken cancellationToken = default) =>
            ValueTask.FromException<byte[]>(new ThresholdBridgeException(ThresholdBridgeFailure.WalletNotFound, "scripted: no such wallet"));

        public ValueTask<byte[]> SignAsync(Uri bridge, string walletId, string keyType, ReadOnlyMemory<byte> payload, bool payloadIsHash, CancellationToken cancellationToken = default)
        {
            LastPayload = payload.ToArray();
            LastPayloadIsHash = payloadIsHash;
            var hash = payloadIsHash ? payload.ToArray() : SHA256.HashData(payload.Span);
            var signature = SignWith!.SignHash(hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            if (Tamper)
            {
                signature[40] ^= 1;
            }

            return ValueTask.FromResult(signature);
        }
    }
}

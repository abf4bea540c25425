using System.Text;
using Conclave.Kms.Api;
using Conclave.Kms.Api.Actions;

namespace Conclave.Kms.Tests.Service;

public sealed class KmsServiceMacTests
{
    private static readonly KmsCallContext Alice = KmsServiceHarness.Alice;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("HMAC_224", "HMAC_SHA_224", 28)]
    [InlineData("HMAC_256", "HMAC_SHA_256", 32)]
    [InlineData("HMAC_384", "HMAC_SHA_384", 48)]
    [InlineData("HMAC_512", "HMAC_SHA_512", 64)]
    public async Task GenerateMac_and_VerifyMac_round_trip_and_reject_altered_or_foreign_macs(string keySpec, string algorithm, int macLength)
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateAsync(kms, keySpec);
        var other = await CreateAsync(kms, keySpec);
        Assert.Equal([algorithm], key.MacAlgorithms);
        var message = Encoding.UTF8.GetBytes("authenticate me");

        var mac = await kms.Service.GenerateMacAsync(Alice, new GenerateMacRequest { KeyId = key.KeyId, Message = message, MacAlgorithm = algorithm }, Ct);
        Assert.Equal(macLength, mac.Mac.Length);
        Assert.Equal(algorithm, mac.MacAlgorithm);
        Assert.Equal(key.Arn, mac.KeyId);
        var again = await kms.Service.GenerateMacAsync(Alice, new GenerateMacRequest { KeyId = key.Arn, Message = message, MacAlgorithm = algorithm }, Ct);
        Assert.Equal(mac.Mac, again.Mac);

        var verified = await kms.Service.VerifyMacAsync(Alice, new VerifyMacRequest { KeyId = key.KeyId, Message = message, MacAlgorithm = algorithm, Mac = mac.Mac }, Ct);
        Assert.True(verified.MacValid);
        Assert.Equal(key.Arn, verified.KeyId);

        var foreign = (await kms.Service.GenerateMacAsync(Alice, new GenerateMacRequest { KeyId = other.KeyId, Message = message, MacAlgorithm = algorithm }, Ct)).Mac;
        var tamperedMessage = (byte[])message.Clone();
        tamperedMessage[0] ^= 1;
        var tamperedMac = (byte[])mac.Mac.Clone();
        tamperedMac[^1] ^= 1;
        foreach (var (m, t) in new[] { (message, foreign), (tamperedMessage, mac.Mac), (message, tamperedMac), (message, mac.Mac[..^1]) })
        {
            var error = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.VerifyMacAsync(Alice, new VerifyMacRequest { KeyId = key.KeyId, Message = m, MacAlgorithm = algorithm, Mac = t }, Ct));
            Assert.Equal(KmsErrorType.KmsInvalidMac, error.ErrorType);
        }
    }

    [Fact]
    public async Task Mac_operations_refuse_other_keys_algorithms_and_bad_messages()
    {
        await using var kms = await KmsServiceHarness.StartAsync();
        var key = await CreateAsync(kms, "HMAC_256");
        var symmetric = (await kms.Service.CreateKeyAsync(Alice, new CreateKeyRequest(), Ct)).KeyMetadata;

        var usage = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.GenerateMacAsync(Alice, new GenerateMacRequest { KeyId = symmetric.KeyId, Message = [1], MacAlgorithm = "HMAC_SHA_256" }, Ct));
        Assert.Equal(KmsErrorType.InvalidKeyUsage, usage.ErrorType);
        var wrongAlgorithm = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.GenerateMacAsync(Alice, new GenerateMacRequest { KeyId = key.KeyId, Message = [1], MacAlgorithm = "HMAC_SHA_512" }, Ct));
        Assert.Equal(KmsErrorType.InvalidKeyUsage, wrongAlgorithm.ErrorType);
        var encrypt = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.EncryptAsync(Alice, new EncryptRequest { KeyId = key.KeyId, Plaintext = [1] }, Ct));
        Assert.Equal(KmsErrorType.InvalidKeyUsage, encrypt.ErrorType);
        foreach (var message in new[] { Array.Empty<byte>(), new byte[4097] })
        {
            var error = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.GenerateMacAsync(Alice, new GenerateMacRequest { KeyId = key.KeyId, Message = message, MacAlgorithm = "HMAC_SHA_256" }, Ct));
            Assert.Equal(KmsErrorType.Validation, error.ErrorType);
        }

        await kms.Service.DisableKeyAsync(Alice, new KeyIdRequest { KeyId = key.KeyId }, Ct);
        var disabled = await Assert.ThrowsAsync<KmsException>(async () => await kms.Service.GenerateMacAsync(Alice, new GenerateMacRequest { KeyId = key.KeyId, Message = [1], MacAlgorithm = "HMAC_SHA_256" }, Ct));
        Assert.Equal(KmsErrorType.Disabled, disabled.ErrorType);
    }

    private static async Task<KeyMetadata> CreateAsync(KmsServiceHarness kms, string keySpec) =>
        (await kms.Service.CreateKeyAsync(Alice, new CreateKeyRequest { KeySpec = keySpec, KeyUsage = "GENERATE_VERIFY_MAC" }, Ct)).KeyMetadata;
}

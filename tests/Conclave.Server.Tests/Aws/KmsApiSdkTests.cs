using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;

namespace Conclave.Server.Tests.Aws;

/// <summary>End to end with the real AWS SDK: the SDK signs (SigV4) and parses AWS JSON 1.1; Conclave verifies and answers.</summary>
public sealed class KmsApiSdkTests(KmsApiHostFixture host) : IClassFixture<KmsApiHostFixture>
{
    [Fact]
    public async Task GenerateRandom_signed_by_the_AWS_SDK_returns_the_requested_bytes()
    {
        using var client = Client();

        var response = await client.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 48 }, TestContext.Current.CancellationToken);

        Assert.Equal(48, response.Plaintext.Length);
        Assert.True(Guid.TryParse(response.ResponseMetadata.RequestId, out _));
    }

    [Fact]
    public async Task The_handler_sees_the_principal_the_signed_region_and_the_request_id()
    {
        using var client = Client(region: "eu-central-1");

        var response = await client.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = "k" }, TestContext.Current.CancellationToken);

        var parts = response.Policy.Split('|');
        Assert.Equal("arn:aws:iam::111122223333:user/alice", parts[0]);
        Assert.Equal("eu-central-1", parts[1]);
        Assert.Equal(response.ResponseMetadata.RequestId, parts[2]);
    }

    [Fact]
    public async Task A_KmsException_from_a_handler_reaches_the_SDK_as_its_typed_exception()
    {
        using var client = Client();

        var e = await Assert.ThrowsAsync<NotFoundException>(
            () => client.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "x" }, TestContext.Current.CancellationToken));

        Assert.Equal("Key 'x' does not exist", e.Message);
        Assert.Equal("NotFoundException", e.ErrorCode);
        Assert.True(Guid.TryParse(e.RequestId, out _));
    }

    [Fact]
    public async Task A_wrong_secret_is_InvalidSignatureException()
    {
        using var client = Client(secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ");

        var e = await Assert.ThrowsAnyAsync<AmazonServiceException>(
            () => client.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 8 }, TestContext.Current.CancellationToken));

        Assert.Equal("InvalidSignatureException", e.ErrorCode);
    }

    [Fact]
    public async Task An_unknown_access_key_is_UnrecognizedClientException()
    {
        using var client = Client(accessKeyId: "AKIAI44QH8DHBEXAMPLE");

        var e = await Assert.ThrowsAnyAsync<AmazonServiceException>(
            () => client.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 8 }, TestContext.Current.CancellationToken));

        Assert.Equal("UnrecognizedClientException", e.ErrorCode);
    }

    [Fact]
    public async Task Temporary_credentials_are_UnrecognizedClientException()
    {
        using var client = new AmazonKeyManagementServiceClient(
            new SessionAWSCredentials(KmsApiHostFixture.AccessKeyId, KmsApiHostFixture.Secret, "session-token"), Config("us-east-1"));

        var e = await Assert.ThrowsAnyAsync<AmazonServiceException>(
            () => client.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 8 }, TestContext.Current.CancellationToken));

        Assert.Equal("UnrecognizedClientException", e.ErrorCode);
    }

    [Fact]
    public async Task A_KMS_action_without_a_handler_is_UnsupportedOperationException()
    {
        using var client = Client();

        var e = await Assert.ThrowsAnyAsync<AmazonServiceException>(
            () => client.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = "k", ReplicaRegion = "us-west-2" }, TestContext.Current.CancellationToken));

        Assert.Equal("UnsupportedOperationException", e.ErrorCode);
        Assert.Equal("ReplicateKey is not supported by Conclave yet.", e.Message);
    }

    [Fact]
    public async Task An_unexpected_handler_exception_is_KMSInternalException_without_details()
    {
        using var client = Client();

        var e = await Assert.ThrowsAnyAsync<AmazonServiceException>(
            () => client.ListKeysAsync(new ListKeysRequest(), TestContext.Current.CancellationToken));

        Assert.Equal("KMSInternalException", e.ErrorCode);
        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
    }

    private AmazonKeyManagementServiceClient Client(
        string accessKeyId = KmsApiHostFixture.AccessKeyId, string secret = KmsApiHostFixture.Secret, string region = "us-east-1") =>
        new(new BasicAWSCredentials(accessKeyId, secret), Config(region));

    private AmazonKeyManagementServiceConfig Config(string region) => new()
    {
        ServiceURL = host.Address.ToString(),
        AuthenticationRegion = region,
        MaxErrorRetry = 0,
    };
}

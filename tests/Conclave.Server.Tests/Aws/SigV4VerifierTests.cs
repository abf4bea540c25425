using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Conclave.Kms.Api;
using Conclave.Kms.Tenants;
using Conclave.Server.Aws;
using Microsoft.AspNetCore.Http;

namespace Conclave.Server.Tests.Aws;

public sealed class SigV4VerifierTests : IDisposable
{
    private const string AccessKeyId = "AKIDEXAMPLE";
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string AmzDate = "20261123T101010Z";
    private const string Body = "{\"NumberOfBytes\":32}";
    private const string SignedHeaders = "content-type;host;x-amz-date;x-amz-target";
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 10, 10, TimeSpan.Zero);

    private readonly RecordingPrincipalDirectory _directory = new();
    private readonly FixedTimeProvider _clock = new(Now);
    private readonly SigV4Verifier _verifier;

    public SigV4VerifierTests()
    {
        _directory.Add(new KmsPrincipal(AccessKeyId, "111122223333", "alice"), Encoding.UTF8.GetBytes(Secret));
        _verifier = new SigV4Verifier(_directory, _clock);
    }

    public void Dispose() => _directory.Dispose();

    // AWS's documented example: IAM ListUsers, GET, https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
    // (and the "Examples of how to derive a signing key" / signature v4 test suite "get-vanilla-query" style).
    private static HeaderDictionary IamListUsersHeaders() => new()
    {
        ["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8",
        ["X-Amz-Date"] = "20150830T123600Z",
        ["Host"] = "iam.amazonaws.com",
        ["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
    };

    [Fact]
    public void Aws_documented_IAM_example_has_the_documented_canonical_request()
    {
        var canonical = SigV4Verifier.CanonicalRequest("GET", "/?Action=ListUsers&Version=2010-05-08", IamListUsersHeaders(), []);

        Assert.Equal(
            "GET\n/\nAction=ListUsers&Version=2010-05-08\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            canonical);
        Assert.Equal("f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))));
    }

    [Fact]
    public void Aws_documented_IAM_example_has_the_documented_signature()
    {
        var signature = SigV4Verifier.ComputeSignature(
            "GET", "/?Action=ListUsers&Version=2010-05-08", IamListUsersHeaders(), [], Encoding.UTF8.GetBytes(Secret), "20150830T123600Z");

        Assert.Equal("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7", signature);
    }

    [Fact]
    public async Task Aws_documented_IAM_example_verifies_end_to_end_for_the_iam_service()
    {
        var verifier = new SigV4Verifier(_directory, new FixedTimeProvider(new DateTimeOffset(2015, 8, 30, 12, 36, 0, TimeSpan.Zero)), "iam");

        var identity = await verifier.VerifyAsync("GET", "/?Action=ListUsers&Version=2010-05-08", IamListUsersHeaders(), ReadOnlyMemory<byte>.Empty, TestContext.Current.CancellationToken);

        Assert.Equal(AccessKeyId, identity.Principal.AccessKeyId);
        Assert.Equal("us-east-1", identity.Region);
    }

    [Fact]
    public async Task A_correctly_signed_kms_request_returns_the_principal_and_any_region()
    {
        var headers = Signed(region: "eu-west-3");

        var identity = await VerifyAsync(headers);

        Assert.Equal("alice", identity.Principal.UserName);
        Assert.Equal("eu-west-3", identity.Region);
    }

    [Fact]
    public async Task The_secret_copy_from_the_directory_is_wiped_after_verification()
    {
        await VerifyAsync(Signed());
        await AssertFailsAsync(Signed(secret: "wrong"), KmsErrorType.InvalidSignature);

        Assert.Equal(2, _directory.HandedOut.Count);
        Assert.All(_directory.HandedOut, s => Assert.True(s.IsDisposed));
    }

    [Fact]
    public async Task A_request_signed_with_the_Date_header_instead_of_X_Amz_Date_verifies()
    {
        var headers = Signed(useDateHeader: true);

        var identity = await VerifyAsync(headers);

        Assert.Equal("us-east-1", identity.Region);
    }

    [Fact]
    public async Task No_Authorization_header_is_MissingAuthenticationToken()
    {
        var headers = Signed();
        headers.Remove("Authorization");

        var e = await AssertFailsAsync(headers, KmsErrorType.MissingAuthenticationToken);

        Assert.Equal("Missing Authentication Token", e.Message);
        Assert.Equal(403, e.StatusCode);
    }

    [Fact]
    public async Task An_unknown_access_key_is_UnrecognizedClient()
    {
        var e = await AssertFailsAsync(Signed(accessKeyId: "AKIAUNKNOWN000000000"), KmsErrorType.UnrecognizedClient);

        Assert.Equal("The security token included in the request is invalid.", e.Message);
    }

    [Fact]
    public async Task A_security_token_is_UnrecognizedClient_because_temporary_credentials_are_not_supported()
    {
        var headers = Signed(extraHeaders: new() { ["X-Amz-Security-Token"] = "FQoGZXIvYXdzE" });

        await AssertFailsAsync(headers, KmsErrorType.UnrecognizedClient);
    }

    [Fact]
    public async Task A_changed_body_is_InvalidSignature()
    {
        var e = await AssertFailsAsync(Signed(), KmsErrorType.InvalidSignature, body: "{\"NumberOfBytes\":33}");

        Assert.Equal(
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
            e.Message);
    }

    [Fact]
    public async Task A_changed_signed_header_is_InvalidSignature()
    {
        var headers = Signed();
        headers["X-Amz-Target"] = "TrentService.Decrypt";

        await AssertFailsAsync(headers, KmsErrorType.InvalidSignature);
    }

    [Fact]
    public async Task A_changed_unsigned_header_does_not_matter()
    {
        var headers = Signed();
        headers["User-Agent"] = "something else";

        await VerifyAsync(headers);
    }

    [Fact]
    public async Task A_changed_path_is_InvalidSignature()
    {
        await AssertFailsAsync(Signed(), KmsErrorType.InvalidSignature, rawTarget: "/other");
    }

    [Fact]
    public async Task A_changed_method_is_InvalidSignature()
    {
        await AssertFailsAsync(Signed(), KmsErrorType.InvalidSignature, method: "PUT");
    }

    [Fact]
    public async Task A_wrong_secret_is_InvalidSignature()
    {
        await AssertFailsAsync(Signed(secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ"), KmsErrorType.InvalidSignature);
    }

    [Fact]
    public async Task A_signature_that_is_not_hex_is_InvalidSignature()
    {
        var headers = Signed();
        headers.Authorization = headers.Authorization.ToString()[..^64] + new string('z', 64);

        await AssertFailsAsync(headers, KmsErrorType.InvalidSignature);
    }

    [Fact]
    public async Task A_wrong_service_is_InvalidSignature()
    {
        var e = await AssertFailsAsync(Signed(service: "s3"), KmsErrorType.InvalidSignature);

        Assert.Contains("'kms'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_credential_date_other_than_the_request_date_is_InvalidSignature()
    {
        await AssertFailsAsync(Signed(scopeDate: "20261122"), KmsErrorType.InvalidSignature);
    }

    [Fact]
    public async Task A_request_more_than_5_minutes_old_is_expired()
    {
        _clock.Now = Now.AddMinutes(10);

        var e = await AssertFailsAsync(Signed(), KmsErrorType.InvalidSignature);

        Assert.Equal("Signature expired: 20261123T101010Z is now earlier than 20261123T101510Z (20261123T102010Z - 5 min.)", e.Message);
    }

    [Fact]
    public async Task A_request_more_than_5_minutes_in_the_future_is_not_yet_current()
    {
        _clock.Now = Now.AddMinutes(-10);

        var e = await AssertFailsAsync(Signed(), KmsErrorType.InvalidSignature);

        Assert.Equal("Signature not yet current: 20261123T101010Z is still later than 20261123T100510Z (20261123T100010Z + 5 min.)", e.Message);
    }

    [Theory]
    [InlineData(-5)]
    [InlineData(5)]
    public async Task A_request_exactly_5_minutes_off_is_accepted(int minutes)
    {
        _clock.Now = Now.AddMinutes(minutes);

        await VerifyAsync(Signed());
    }

    [Theory]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/kms/aws4_request, Credential=AKIDEXAMPLE/20261123/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date, SignedHeaders=host;x-amz-date, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=00, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/kms/aws4_request, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=")]
    [InlineData("AWS4-HMAC-SHA256")]
    [InlineData("AWS4-HMAC-SHA512 Credential=AKIDEXAMPLE/20261123/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/kms, SignedHeaders=host;x-amz-date, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/kms/aws4_request/x, SignedHeaders=host;x-amz-date, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/kms/aws5_request, SignedHeaders=host;x-amz-date, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/2026112/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/kms/aws4_request, SignedHeaders=x-amz-date;host, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/kms/aws4_request, SignedHeaders=host;host;x-amz-date, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/kms/aws4_request, SignedHeaders=Host;x-amz-date, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=00, Foo=bar")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/kms/aws4_request SignedHeaders=host;x-amz-date Signature=00")]
    public async Task A_malformed_Authorization_header_is_IncompleteSignature(string authorization)
    {
        var headers = Signed();
        headers.Authorization = authorization;

        await AssertFailsAsync(headers, KmsErrorType.IncompleteSignature);
    }

    [Fact]
    public async Task Host_must_be_signed()
    {
        var e = await AssertFailsAsync(Signed(signedHeaders: "content-type;x-amz-date;x-amz-target"), KmsErrorType.IncompleteSignature);

        Assert.Contains("'host'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task X_Amz_Date_must_be_signed_when_present()
    {
        var e = await AssertFailsAsync(Signed(signedHeaders: "content-type;host;x-amz-target"), KmsErrorType.IncompleteSignature);

        Assert.Contains("'x-amz-date'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_without_any_date_is_IncompleteSignature()
    {
        var headers = Signed();
        headers.Remove("X-Amz-Date");

        await AssertFailsAsync(headers, KmsErrorType.IncompleteSignature);
    }

    [Fact]
    public async Task A_malformed_X_Amz_Date_is_IncompleteSignature()
    {
        var headers = Signed();
        headers["X-Amz-Date"] = "2026-11-23T10:10:10Z";

        await AssertFailsAsync(headers, KmsErrorType.IncompleteSignature);
    }

    [Fact]
    public async Task Two_Authorization_headers_are_IncompleteSignature()
    {
        var headers = Signed();
        headers.Authorization = new([headers.Authorization.ToString(), headers.Authorization.ToString()]);

        await AssertFailsAsync(headers, KmsErrorType.IncompleteSignature);
    }

    [Fact]
    public async Task A_signed_correct_payload_hash_header_verifies()
    {
        var headers = SignedWithPayloadHash();

        await VerifyAsync(headers);
    }

    [Fact]
    public async Task A_payload_hash_header_that_does_not_match_the_body_is_InvalidSignature()
    {
        var headers = SignedWithPayloadHash();
        headers["x-amz-content-sha256"] = Convert.ToHexStringLower(SHA256.HashData("{}"u8));

        await AssertFailsAsync(headers, KmsErrorType.InvalidSignature);
    }

    [Fact]
    public async Task An_UNSIGNED_PAYLOAD_hash_is_refused()
    {
        var headers = SignedWithPayloadHash();
        headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD";

        var e = await AssertFailsAsync(headers, KmsErrorType.InvalidSignature);

        Assert.Contains("UNSIGNED-PAYLOAD", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Header_values_are_trimmed_and_inner_spaces_collapsed()
    {
        var spaced = Signed(signedHeaders: "content-type;host;my-header;x-amz-date;x-amz-target", extraHeaders: new() { ["My-Header"] = "  a   b  c " });
        var plain = Signed(signedHeaders: "content-type;host;my-header;x-amz-date;x-amz-target", extraHeaders: new() { ["My-Header"] = "a b c" });

        Assert.Equal(spaced.Authorization.ToString(), plain.Authorization.ToString());
        await VerifyAsync(spaced);
    }

    [Fact]
    public async Task Failure_messages_never_contain_the_secret_or_the_signature()
    {
        var headers = Signed();
        var signature = headers.Authorization.ToString()[^64..];
        _clock.Now = Now.AddHours(1);

        var e = await Assert.ThrowsAsync<KmsException>(async () => await VerifyAsync(headers));

        Assert.DoesNotContain(Secret, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(signature, e.Message, StringComparison.Ordinal);
    }

    private ValueTask<SigV4Identity> VerifyAsync(IHeaderDictionary headers, string body = Body, string rawTarget = "/", string method = "POST") =>
        _verifier.VerifyAsync(method, rawTarget, headers, Encoding.UTF8.GetBytes(body), TestContext.Current.CancellationToken);

    private async Task<KmsException> AssertFailsAsync(IHeaderDictionary headers, string errorType, string body = Body, string rawTarget = "/", string method = "POST")
    {
        var e = await Assert.ThrowsAsync<KmsException>(async () => await VerifyAsync(headers, body, rawTarget, method));
        Assert.Equal(errorType, e.ErrorType);
        return e;
    }

    // The verifier checks the declared payload hash before it compares signatures, so changing it after signing tests that check.
    private static IHeaderDictionary SignedWithPayloadHash() => Signed(
        signedHeaders: "content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target",
        extraHeaders: new() { ["x-amz-content-sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Body))) });

    // Signs a kms request with the verifier's own computation (checked independently by the AWS vector above and the SDK end-to-end tests).
    private static IHeaderDictionary Signed(
        string accessKeyId = AccessKeyId,
        string secret = Secret,
        string region = "us-east-1",
        string service = "kms",
        string? scopeDate = null,
        string signedHeaders = SignedHeaders,
        bool useDateHeader = false,
        HeaderDictionary? extraHeaders = null)
    {
        IHeaderDictionary headers = new HeaderDictionary
        {
            ["Host"] = "127.0.0.1:4599",
            ["Content-Type"] = "application/x-amz-json-1.1",
            ["X-Amz-Target"] = "TrentService.GenerateRandom",
            ["User-Agent"] = "test",
        };
        string amzDate;
        if (useDateHeader)
        {
            headers["Date"] = Now.ToString("r", CultureInfo.InvariantCulture);
            amzDate = AmzDate;
            signedHeaders = signedHeaders.Replace("x-amz-date", "date", StringComparison.Ordinal);
            signedHeaders = string.Join(';', signedHeaders.Split(';').Order(StringComparer.Ordinal));
        }
        else
        {
            headers["X-Amz-Date"] = AmzDate;
            amzDate = AmzDate;
        }

        foreach (var (name, value) in extraHeaders ?? [])
        {
            headers[name] = value;
        }

        var authorizationPrefix = $"AWS4-HMAC-SHA256 Credential={accessKeyId}/{scopeDate ?? amzDate[..8]}/{region}/{service}/aws4_request, SignedHeaders={signedHeaders}, Signature=";
        headers.Authorization = authorizationPrefix + new string('0', 64);
        var signature = SigV4Verifier.ComputeSignature("POST", "/", headers, Encoding.UTF8.GetBytes(Body), Encoding.UTF8.GetBytes(secret), amzDate);
        headers.Authorization = authorizationPrefix + signature;
        return headers;
    }
}

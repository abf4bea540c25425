using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Conclave.Server.Aws;
using Microsoft.AspNetCore.Http;

namespace Conclave.Server.Tests.Aws;

/// <summary>The protocol edges an SDK never hits, with a raw HttpClient (signed by the verifier's own computation where needed).</summary>
public sealed class KmsApiHttpTests(KmsApiHostFixture host) : IClassFixture<KmsApiHostFixture>, IDisposable
{
    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task A_request_without_Authorization_is_403_MissingAuthenticationTokenException()
    {
        using var request = Request("{}", target: "TrentService.GenerateRandom");

        var (status, type, message, response) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("MissingAuthenticationTokenException", type);
        Assert.Equal("Missing Authentication Token", message);
        Assert.Equal("application/x-amz-json-1.1", response.Content.Headers.ContentType?.MediaType);
        response.Dispose();
    }

    [Fact]
    public async Task A_correctly_signed_raw_request_succeeds_and_carries_a_request_id()
    {
        using var request = Signed("{\"NumberOfBytes\":16}");

        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-amz-json-1.1", response.Content.Headers.ContentType?.MediaType);
        Assert.True(Guid.TryParse(response.Headers.GetValues("x-amzn-RequestId").Single(), out _));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(16, json.RootElement.GetProperty("Plaintext").GetBytesFromBase64().Length);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task A_content_type_other_than_AWS_JSON_1_1_is_SerializationException(string? contentType)
    {
        using var request = Signed("{}", contentType: contentType);

        var (status, type, _, response) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("SerializationException", type);
        response.Dispose();
    }

    [Theory]
    [InlineData("TrentService.NoSuchAction")]
    [InlineData("DynamoDB_20120810.ListTables")]
    [InlineData("GenerateRandom")]
    [InlineData("TrentService.")]
    [InlineData(null)]
    public async Task A_target_that_names_no_KMS_action_is_UnknownOperationException(string? target)
    {
        using var request = Signed("{}", target: target);

        var (status, type, _, response) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("UnknownOperationException", type);
        Assert.True(response.Headers.Contains("x-amzn-RequestId"));
        response.Dispose();
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("{\"a\":1")]
    [InlineData("{} {}")]
    [InlineData("{/*comment*/}")]
    [InlineData("")]
    public async Task A_signed_body_that_is_not_a_JSON_object_is_SerializationException(string body)
    {
        using var request = Signed(body);

        var (status, type, _, response) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("SerializationException", type);
        response.Dispose();
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_and_not_signed_is_refused_by_authentication_first()
    {
        using var request = Request("not json", target: "TrentService.GenerateRandom");

        var (_, type, _, response) = await SendAsync(request);

        Assert.Equal("MissingAuthenticationTokenException", type);
        response.Dispose();
    }

    [Fact]
    public async Task A_body_over_1_MiB_is_refused_without_reading_it()
    {
        var body = "{\"Pad\":\"" + new string('a', KmsEndpointsMax) + "\"}";
        using var request = Signed(body);

        // With Expect: 100-continue the server answers before the client sends the body. Without it,
        // the early answer races the upload and the client may see a reset connection instead.
        request.Headers.ExpectContinue = true;

        var (status, type, _, response) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("ValidationException", type);
        response.Dispose();
    }

    [Fact]
    public async Task A_body_just_under_1_MiB_is_accepted()
    {
        var body = "{\"NumberOfBytes\":4,\"Pad\":\"" + new string('a', KmsEndpointsMax - 64) + "\"}";
        using var request = Signed(body);

        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task An_unexpected_handler_exception_is_500_KMSInternalException_with_no_detail()
    {
        using var request = Signed("{}", target: "TrentService.ListKeys");

        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(
            "{\"__type\":\"KMSInternalException\",\"message\":\"The request processing has failed because of an unknown error, exception or failure.\"}",
            text);
        Assert.True(response.Headers.Contains("x-amzn-RequestId"));
    }

    [Theory]
    [InlineData("GET", "/")]
    [InlineData("POST", "/v1/keys")]
    public async Task Other_routes_answer_UnknownOperationException_with_a_request_id(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(host.Address, path));

        var (_, type, _, response) = await SendAsync(request);

        Assert.Equal("UnknownOperationException", type);
        Assert.True(response.Headers.Contains("x-amzn-RequestId"));
        response.Dispose();
    }

    [Fact]
    public async Task Every_response_gets_its_own_request_id()
    {
        using var first = Request("{}", target: "TrentService.GenerateRandom");
        using var second = Request("{}", target: "TrentService.GenerateRandom");

        using var a = await _http.SendAsync(first, TestContext.Current.CancellationToken);
        using var b = await _http.SendAsync(second, TestContext.Current.CancellationToken);

        Assert.NotEqual(a.Headers.GetValues("x-amzn-RequestId").Single(), b.Headers.GetValues("x-amzn-RequestId").Single());
    }

    private const int KmsEndpointsMax = Endpoints.KmsEndpoints.MaxBodyBytes;

    private async Task<(HttpStatusCode Status, string? Type, string? Message, HttpResponseMessage Response)> SendAsync(HttpRequestMessage request)
    {
        var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var json = JsonDocument.Parse(text);
        return (
            response.StatusCode,
            json.RootElement.GetProperty("__type").GetString(),
            json.RootElement.GetProperty("message").GetString(),
            response);
    }

    private HttpRequestMessage Request(string body, string? target, string? contentType = "application/x-amz-json-1.1")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        var request = new HttpRequestMessage(HttpMethod.Post, host.Address) { Content = content };
        if (target is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        }

        return request;
    }

    private HttpRequestMessage Signed(string body, string? target = "TrentService.GenerateRandom", string? contentType = "application/x-amz-json-1.1")
    {
        var request = Request(body, target, contentType);
        var amzDate = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        request.Headers.Add("X-Amz-Date", amzDate);
        IHeaderDictionary headers = new HeaderDictionary
        {
            ["Host"] = host.Address.Authority,
            ["X-Amz-Date"] = amzDate,
        };
        var signed = new List<string> { "host", "x-amz-date" };
        if (contentType is not null)
        {
            headers["Content-Type"] = contentType;
            signed.Add("content-type");
        }

        if (target is not null)
        {
            headers["X-Amz-Target"] = target;
            signed.Add("x-amz-target");
        }

        signed.Sort(StringComparer.Ordinal);
        var prefix = $"AWS4-HMAC-SHA256 Credential={KmsApiHostFixture.AccessKeyId}/{amzDate[..8]}/us-east-1/kms/aws4_request, SignedHeaders={string.Join(';', signed)}, Signature=";
        headers.Authorization = prefix + new string('0', 64);
        var signature = SigV4Verifier.ComputeSignature(
            "POST", "/", headers, Encoding.UTF8.GetBytes(body), Encoding.UTF8.GetBytes(KmsApiHostFixture.Secret), amzDate);
        request.Headers.TryAddWithoutValidation("Authorization", prefix + signature);
        return request;
    }
}

using System.Buffers;
using System.Text.Json;
using Conclave.Kms.Api;
using Microsoft.AspNetCore.Http;

namespace Conclave.Server.Aws.Internal;

/// <summary>Writes AWS JSON 1.1 responses: <c>{"__type":"...","message":"..."}</c> errors and action results.</summary>
internal static class AwsJsonResponses
{
    public const string ContentType = "application/x-amz-json-1.1";
    public const string RequestIdHeader = "x-amzn-RequestId";

    public static async Task WriteErrorAsync(HttpResponse response, string errorType, string message, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("__type", errorType);
            json.WriteString("message", message);
            json.WriteEndObject();
        }

        response.StatusCode = KmsErrorType.StatusCode(errorType);
        response.ContentType = ContentType;
        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }

    public static async Task WriteResultAsync(HttpResponse response, KmsActionResult result, CancellationToken cancellationToken)
    {
        try
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = ContentType;
            response.ContentLength = result.Json.Length;
            await response.Body.WriteAsync(result.Json, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            result.Wipe();
        }
    }
}

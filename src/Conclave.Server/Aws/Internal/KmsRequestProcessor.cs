using System.Buffers;
using System.Text.Json;
using Conclave.Kms.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Conclave.Server.Aws.Internal;

/// <summary>
/// Serves one AWS JSON 1.1 KMS request: request id, body limit, content type, X-Amz-Target, SigV4
/// (before the body is parsed), JSON object check, then the action's handler. Every failure is an
/// AWS error body; the request body buffer is wiped after use (it may carry plaintext).
/// </summary>
internal sealed class KmsRequestProcessor(SigV4Verifier verifier, KmsActionTable actions, ILogger logger)
{
    /// <summary>The largest request body accepted (1 MiB).</summary>
    public const int MaxBodyBytes = 1 << 20;

    private const string InternalMessage = "The request processing has failed because of an unknown error, exception or failure.";

    public async Task HandleAsync(HttpContext http)
    {
        var requestId = Guid.NewGuid().ToString();
        http.Response.Headers[AwsJsonResponses.RequestIdHeader] = requestId;
        var cancellationToken = http.RequestAborted;
        var action = "-";
        byte[]? body = null;
        try
        {
            action = CheckRequest(http.Request);
            (body, var length) = await ReadBodyAsync(http.Request, cancellationToken).ConfigureAwait(false);
            var payload = body.AsMemory(0, length);
            var identity = await verifier.VerifyAsync(
                http.Request.Method, RawTarget(http), http.Request.Headers, payload, cancellationToken).ConfigureAwait(false);
            if (!actions.TryGetHandler(action, out var handler))
            {
                throw new KmsException(KmsErrorType.UnsupportedOperation, $"{action} is not supported by Conclave yet.");
            }

            CheckJsonObject(payload.Span);
            var context = new KmsCallContext(identity.Principal, identity.Region, requestId);
            var result = await handler(context, payload, cancellationToken).ConfigureAwait(false);
            await AwsJsonResponses.WriteResultAsync(http.Response, result, cancellationToken).ConfigureAwait(false);
            KmsApiLog.Succeeded(logger, requestId, action, identity.Principal.AccessKeyId, identity.Region);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away: nobody to answer.
        }
        catch (KmsException e)
        {
            KmsApiLog.Failed(logger, requestId, action, e.ErrorType);
            await TryWriteErrorAsync(http, e.ErrorType, e.Message, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // the protocol boundary: any other failure becomes a detail-free KMSInternalException
        catch (Exception e)
#pragma warning restore CA1031
        {
            KmsApiLog.Unexpected(logger, requestId, action, e.GetType().FullName ?? "Exception");
            await TryWriteErrorAsync(http, KmsErrorType.KmsInternal, InternalMessage, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (body is not null)
            {
                ArrayPool<byte>.Shared.Return(body, clearArray: true);
            }
        }
    }

    /// <summary>Answers a request that is not <c>POST /</c>.</summary>
    public static Task HandleUnknownRouteAsync(HttpContext http)
    {
        http.Response.Headers[AwsJsonResponses.RequestIdHeader] = Guid.NewGuid().ToString();
        return AwsJsonResponses.WriteErrorAsync(
            http.Response, KmsErrorType.UnknownOperation, "The KMS API is served by POST / with an X-Amz-Target header.", http.RequestAborted);
    }

    // Cheap checks that need neither the body nor a secret; returns the action name.
    private static string CheckRequest(HttpRequest request)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            throw TooLarge();
        }

        var contentType = request.ContentType.AsSpan();
        var semicolon = contentType.IndexOf(';');
        if (!(semicolon < 0 ? contentType : contentType[..semicolon]).Trim().Equals(AwsJsonResponses.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            throw new KmsException(KmsErrorType.Serialization, $"The Content-Type must be {AwsJsonResponses.ContentType}.");
        }

        var targets = request.Headers["X-Amz-Target"];
        var target = targets.Count == 1 ? targets[0] : null;
        if (target is null || !target.StartsWith(KmsActions.TargetPrefix, StringComparison.Ordinal))
        {
            throw new KmsException(KmsErrorType.UnknownOperation, "The X-Amz-Target header must be TrentService.<Action>.");
        }

        var action = target[KmsActions.TargetPrefix.Length..];
        if (!KmsActions.IsKmsAction(action))
        {
            throw new KmsException(KmsErrorType.UnknownOperation, "The X-Amz-Target header names no KMS action.");
        }

        return action;
    }

    // Reads at most MaxBodyBytes into a pooled buffer (the caller returns it cleared); never buffers more.
    private static async Task<(byte[] Buffer, int Length)> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? 4096, MaxBodyBytes) + 1);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > MaxBodyBytes)
                    {
                        throw TooLarge();
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxBodyBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
                    buffer = bigger;
                }

                int read;
                try
                {
                    read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                }
                catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
                {
                    throw TooLarge();
                }

                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > MaxBodyBytes)
                {
                    throw TooLarge();
                }
            }

            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
            throw;
        }
    }

    private static void CheckJsonObject(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw NotAnObject();
            }

            reader.Skip();
            if (reader.Read())
            {
                throw NotAnObject();
            }
        }
        catch (JsonException)
        {
            throw NotAnObject();
        }
    }

    private static string RawTarget(HttpContext http) =>
        http.Features.Get<IHttpRequestFeature>()?.RawTarget
        ?? string.Concat(http.Request.PathBase.ToUriComponent(), http.Request.Path.ToUriComponent(), http.Request.QueryString.ToUriComponent());

    private static KmsException TooLarge() =>
        new(KmsErrorType.Validation, $"The request body is larger than {MaxBodyBytes} bytes.");

    private static KmsException NotAnObject() =>
        new(KmsErrorType.Serialization, "The request body must be a JSON object.");

    private async Task TryWriteErrorAsync(HttpContext http, string errorType, string message, CancellationToken cancellationToken)
    {
        if (http.Response.HasStarted)
        {
            http.Abort();
            return;
        }

        try
        {
            await AwsJsonResponses.WriteErrorAsync(http.Response, errorType, message, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (IOException e)
        {
            KmsApiLog.Unexpected(logger, http.Response.Headers[AwsJsonResponses.RequestIdHeader].ToString(), "-", e.GetType().FullName ?? "IOException");
        }
    }
}

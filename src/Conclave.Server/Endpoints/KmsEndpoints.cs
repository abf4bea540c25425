using Conclave.Server.Aws;
using Conclave.Server.Aws.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Conclave.Server.Endpoints;

/// <summary>
/// The AWS KMS JSON 1.1 endpoint: <c>POST /</c> with <c>X-Amz-Target: TrentService.&lt;Action&gt;</c>.
/// </summary>
/// <remarks>
/// Unlike the project's <c>/v1/...</c> endpoints this one uses AWS's path and AWS's error bodies
/// (<c>{"__type","message"}</c>, not ProblemDetails): unmodified AWS SDKs must understand it.
/// </remarks>
public static class KmsEndpoints
{
    /// <summary>The largest request body accepted (1 MiB); larger ones answer ValidationException.</summary>
    public const int MaxBodyBytes = KmsRequestProcessor.MaxBodyBytes;

    /// <summary>Maps <c>POST /</c> to the KMS API, authenticated by <paramref name="verifier"/> and served by <paramref name="actions"/>.</summary>
    public static IEndpointRouteBuilder MapKmsApi(this IEndpointRouteBuilder endpoints, SigV4Verifier verifier, KmsActionTable actions, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(logger);
        var processor = new KmsRequestProcessor(verifier, actions, logger);
        endpoints.MapPost("/", processor.HandleAsync);
        endpoints.MapFallback(KmsRequestProcessor.HandleUnknownRouteAsync);
        return endpoints;
    }
}

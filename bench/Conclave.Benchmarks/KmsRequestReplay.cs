using System.Net;
using Amazon.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Conclave.Benchmarks;

/// <summary>
/// Splits the SDK round trip into its two halves on the same cores. The SDK's HTTP client is wrapped
/// to record the last signed request and its answer per action; <see cref="ReplayAsync"/> then sends
/// that recorded request again with a plain <see cref="HttpClient"/> (a SigV4 signature stays valid
/// for the 5-minute skew window, so the server does all of its work: SigV4, JSON, store, audit), and
/// <see cref="StartStubAsync"/> serves the recorded answers from a bare Kestrel endpoint, so the SDK
/// can be timed against a server that does nothing.
/// </summary>
public sealed class KmsRequestReplay : HttpClientFactory, IAsyncDisposable
{
    private readonly Dictionary<string, Recorded> _recorded = new(StringComparer.Ordinal);
    private readonly HttpClient _plain = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan });
    private WebApplication? _stub;

    /// <summary>The base address of the stub started by <see cref="StartStubAsync"/>.</summary>
    public Uri? StubAddress { get; private set; }

    /// <inheritdoc />
    public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
        new(new RecordingHandler(this, new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan }));

    /// <summary>Sends the last recorded request for <paramref name="action"/> (for example <c>Encrypt</c>) again.</summary>
    public async Task ReplayAsync(string action)
    {
        Recorded recorded;
        lock (_recorded)
        {
            recorded = _recorded[action];
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, recorded.Uri) { Content = new ByteArrayContent(recorded.RequestBody) };
        foreach (var (name, value) in recorded.RequestHeaders)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await _plain.SendAsync(request).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Replayed {action} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
        }

        await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
    }

    /// <summary>Starts a loopback endpoint that answers each action with its recorded answer, checking nothing.</summary>
    public async Task StartStubAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/", async (HttpContext http) =>
        {
            using var drain = new MemoryStream();
            await http.Request.Body.CopyToAsync(drain).ConfigureAwait(false);
            var target = http.Request.Headers["X-Amz-Target"].ToString();
            Recorded recorded;
            lock (_recorded)
            {
                recorded = _recorded[target[(target.IndexOf('.', StringComparison.Ordinal) + 1)..]];
            }

            http.Response.ContentType = "application/x-amz-json-1.1";
            http.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
            await http.Response.Body.WriteAsync(recorded.ResponseBody).ConfigureAwait(false);
        });
        await app.StartAsync().ConfigureAwait(false);
        _stub = app;
        StubAddress = new Uri(app.Urls.First());
    }

    public async ValueTask DisposeAsync()
    {
        _plain.Dispose();
        if (_stub is not null)
        {
            await _stub.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed record Recorded(Uri Uri, List<(string Name, string Value)> RequestHeaders, byte[] RequestBody, byte[] ResponseBody);

    private sealed class RecordingHandler(KmsRequestReplay owner, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var headers = request.Headers.SelectMany(h => h.Value.Select(v => (h.Key, v)))
                .Concat(request.Content?.Headers.SelectMany(h => h.Value.Select(v => (h.Key, v))) ?? [])
                .Where(h => !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                .ToList();
            if (request.Content is not null)
            {
                var replacement = new ByteArrayContent(body);
                foreach (var header in request.Content.Headers)
                {
                    replacement.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }

                request.Content = replacement;
            }

            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var answer = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var replaced = new ByteArrayContent(answer);
            foreach (var header in response.Content.Headers)
            {
                replaced.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = replaced;
            var target = headers.FirstOrDefault(h => h.Item1.Equals("X-Amz-Target", StringComparison.OrdinalIgnoreCase)).Item2;
            if (target is not null && response.IsSuccessStatusCode)
            {
                lock (owner._recorded)
                {
                    owner._recorded[target[(target.IndexOf('.', StringComparison.Ordinal) + 1)..]] = new Recorded(request.RequestUri!, headers, body, answer);
                }
            }

            return response;
        }
    }
}

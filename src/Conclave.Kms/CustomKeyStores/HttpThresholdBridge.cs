using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conclave.Kms.CustomKeyStores;

/// <summary>
/// <see cref="IThresholdBridge"/> over HTTP. Timeouts: health 5 s, keygen 120 s, sign 30 s. Logs
/// nothing; errors carry the bridge's error code, never messages, hashes or signatures. Redirects
/// are not followed (the endpoint was checked when the store was registered).
/// </summary>
public sealed class HttpThresholdBridge : IThresholdBridge, IDisposable
{
    private const int MaxResponseBytes = 64 * 1024;

    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan KeygenTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan SignTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _client;

    /// <summary>Creates the client.</summary>
    public HttpThresholdBridge()
    {
        _client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = MaxResponseBytes,
        };
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<(string Id, bool Reachable)>> HealthAsync(Uri bridge, CancellationToken cancellationToken = default)
    {
        var body = await SendAsync(bridge, "health", null, HealthTimeout, cancellationToken).ConfigureAwait(false);
        if (body["nodes"] is not JsonArray nodes)
        {
            throw Invalid("health answer has no node list");
        }

        var result = new List<(string, bool)>();
        foreach (var node in nodes)
        {
            if (node is not JsonObject entry || entry["id"] is not JsonValue id || id.GetValueKind() != JsonValueKind.String
                || entry["reachable"] is not JsonValue reachable || reachable.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw Invalid("health answer has a malformed node");
            }

            result.Add((id.GetValue<string>(), reachable.GetValue<bool>()));
        }

        return result;
    }

    /// <inheritdoc />
    public async ValueTask<byte[]> KeygenAsync(Uri bridge, string walletId, string keyType, int threshold, int totalParties, CancellationToken cancellationToken = default)
    {
        var request = new JsonObject { ["walletID"] = walletId, ["keyType"] = keyType, ["threshold"] = threshold, ["totalParties"] = totalParties };
        var body = await SendAsync(bridge, "keygen", request, KeygenTimeout, cancellationToken).ConfigureAwait(false);
        if (StringMember(body, "walletID") != walletId || StringMember(body, "keyType") != keyType)
        {
            throw Invalid("keygen answered for another wallet or key type");
        }

        return Hex(body, "publicKey");
    }

    /// <inheritdoc />
    public async ValueTask<byte[]> PublicKeyAsync(Uri bridge, string walletId, string keyType, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(walletId);
        var body = await SendAsync(bridge, "pubkey/" + Uri.EscapeDataString(walletId), null, HealthTimeout, cancellationToken).ConfigureAwait(false);
        if (StringMember(body, "walletID") != walletId || StringMember(body, "keyType") != keyType)
        {
            throw Invalid("pubkey answered for another wallet or key type");
        }

        return Hex(body, "publicKey");
    }

    /// <inheritdoc />
    public async ValueTask<byte[]> SignAsync(Uri bridge, string walletId, string keyType, ReadOnlyMemory<byte> payload, bool payloadIsHash, CancellationToken cancellationToken = default)
    {
        var request = new JsonObject
        {
            ["walletID"] = walletId,
            [payloadIsHash ? "messageHash" : "message"] = Convert.ToHexStringLower(payload.Span),
        };
        if (!payloadIsHash && keyType == "secp256k1")
        {
            request["hash"] = "sha256";
        }
        var body = await SendAsync(bridge, "sign", request, SignTimeout, cancellationToken).ConfigureAwait(false);
        if (StringMember(body, "walletID") != walletId)
        {
            throw Invalid("sign answered for another wallet");
        }

        return Hex(body, "signature");
    }

    /// <summary>Closes the connections.</summary>
    public void Dispose() => _client.Dispose();

    private async Task<JsonObject> SendAsync(Uri bridge, string relative, JsonObject? request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var uri = new Uri(bridge, relative);
        try
        {
            using var message = new HttpRequestMessage(request is null ? HttpMethod.Get : HttpMethod.Post, uri);
            if (request is not null)
            {
                message.Content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
            }

            using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseContentRead, timeoutSource.Token).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(timeoutSource.Token).ConfigureAwait(false);
            JsonObject? body;
            try
            {
                body = JsonNode.Parse(text) as JsonObject;
            }
            catch (JsonException)
            {
                body = null;
            }

            if (response.IsSuccessStatusCode)
            {
                return body ?? throw Invalid($"{relative} answered no JSON object");
            }

            var code = body?["error"]?["code"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
            var failure = response.StatusCode switch
            {
                HttpStatusCode.BadRequest => ThresholdBridgeFailure.InvalidRequest,
                HttpStatusCode.NotFound => ThresholdBridgeFailure.WalletNotFound,
                HttpStatusCode.Conflict => ThresholdBridgeFailure.WalletExists,
                HttpStatusCode.Forbidden => ThresholdBridgeFailure.PolicyDenied,
                HttpStatusCode.ServiceUnavailable => ThresholdBridgeFailure.NoQuorum,
                HttpStatusCode.BadGateway => ThresholdBridgeFailure.ProtocolAbort,
                _ => ThresholdBridgeFailure.InvalidResponse,
            };
            throw new ThresholdBridgeException(failure, $"The MPC bridge refused {relative} with HTTP {(int)response.StatusCode}{(code is null ? "" : $" ({Clip(code)})")}.");
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ThresholdBridgeException(ThresholdBridgeFailure.Timeout, $"The MPC bridge did not answer {relative} within {timeout.TotalSeconds:0} s.", e);
        }
        catch (HttpRequestException e)
        {
            throw new ThresholdBridgeException(ThresholdBridgeFailure.Unreachable, $"The MPC bridge could not be reached for {relative} ({e.HttpRequestError}).", e);
        }
    }

    private static string? StringMember(JsonObject body, string name) =>
        body[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static byte[] Hex(JsonObject body, string name)
    {
        var text = StringMember(body, name);
        if (text is null || text.Length is 0 or > 1024 || text.Length % 2 != 0)
        {
            throw Invalid($"{name} is missing or not hex");
        }

        try
        {
            return Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw Invalid($"{name} is not hex");
        }
    }

    private static string Clip(string code) =>
        new([.. code.Take(64).Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '?')]);

    private static ThresholdBridgeException Invalid(string what) =>
        new(ThresholdBridgeFailure.InvalidResponse, $"The MPC bridge answered unexpectedly: {what}.");
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Conclave.Mpc.Coordination;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Conclave.Mpc.Bridge;

/// <summary>
/// The bridge API (the Lux bridge contract, docs/bridge-api.md): <c>POST /keygen</c>,
/// <c>POST /sign</c>, <c>POST /reshare</c>, <c>GET /pubkey/{walletID}</c> and <c>GET /health</c>, JSON in and out,
/// errors as <c>{"error":{"code","message"}}</c> with 400/404/409/502/503 (and 403 for a node
/// policy refusal, 413 for an oversized body, 500 for an internal failure).
/// </summary>
public static class BridgeEndpoints
{
    /// <summary>Largest request body accepted (bytes).</summary>
    public const int MaxBodyBytes = 256 * 1024;

    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false };

    /// <summary>Maps the bridge routes onto <paramref name="endpoints"/>, served by <paramref name="coordinator"/>.</summary>
    public static IEndpointRouteBuilder MapBridge(this IEndpointRouteBuilder endpoints, Coordinator coordinator, CancellationToken stopping = default)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(coordinator);
        endpoints.MapPost("/keygen", Endpoint((_, body) => KeygenAsync(coordinator, body, stopping), readBody: true));
        endpoints.MapPost("/sign", Endpoint((_, body) => SignAsync(coordinator, body, stopping), readBody: true));
        endpoints.MapPost("/reshare", Endpoint((_, body) => ReshareAsync(coordinator, body, stopping), readBody: true));
        endpoints.MapGet("/pubkey/{walletID}", Endpoint((context, _) => PublicKeyAsync(coordinator, (string)context.Request.RouteValues["walletID"]!, stopping), readBody: false));
        endpoints.MapGet("/health", Endpoint((_, _) => HealthAsync(coordinator, stopping), readBody: false));
        return endpoints;
    }

    private static async Task<JsonObject> KeygenAsync(Coordinator coordinator, JsonObject body, CancellationToken cancellationToken)
    {
        var walletId = RequiredString(body, "walletID");
        var keyType = RequiredString(body, "keyType");
        var threshold = RequiredInt(body, "threshold");
        var totalParties = RequiredInt(body, "totalParties");
        var chainType = OptionalString(body, "chainType");
        var wallet = await coordinator.KeygenAsync(walletId, keyType, threshold, totalParties, chainType, cancellationToken).ConfigureAwait(false);
        return WalletJson(wallet);
    }

    /// <summary>
    /// <c>{"walletID"}</c> → the wallet's description with its new <c>keyVersion</c>. A refresh keeps
    /// the parties and the threshold: fields asking to change them are refused (not supported).
    /// </summary>
    private static async Task<JsonObject> ReshareAsync(Coordinator coordinator, JsonObject body, CancellationToken cancellationToken)
    {
        var walletId = RequiredString(body, "walletID");
        if (body.Select(p => p.Key).FirstOrDefault(k => k != "walletID") is { } other)
        {
            throw MpcRequestException.Invalid(other is "threshold" or "newThreshold" or "totalParties" or "parties" or "newParties" or "nodeIDs"
                ? $"\"{other}\": changing the committee or the threshold is not supported; a reshare refreshes the shares among the wallet's parties with its threshold. Send only \"walletID\"."
                : $"\"{other}\" is not a reshare field; send only \"walletID\".");
        }

        var wallet = await coordinator.ReshareAsync(walletId, cancellationToken).ConfigureAwait(false);
        var result = WalletJson(wallet);
        result["keyVersion"] = wallet.KeyVersion;
        return result;
    }

    private static JsonObject WalletJson(WalletInfo wallet)
    {
        var result = new JsonObject
        {
            ["walletID"] = wallet.WalletId,
            ["keyType"] = wallet.KeyType,
            ["publicKey"] = wallet.PublicKey,
            ["threshold"] = wallet.Threshold,
            ["totalParties"] = wallet.TotalParties,
            ["parties"] = new JsonArray([.. wallet.Parties.Select(p => JsonValue.Create(p))]),
        };
        if (wallet.ChainType is { } chain)
        {
            result["chainType"] = chain;
        }

        return result;
    }

    private static async Task<JsonObject> SignAsync(Coordinator coordinator, JsonObject body, CancellationToken cancellationToken)
    {
        var walletId = RequiredString(body, "walletID");
        var messageHash = OptionalHex(body, "messageHash");
        var message = OptionalHex(body, "message");
        var hash = OptionalString(body, "hash");
        if (messageHash is null && message is null)
        {
            throw MpcRequestException.Invalid("Give \"messageHash\" (32-byte hex, secp256k1 wallets) or \"message\" (hex; secp256k1 wallets hash it with \"hash\", default sha256).");
        }

        if (messageHash is not null && message is not null)
        {
            throw MpcRequestException.Invalid("Give either \"messageHash\" or \"message\", not both.");
        }

        List<string>? signers = null;
        if (body["signers"] is { } signersNode)
        {
            signers = signersNode is JsonArray array && array.All(n => n is JsonValue v && v.GetValueKind() == JsonValueKind.String)
                ? [.. array.Select(n => n!.GetValue<string>())]
                : throw MpcRequestException.Invalid("\"signers\" must be an array of node ids.");
        }

        var signed = await coordinator.SignAsync(walletId, message, messageHash, signers, hash, cancellationToken).ConfigureAwait(false);
        var result = new JsonObject
        {
            ["walletID"] = signed.WalletId,
            ["signature"] = signed.Signature,
            ["signers"] = new JsonArray([.. signed.Signers.Select(s => JsonValue.Create(s))]),
        };
        if (signed.RecoveryId is { } v)
        {
            result["r"] = signed.Signature[..64];
            result["s"] = signed.Signature[64..];
            result["v"] = v;
        }

        return result;
    }

    private static async Task<JsonObject> PublicKeyAsync(Coordinator coordinator, string walletId, CancellationToken cancellationToken)
    {
        var wallet = await coordinator.GetWalletAsync(walletId, cancellationToken).ConfigureAwait(false);
        return new JsonObject { ["walletID"] = wallet.WalletId, ["keyType"] = wallet.KeyType, ["publicKey"] = wallet.PublicKey };
    }

    private static async Task<JsonObject> HealthAsync(Coordinator coordinator, CancellationToken cancellationToken)
    {
        var nodes = await coordinator.HealthAsync(cancellationToken).ConfigureAwait(false);
        return new JsonObject
        {
            ["status"] = nodes.All(n => n.Reachable) ? "ok" : "degraded",
            ["nodes"] = new JsonArray([.. nodes.Select(n => new JsonObject { ["id"] = n.Id, ["reachable"] = n.Reachable })]),
        };
    }

    private static RequestDelegate Endpoint(Func<HttpContext, JsonObject, Task<JsonObject>> handler, bool readBody) =>
        context => Handle(context, handler, readBody);

    private static async Task Handle(HttpContext context, Func<HttpContext, JsonObject, Task<JsonObject>> handler, bool readBody)
    {
        int status;
        JsonObject response;
        try
        {
            var body = readBody ? await ReadBodyAsync(context).ConfigureAwait(false) : [];
            response = await handler(context, body).ConfigureAwait(false);
            status = StatusCodes.Status200OK;
        }
        catch (MpcRequestException e)
        {
            status = StatusOf(e.Code);
            response = Error(MpcRequestException.CodeName(e.Code), e.Message, e.Culprits);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            status = StatusCodes.Status413PayloadTooLarge;
            response = Error("payload_too_large", $"The request body is larger than {MaxBodyBytes} bytes.", []);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The API boundary: every answer is JSON, and an unexpected failure's own message stays out of it.
            status = StatusCodes.Status500InternalServerError;
            response = Error(MpcRequestException.CodeName(MpcErrorCode.Internal), "The request failed inside the bridge.", []);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<JsonObject> ReadBodyAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            throw new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                throw new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge);
            }

            buffer.Write(chunk, 0, read);
        }

        try
        {
            // A repeated property is ambiguous (which walletID is meant?), so it is malformed.
            return JsonNode.Parse(buffer.ToArray(), documentOptions: StrictJson) as JsonObject ?? throw MpcRequestException.Invalid("The request body must be a JSON object.");
        }
        catch (JsonException)
        {
            throw MpcRequestException.Invalid("The request body is not valid JSON (or repeats a property).");
        }
    }

    private static int StatusOf(MpcErrorCode code) => code switch
    {
        MpcErrorCode.InvalidRequest => StatusCodes.Status400BadRequest,
        MpcErrorCode.WalletNotFound => StatusCodes.Status404NotFound,
        MpcErrorCode.WalletExists => StatusCodes.Status409Conflict,
        MpcErrorCode.NoQuorum => StatusCodes.Status503ServiceUnavailable,
        MpcErrorCode.ProtocolAbort => StatusCodes.Status502BadGateway,
        MpcErrorCode.PolicyDenied => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status500InternalServerError,
    };

    private static JsonObject Error(string code, string message, IReadOnlyList<string> culprits)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (culprits.Count > 0)
        {
            error["culprits"] = new JsonArray([.. culprits.Select(c => JsonValue.Create(c))]);
        }

        return new JsonObject { ["error"] = error };
    }

    private static string RequiredString(JsonObject body, string name) =>
        OptionalString(body, name) ?? throw MpcRequestException.Invalid($"\"{name}\" is required.");

    private static string? OptionalString(JsonObject body, string name) => body[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw MpcRequestException.Invalid($"\"{name}\" must be a string."),
    };

    private static int RequiredInt(JsonObject body, string name) => body[name] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var n) => n,
        null => throw MpcRequestException.Invalid($"\"{name}\" is required."),
        _ => throw MpcRequestException.Invalid($"\"{name}\" must be an integer."),
    };

    private static string? OptionalHex(JsonObject body, string name)
    {
        var value = OptionalString(body, name);
        if (value is null)
        {
            return null;
        }

        if (value.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            value = value[2..];
        }

        return value.Length % 2 == 0 && value.All(char.IsAsciiHexDigit)
            ? value.ToLowerInvariant()
            : throw MpcRequestException.Invalid($"\"{name}\" must be hex.");
    }
}

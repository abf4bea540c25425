using System.Text.Json;
using System.Text.Json.Serialization;

namespace Conclave.Mpc.Coordination;

/// <summary>
/// The JSON bodies of the node control calls (<see cref="INodeControl"/> across processes):
/// methods <c>mpc.prepare</c>, <c>mpc.run</c>, <c>mpc.commit</c>, <c>mpc.abort</c> (body: a
/// <see cref="SessionRequest"/>), <c>mpc.wallet</c> (body: <c>{"walletId"}</c>) and <c>mpc.health</c>
/// (empty body). Every reply is a <see cref="ControlReply"/>: a result or an error.
/// </summary>
internal static class ControlMessages
{
    internal const string Prepare = "mpc.prepare";
    internal const string Run = "mpc.run";
    internal const string Commit = "mpc.commit";
    internal const string Abort = "mpc.abort";
    internal const string Wallet = "mpc.wallet";
    internal const string Health = "mpc.health";

    internal static byte[] Encode<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) => JsonSerializer.SerializeToUtf8Bytes(value, type);

    internal static T Decode<T>(ReadOnlySpan<byte> body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw MpcRequestException.Invalid("The control message is null.");
        }
        catch (JsonException)
        {
            throw MpcRequestException.Invalid("The control message is not valid JSON of the expected shape.");
        }
    }

    internal static ControlReply ErrorReply(MpcRequestException e) =>
        new() { Error = new ControlError(MpcRequestException.CodeName(e.Code), e.Message, e.Culprits, e.TimedOutRound) };
}

/// <summary>A control reply: exactly one of the fields is set (all null for a bare success).</summary>
internal sealed record ControlReply
{
    public SessionOutcome? Outcome { get; init; }

    public WalletInfo? Wallet { get; init; }

    public NodeHealth? Health { get; init; }

    public ControlError? Error { get; init; }

    /// <summary>Throws the carried error as an <see cref="MpcRequestException"/>, else returns this reply.</summary>
    public ControlReply ThrowIfError() => Error is { } e
        ? throw new MpcRequestException(MpcRequestException.ParseCode(e.Code), e.Message, e.Culprits) { TimedOutRound = e.TimedOutRound }
        : this;
}

/// <summary>An error carried in a <see cref="ControlReply"/>.</summary>
internal sealed record ControlError(string Code, string Message, IReadOnlyList<string>? Culprits, int? TimedOutRound);

/// <summary>The body of <c>mpc.wallet</c>.</summary>
internal sealed record WalletQuery(string WalletId);

/// <summary>Source-generated JSON for the control messages.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ControlReply))]
[JsonSerializable(typeof(WalletQuery))]
[JsonSerializable(typeof(SessionRequest))]
internal sealed partial class ControlJsonContext : JsonSerializerContext;

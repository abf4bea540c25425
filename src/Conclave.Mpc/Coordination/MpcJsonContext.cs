using System.Text.Json.Serialization;

namespace Conclave.Mpc.Coordination;

/// <summary>Source-generated JSON for the coordination records (camelCase, nulls omitted).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WalletInfo))]
[JsonSerializable(typeof(SessionRequest))]
[JsonSerializable(typeof(SessionOutcome))]
[JsonSerializable(typeof(NodeHealth))]
internal sealed partial class MpcJsonContext : JsonSerializerContext;

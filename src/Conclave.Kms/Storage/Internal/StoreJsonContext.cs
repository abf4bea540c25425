using System.Text.Json.Serialization;
using Conclave.Kms.Keys;

namespace Conclave.Kms.Storage.Internal;

/// <summary>How stores serialize the public records they keep as JSON documents.</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KeyRecord))]
[JsonSerializable(typeof(GrantRecord))]
[JsonSerializable(typeof(CustomKeyStoreRecord))]
internal sealed partial class StoreJsonContext : JsonSerializerContext;

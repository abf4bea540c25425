using System.Text.Json;
using System.Text.Json.Serialization;

namespace Conclave.Mpc.Coordination;

/// <summary>
/// A wallet's public description, identical on every party that holds a share of it (each node
/// stores its own copy next to its share, in the same transaction).
/// </summary>
/// <param name="WalletId">The wallet.</param>
/// <param name="KeyType">A <see cref="KeyTypes"/> value.</param>
/// <param name="PublicKey">The group public key, lowercase hex (33-byte compressed secp256k1, 32-byte Ed25519).</param>
/// <param name="Threshold">t: parties needed to sign.</param>
/// <param name="Parties">The n share holders, ordinal order.</param>
/// <param name="ChainType">The optional label given at keygen.</param>
/// <param name="KeyVersion">The share version (1 after keygen).</param>
public sealed record WalletInfo(
    string WalletId,
    string KeyType,
    string PublicKey,
    int Threshold,
    IReadOnlyList<string> Parties,
    string? ChainType,
    int KeyVersion)
{
    /// <summary>n, the number of share holders.</summary>
    [JsonIgnore]
    public int TotalParties => Parties.Count;

    /// <summary>The JSON form stored in the share store.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, MpcJsonContext.Default.WalletInfo);

    /// <summary>Parses <see cref="ToJson"/>'s output.</summary>
    /// <exception cref="JsonException">Not a wallet description.</exception>
    public static WalletInfo FromJson(string json) =>
        JsonSerializer.Deserialize(json, MpcJsonContext.Default.WalletInfo) ?? throw new JsonException("The wallet description is null.");

    /// <summary>Whether two descriptions agree (the party lists compared element by element).</summary>
    public bool SameAs(WalletInfo other) =>
        other is not null && WalletId == other.WalletId && KeyType == other.KeyType && PublicKey == other.PublicKey
        && Threshold == other.Threshold && Parties.SequenceEqual(other.Parties) && ChainType == other.ChainType && KeyVersion == other.KeyVersion;
}

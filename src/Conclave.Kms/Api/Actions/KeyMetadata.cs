using System.Text.Json.Serialization;

namespace Conclave.Kms.Api.Actions;

/// <summary>AWS's <c>KeyMetadata</c> structure (DescribeKey, CreateKey).</summary>
public sealed record KeyMetadata
{
    /// <summary>The owning account.</summary>
    [JsonPropertyName("AWSAccountId")]
    public required string AwsAccountId { get; init; }

    /// <summary>The key id.</summary>
    public required string KeyId { get; init; }

    /// <summary>The key ARN.</summary>
    public required string Arn { get; init; }

    /// <summary>Creation time.</summary>
    [JsonConverter(typeof(EpochSecondsConverter))]
    public required DateTimeOffset CreationDate { get; init; }

    /// <summary>True when the state is Enabled.</summary>
    public required bool Enabled { get; init; }

    /// <summary>The description.</summary>
    public required string Description { get; init; }

    /// <summary>The key usage.</summary>
    public required string KeyUsage { get; init; }

    /// <summary>The key state.</summary>
    public required string KeyState { get; init; }

    /// <summary>When a scheduled deletion happens.</summary>
    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? DeletionDate { get; init; }

    /// <summary><c>AWS_KMS</c> or <c>EXTERNAL_KEY_STORE</c>.</summary>
    public required string Origin { get; init; }

    /// <summary>Always <c>CUSTOMER</c>.</summary>
    public string KeyManager { get; init; } = "CUSTOMER";

    /// <summary>The deprecated twin of <see cref="KeySpec"/> that older SDKs read.</summary>
    public required string CustomerMasterKeySpec { get; init; }

    /// <summary>The key spec.</summary>
    public required string KeySpec { get; init; }

    /// <summary>Encryption algorithms the key supports.</summary>
    public IReadOnlyList<string>? EncryptionAlgorithms { get; init; }

    /// <summary>Signing algorithms the key supports.</summary>
    public IReadOnlyList<string>? SigningAlgorithms { get; init; }

    /// <summary>MAC algorithms the key supports.</summary>
    public IReadOnlyList<string>? MacAlgorithms { get; init; }

    /// <summary>Key agreement algorithms the key supports.</summary>
    public IReadOnlyList<string>? KeyAgreementAlgorithms { get; init; }

    /// <summary>Always false: Conclave has no multi-region keys.</summary>
    public bool MultiRegion { get; init; }

    /// <summary>The deletion waiting period, while pending deletion.</summary>
    public int? PendingDeletionWindowInDays { get; init; }

    /// <summary>The custom key store (MPC cluster) of a threshold-backed key.</summary>
    public string? CustomKeyStoreId { get; init; }
}

namespace Conclave.Kms.Storage;

/// <summary>An alias (<c>alias/name</c>) pointing at a key of the same tenant.</summary>
public sealed record AliasRecord(string Tenant, string AliasName, string KeyId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

namespace Conclave.Kms.Storage;

/// <summary>
/// A tenant's key-encryption key, wrapped by the root-key provider with the tenant id as context.
/// It wraps the material of every key of the tenant; the root key wraps only these.
/// </summary>
public sealed record TenantKekRecord(string Tenant, int Version, byte[] WrappedKek, DateTimeOffset CreatedAt);

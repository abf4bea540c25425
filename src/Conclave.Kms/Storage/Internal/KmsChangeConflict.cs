using System.Diagnostics;

namespace Conclave.Kms.Storage.Internal;

/// <summary>What every store reports when a change conflicts with the stored state: one kind and message per change, so stores cannot drift apart.</summary>
internal static class KmsChangeConflict
{
    /// <summary>The conflict <paramref name="change"/> reports when it cannot apply (a unique key is taken, or no row matched).</summary>
    public static KmsConflictException For(KmsChange change) => change switch
    {
        InsertKey c => new(KmsConflictKind.KeyExists, $"Key '{c.Key.KeyId}' exists."),
        UpdateKey c => new(KmsConflictKind.KeyChanged, $"Key '{c.Key.KeyId}' changed meanwhile or no longer exists."),
        DeleteKey c => new(KmsConflictKind.KeyChanged, $"Key '{c.KeyId}' no longer exists."),
        InsertKeyVersion c => new(KmsConflictKind.KeyVersionExists, $"Version {c.Version.Version} of key '{c.Version.KeyId}' exists."),
        InsertAlias c => new(KmsConflictKind.AliasExists, $"An alias with the name {c.Alias.AliasName} already exists"),
        UpdateAlias c => new(KmsConflictKind.AliasMissing, $"Alias '{c.Alias.AliasName}' does not exist."),
        DeleteAlias c => new(KmsConflictKind.AliasMissing, $"Alias '{c.AliasName}' does not exist."),
        InsertGrant c => new(c.Grant.Name is null ? KmsConflictKind.GrantMissing : KmsConflictKind.GrantChanged, $"Grant '{c.Grant.GrantId}' exists."),
        UpdateGrant c => new(KmsConflictKind.GrantChanged, $"Grant '{c.Grant.GrantId}' changed meanwhile or does not exist."),
        DeleteGrant c => new(KmsConflictKind.GrantMissing, $"Grant '{c.GrantId}' does not exist."),
        InsertTenantKek c => new(KmsConflictKind.TenantKekExists, $"Key-encryption key version {c.Kek.Version} of the tenant exists."),
        InsertCustomKeyStore c => new(KmsConflictKind.CustomKeyStoreExists, $"A custom key store named {c.Store.Name} or with id {c.Store.CustomKeyStoreId} already exists."),
        UpdateCustomKeyStore c => new(KmsConflictKind.CustomKeyStoreChanged, $"Custom key store '{c.Store.CustomKeyStoreId}' changed meanwhile, no longer exists, or its new name is taken."),
        DeleteCustomKeyStore c => new(KmsConflictKind.CustomKeyStoreChanged, $"Custom key store '{c.CustomKeyStoreId}' no longer exists or still has keys."),
        InsertAuditCheckpoint c => new(KmsConflictKind.AuditCheckpointRefused, $"Audit record {c.Checkpoint.Sequence} is not in the log with the checkpoint's hash, or has a checkpoint already."),
        ReplaceTags => throw new UnreachableException("Replacing tags cannot conflict."),
        _ => throw new UnreachableException($"Unknown change {change.GetType().Name}."),
    };
}

using Conclave.Kms.Keys;

namespace Conclave.Kms.Storage;

/// <summary>
/// One change to the KMS state. A request's changes and its audit record are applied by
/// <see cref="IKmsStore.CommitAsync"/> in one transaction: all of them, or (on a conflict) none.
/// </summary>
public abstract record KmsChange
{
    private protected KmsChange()
    {
    }
}

/// <summary>Inserts a new key (<see cref="KeyRecord.Revision"/> 1). Conflict if the key id exists.</summary>
public sealed record InsertKey(KeyRecord Key) : KmsChange;

/// <summary>Replaces a key's record. Conflict unless the stored revision is <c>Key.Revision - 1</c>.</summary>
public sealed record UpdateKey(KeyRecord Key) : KmsChange;

/// <summary>Deletes a key with everything that hangs off it: versions (the wrapped material), aliases, tags, grants.</summary>
public sealed record DeleteKey(string Tenant, string KeyId) : KmsChange;

/// <summary>Inserts a key version. Conflict if that version exists.</summary>
public sealed record InsertKeyVersion(KeyVersionRecord Version) : KmsChange;

/// <summary>Inserts an alias. Conflict (<see cref="KmsConflictKind.AliasExists"/>) if the tenant has one of that name.</summary>
public sealed record InsertAlias(AliasRecord Alias) : KmsChange;

/// <summary>Points an existing alias at another key. Conflict if the alias does not exist.</summary>
public sealed record UpdateAlias(AliasRecord Alias) : KmsChange;

/// <summary>Deletes an alias. Conflict if it does not exist.</summary>
public sealed record DeleteAlias(string Tenant, string AliasName) : KmsChange;

/// <summary>Replaces the whole tag set of a key.</summary>
public sealed record ReplaceTags(string Tenant, string KeyId, IReadOnlyList<KeyTag> Tags) : KmsChange;

/// <summary>Inserts a grant. Conflict if the key has a grant of that id (<see cref="KmsConflictKind.GrantChanged"/> for a named grant, whose id is derived from its parameters).</summary>
public sealed record InsertGrant(GrantRecord Grant) : KmsChange;

/// <summary>Replaces a grant's record (same key and grant id). Conflict (<see cref="KmsConflictKind.GrantChanged"/>) unless the stored revision is <c>Grant.Revision - 1</c>.</summary>
public sealed record UpdateGrant(GrantRecord Grant) : KmsChange;

/// <summary>Deletes a grant. Conflict if it does not exist.</summary>
public sealed record DeleteGrant(string Tenant, string KeyId, string GrantId) : KmsChange;

/// <summary>Inserts a tenant key-encryption key. Conflict (<see cref="KmsConflictKind.TenantKekExists"/>) if that version exists.</summary>
public sealed record InsertTenantKek(TenantKekRecord Kek) : KmsChange;

/// <summary>Inserts a custom key store (revision 1). Conflict (<see cref="KmsConflictKind.CustomKeyStoreExists"/>) if the tenant has one of that id or name.</summary>
public sealed record InsertCustomKeyStore(CustomKeyStoreRecord Store) : KmsChange;

/// <summary>Replaces a custom key store's record. Conflict unless the stored revision is <c>Store.Revision - 1</c> (or the new name is taken).</summary>
public sealed record UpdateCustomKeyStore(CustomKeyStoreRecord Store) : KmsChange;

/// <summary>Deletes a custom key store. Conflict if it does not exist or any key of the tenant still names it.</summary>
public sealed record DeleteCustomKeyStore(string Tenant, string CustomKeyStoreId) : KmsChange;

/// <summary>
/// Stores a signed audit checkpoint. Conflict (<see cref="KmsConflictKind.AuditCheckpointRefused"/>)
/// unless the log's record <c>Checkpoint.Sequence</c> exists with exactly <c>Checkpoint.Hash</c> and
/// no checkpoint of that record is stored yet.
/// </summary>
public sealed record InsertAuditCheckpoint(Conclave.Kms.Audit.AuditCheckpoint Checkpoint) : KmsChange;

namespace Conclave.Kms.Storage;

/// <summary>Why <see cref="IKmsStore.CommitAsync"/> refused a set of changes.</summary>
public enum KmsConflictKind
{
    /// <summary>An insert named a key id that exists.</summary>
    KeyExists,

    /// <summary>An update or delete named a key that does not exist, or whose revision moved on.</summary>
    KeyChanged,

    /// <summary>A key version exists already.</summary>
    KeyVersionExists,

    /// <summary>The tenant has an alias of that name.</summary>
    AliasExists,

    /// <summary>The alias does not exist.</summary>
    AliasMissing,

    /// <summary>The grant does not exist.</summary>
    GrantMissing,

    /// <summary>The tenant key-encryption key version exists.</summary>
    TenantKekExists,

    /// <summary>The tenant has a custom key store of that id or name.</summary>
    CustomKeyStoreExists,

    /// <summary>The custom key store does not exist, changed meanwhile, or (on delete) still has keys.</summary>
    CustomKeyStoreChanged,

    /// <summary>A key insert names a custom key store that does not exist (deleted meanwhile).</summary>
    CustomKeyStoreMissing,

    /// <summary>A key insert names a custom key store that is not CONNECTED (disconnected meanwhile).</summary>
    CustomKeyStoreNotConnected,

    /// <summary>A grant insert found an identical named grant, or a grant update found the grant changed or gone (re-read and retry).</summary>
    GrantChanged,

    /// <summary>The audit checkpoint names a record that is not in the log with that hash, or that record has a checkpoint already.</summary>
    AuditCheckpointRefused,
}

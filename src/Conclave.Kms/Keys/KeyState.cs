namespace Conclave.Kms.Keys;

/// <summary>The lifecycle state of a KMS key, with AWS's names (<c>KeyMetadata.KeyState</c>).</summary>
public enum KeyState
{
    /// <summary>Usable for every operation its key usage allows.</summary>
    Enabled,

    /// <summary>Exists but refuses cryptographic operations until enabled again.</summary>
    Disabled,

    /// <summary>Scheduled for deletion: unusable; the material is destroyed at the deletion date unless cancelled.</summary>
    PendingDeletion,
}

using Conclave.Kms.Keys;

namespace Conclave.Kms.Storage.Internal;

/// <summary>When a key next needs the background sweeper (stores index it for <see cref="IKmsStore.ListKeysDueAsync"/>).</summary>
internal static class KeyDue
{
    /// <summary>The deletion date of a key pending deletion, else the next rotation date of a key with rotation on, else null.</summary>
    public static DateTimeOffset? DueDate(KeyRecord key) =>
        key.State == KeyState.PendingDeletion ? key.DeletionDate : key.RotationEnabled ? key.NextRotationDate : null;

    /// <summary>The keyset cursor after <paramref name="after"/> for <see cref="IKmsStore.ListKeysDueAsync"/>: its due date (ms) and lane; before every key when null.</summary>
    public static (long DueMs, byte[] Lane) Cursor(KeyRecord? after) =>
        after is null ? (long.MinValue, []) : (DueDate(after)?.ToUnixTimeMilliseconds() ?? long.MinValue, KeyLane.Compute(after.Tenant, after.KeyId));
}

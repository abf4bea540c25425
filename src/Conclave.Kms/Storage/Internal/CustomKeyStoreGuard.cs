using Conclave.Kms.Keys;

namespace Conclave.Kms.Storage.Internal;

/// <summary>
/// What every store checks, inside the commit's transaction, before it inserts a key that lives in a
/// custom key store: the store still exists and is CONNECTED. CreateKey runs the cluster's keygen
/// (seconds) between its own check and the commit; a DeleteCustomKeyStore or DisconnectCustomKeyStore
/// committed in between must make the insert fail, not leave a key naming a deleted store.
/// </summary>
internal static class CustomKeyStoreGuard
{
    /// <summary>The connection state a store must be in for a key to be created in it.</summary>
    public const string Connected = "CONNECTED";

    /// <summary>Throws the conflict for inserting <paramref name="key"/> when its custom key store is <paramref name="store"/> (null: it does not exist).</summary>
    public static void Check(KeyRecord key, CustomKeyStoreRecord? store)
    {
        if (store is null)
        {
            throw new KmsConflictException(KmsConflictKind.CustomKeyStoreMissing, $"Custom key store {key.CustomKeyStoreId} does not exist (it was deleted while the key was being created).");
        }

        if (store.ConnectionState != Connected)
        {
            throw new KmsConflictException(KmsConflictKind.CustomKeyStoreNotConnected, $"Custom key store {key.CustomKeyStoreId} is not connected (state {store.ConnectionState}); the key was not created.");
        }
    }
}

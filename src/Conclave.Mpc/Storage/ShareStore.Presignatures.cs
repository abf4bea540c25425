using System.Security.Cryptography;
using Conclave.Crypto;
using Conclave.Mpc.Storage.Internal;
using Microsoft.Data.Sqlite;

namespace Conclave.Mpc.Storage;

/// <summary>
/// Stored CGGMP21 presignatures (the "CGPS" encoding), sealed like shares: AES-256-GCM under the
/// node data key with associated data = label, node id, wallet id and presignature id, so a row
/// copied to another wallet, id or node does not decrypt. Each put and take is one SQLite
/// transaction. Taking a presignature deletes it; single use across backups is the job of the
/// <see cref="SqlitePresignatureLedger"/>, which the signer consults before it signs.
/// </summary>
public sealed partial class ShareStore
{
    /// <summary>Bytes in a presignature id.</summary>
    public const int PresignatureIdLength = 32;

    private const string PresignatureAadLabel = "conclave/mpc/share-store/presignature/v1";

    /// <summary>
    /// Stores <paramref name="presignature"/> (its encoding, which the caller wipes) encrypted under
    /// (<paramref name="walletId"/>, <paramref name="presignatureId"/>), then deletes the wallet's
    /// oldest stored presignatures beyond <paramref name="maxPerWallet"/> (unused ones a restarted
    /// coordinator no longer knows about), in the same transaction.
    /// </summary>
    public Task PutPresignatureAsync(string walletId, ReadOnlyMemory<byte> presignatureId, ReadOnlyMemory<byte> presignature, int maxPerWallet, CancellationToken cancellationToken = default)
    {
        ValidateId(walletId, nameof(walletId));
        ValidatePresignatureId(presignatureId.Span);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerWallet, 1);
        if (presignature.IsEmpty)
        {
            throw new ArgumentException("The presignature is empty.", nameof(presignature));
        }

        var id = presignatureId.ToArray();
        var sealedPresignature = ShareCipher.Seal(_dataKey, presignature.Span, PresignatureAssociatedData(walletId, id));
        return RunAsync(async transaction =>
        {
            var insert = Command(_connection, transaction, "INSERT INTO presignatures (wallet_id, id, sealed_presignature) VALUES ($wallet, $id, $sealed) ON CONFLICT (wallet_id, id) DO NOTHING;");
            await using (insert.ConfigureAwait(false))
            {
                insert.Parameters.AddWithValue("$wallet", walletId);
                insert.Parameters.AddWithValue("$id", id);
                insert.Parameters.AddWithValue("$sealed", sealedPresignature);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var trim = Command(
                _connection,
                transaction,
                "DELETE FROM presignatures WHERE wallet_id = $wallet AND rowid NOT IN (SELECT rowid FROM presignatures WHERE wallet_id = $wallet ORDER BY rowid DESC LIMIT $max);");
            await using (trim.ConfigureAwait(false))
            {
                trim.Parameters.AddWithValue("$wallet", walletId);
                trim.Parameters.AddWithValue("$max", maxPerWallet);
                await trim.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);
    }

    /// <summary>Whether a presignature (<paramref name="walletId"/>, <paramref name="presignatureId"/>) is stored.</summary>
    public Task<bool> HasPresignatureAsync(string walletId, ReadOnlyMemory<byte> presignatureId, CancellationToken cancellationToken = default)
    {
        ValidateId(walletId, nameof(walletId));
        ValidatePresignatureId(presignatureId.Span);
        var id = presignatureId.ToArray();
        return RunAsync(async transaction =>
        {
            var command = Command(_connection, transaction, "SELECT 1 FROM presignatures WHERE wallet_id = $wallet AND id = $id;");
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("$wallet", walletId);
                command.Parameters.AddWithValue("$id", id);
                return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
            }
        }, cancellationToken);
    }

    /// <summary>How many presignatures of <paramref name="walletId"/> are stored.</summary>
    public Task<int> CountPresignaturesAsync(string walletId, CancellationToken cancellationToken = default)
    {
        ValidateId(walletId, nameof(walletId));
        return RunAsync(async transaction =>
        {
            var command = Command(_connection, transaction, "SELECT count(*) FROM presignatures WHERE wallet_id = $wallet;");
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("$wallet", walletId);
                return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            }
        }, cancellationToken);
    }

    /// <summary>
    /// Removes the presignature (<paramref name="walletId"/>, <paramref name="presignatureId"/>) and
    /// returns it decrypted (the caller disposes it), or null if none is stored. The row is deleted
    /// in the same transaction as it is read, so a presignature is handed out at most once by this
    /// store. Throws <see cref="CryptographicException"/> (naming the wallet only) if the row does not
    /// decrypt; the row is then left in place.
    /// </summary>
    public Task<SecretBytes?> TakePresignatureAsync(string walletId, ReadOnlyMemory<byte> presignatureId, CancellationToken cancellationToken = default)
    {
        ValidateId(walletId, nameof(walletId));
        ValidatePresignatureId(presignatureId.Span);
        var id = presignatureId.ToArray();
        return RunAsync(async transaction =>
        {
            var command = Command(_connection, transaction, "SELECT sealed_presignature FROM presignatures WHERE wallet_id = $wallet AND id = $id;");
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("$wallet", walletId);
                command.Parameters.AddWithValue("$id", id);
                if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not byte[] sealedPresignature)
                {
                    return null;
                }

                SecretBytes presignature;
                try
                {
                    presignature = ShareCipher.Open(_dataKey, sealedPresignature, PresignatureAssociatedData(walletId, id));
                }
                catch (CryptographicException)
                {
                    throw new CryptographicException($"A stored presignature of wallet '{walletId}' does not decrypt: the row was altered, or was copied from another wallet, id or node.");
                }

                try
                {
                    command.CommandText = "DELETE FROM presignatures WHERE wallet_id = $wallet AND id = $id;";
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    return (SecretBytes?)presignature;
                }
                catch
                {
                    presignature.Dispose();
                    throw;
                }
            }
        }, cancellationToken);
    }

    /// <summary>Deletes every stored presignature of <paramref name="walletId"/>; the number deleted.</summary>
    public Task<int> DeletePresignaturesAsync(string walletId, CancellationToken cancellationToken = default)
    {
        ValidateId(walletId, nameof(walletId));
        return RunAsync(transaction => DeletePresignaturesCoreAsync(transaction, walletId, cancellationToken), cancellationToken);
    }

    private async Task<int> DeletePresignaturesCoreAsync(SqliteTransaction transaction, string walletId, CancellationToken cancellationToken)
    {
        var command = Command(_connection, transaction, "DELETE FROM presignatures WHERE wallet_id = $wallet;");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("$wallet", walletId);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static void ValidatePresignatureId(ReadOnlySpan<byte> id)
    {
        if (id.Length != PresignatureIdLength)
        {
            throw new ArgumentException($"A presignature id is {PresignatureIdLength} bytes.", nameof(id));
        }
    }

    private byte[] PresignatureAssociatedData(string walletId, byte[] id) =>
        LengthPrefixed.Concat([PresignatureAadLabel, NodeId, walletId, Convert.ToHexStringLower(id)], 0);
}

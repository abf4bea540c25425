using System.Diagnostics;
using Conclave.Mpc.Storage.Internal;
using Conclave.Threshold.Cggmp.Presign;
using Microsoft.Data.Sqlite;

namespace Conclave.Mpc.Storage;

/// <summary>
/// The <see cref="IPresignatureLedger"/> of a node: the ids of used presignatures in the
/// <c>used_presignatures</c> table of the node's database (the same file as its
/// <see cref="ShareStore"/>), one row per id under a primary key. <see cref="TryMarkUsed"/> inserts
/// inside a transaction and returns only after the commit is on disk (<c>synchronous=FULL</c>).
/// <para>
/// The ledger is monotonic state: it MUST NOT be restored from a backup older than the
/// presignatures it guards. A rolled-back ledger forgets ids, and a presignature restored alongside
/// could then sign a second time, which leaks the key share. Back up presignatures separately (or
/// not at all) and never roll this database back behind them.
/// </para>
/// Safe for concurrent callers in this process (calls are serialized) and across processes (SQLite's
/// write lock plus the primary key).
/// </summary>
[DebuggerDisplay("SqlitePresignatureLedger({DatabasePath})")]
public sealed class SqlitePresignatureLedger : IPresignatureLedger, IDisposable
{
    /// <summary>Bytes in a presignature id.</summary>
    public const int IdLength = 32;

    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();
    private bool _disposed;

    private SqlitePresignatureLedger(string databasePath, SqliteConnection connection)
    {
        DatabasePath = databasePath;
        _connection = connection;
    }

    /// <summary>The full path of the node database.</summary>
    public string DatabasePath { get; }

    /// <summary>
    /// Opens the ledger in the node database at <paramref name="databasePath"/>, creating the file
    /// (mode 0600) and schema if needed. Synchronous, like <see cref="IPresignatureLedger"/>.
    /// </summary>
    public static SqlitePresignatureLedger Open(string databasePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        var path = Path.GetFullPath(databasePath);
        return new SqlitePresignatureLedger(path, NodeDatabase.Open(path));
    }

    /// <inheritdoc />
    public bool TryMarkUsed(ReadOnlySpan<byte> presignatureId)
    {
        if (presignatureId.Length != IdLength)
        {
            throw new ArgumentException($"A presignature id is {IdLength} bytes.", nameof(presignatureId));
        }

        var id = presignatureId.ToArray();
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var transaction = _connection.BeginTransaction();
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO used_presignatures (id) VALUES ($id) ON CONFLICT (id) DO NOTHING;";
            command.Parameters.AddWithValue("$id", id);
            var inserted = command.ExecuteNonQuery() == 1;
            transaction.Commit();
            return inserted;
        }
    }

    /// <summary>Closes the ledger's connection.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                _disposed = true;
                _connection.Dispose();
            }
        }
    }
}

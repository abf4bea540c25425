using Microsoft.Data.Sqlite;

namespace Conclave.Mpc.Storage.Internal;

/// <summary>
/// The node's SQLite database: how a connection is opened (WAL, <c>synchronous=FULL</c>, so a
/// committed transaction survives a crash or power loss) and its schema, shared by
/// <see cref="ShareStore"/> and <see cref="SqlitePresignatureLedger"/>.
/// </summary>
internal static class NodeDatabase
{
    /// <summary>The schema version kept in <c>PRAGMA user_version</c>.</summary>
    public const int SchemaVersion = 1;

    /// <summary>The schema, then the version stamp (PRAGMA takes no parameters; both are constants).</summary>
    public const string CreateSchema = Schema + "PRAGMA user_version = 1;";

    public const string Schema = """
        CREATE TABLE IF NOT EXISTS node (
            singleton        INTEGER PRIMARY KEY CHECK (singleton = 1),
            node_id          TEXT NOT NULL,
            wrapped_data_key BLOB NOT NULL
        ) STRICT;
        CREATE TABLE IF NOT EXISTS shares (
            wallet_id    TEXT NOT NULL,
            key_version  INTEGER NOT NULL CHECK (key_version >= 0),
            state        TEXT NOT NULL CHECK (state IN ('pending', 'committed')),
            sealed_share BLOB NOT NULL,
            PRIMARY KEY (wallet_id, key_version)
        ) STRICT;
        CREATE TABLE IF NOT EXISTS wallets (
            wallet_id TEXT PRIMARY KEY NOT NULL,
            metadata  TEXT NOT NULL
        ) STRICT;
        CREATE TABLE IF NOT EXISTS used_presignatures (
            id BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 32)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS presignatures (
            wallet_id        TEXT NOT NULL,
            id               BLOB NOT NULL CHECK (length(id) = 32),
            sealed_presignature BLOB NOT NULL,
            PRIMARY KEY (wallet_id, id)
        ) STRICT;
        CREATE TABLE IF NOT EXISTS membership (
            singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
            serial    INTEGER NOT NULL CHECK (serial >= 0)
        ) STRICT;
        """;

    /// <summary>
    /// Opens (creating it owner-only, mode 0600, if absent) the database at <paramref name="path"/>,
    /// applies the connection settings and creates the schema. SQLite gives the -wal and -shm files
    /// the database file's permissions.
    /// </summary>
    public static SqliteConnection Open(string path)
    {
        CreateOwnerOnlyIfAbsent(path);
        var connection = new SqliteConnection(ConnectionString(path));
        try
        {
            connection.Open();
            Configure(connection);
            using var transaction = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "PRAGMA user_version;";
            var version = Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            CheckVersion(path, version);
            command.CommandText = CreateSchema;
            command.ExecuteNonQuery();
            transaction.Commit();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The async form of <see cref="Open"/>.</summary>
    public static async Task<SqliteConnection> OpenAsync(string path, CancellationToken cancellationToken)
    {
        CreateOwnerOnlyIfAbsent(path);
        var connection = new SqliteConnection(ConnectionString(path));
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            Configure(connection);
            var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var command = connection.CreateCommand();
                await using (command.ConfigureAwait(false))
                {
                    command.Transaction = transaction;
                    command.CommandText = "PRAGMA user_version;";
                    var version = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
                    CheckVersion(path, version);
                    command.CommandText = CreateSchema;
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static string ConnectionString(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        // Each store or ledger holds its connection for its lifetime; pooling would only keep files
        // open after disposal.
        Pooling = false,
    }.ToString();

    private static void Configure(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;";
        var mode = command.ExecuteScalar() as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"The node database could not switch to WAL journaling (it reports '{mode}').");
        }

        // FULL: a transaction is on disk when Commit returns (WAL's default NORMAL may lose the last
        // commits on power loss). busy_timeout: the store and the ledger hold separate connections.
        command.CommandText = "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;";
        command.ExecuteNonQuery();
    }

    private static void CheckVersion(string path, int version)
    {
        if (version > SchemaVersion)
        {
            throw new InvalidOperationException($"The node database '{path}' has schema version {version}; this build knows version {SchemaVersion} at most.");
        }
    }

    private static void CreateOwnerOnlyIfAbsent(string path)
    {
        if (OperatingSystem.IsWindows() || File.Exists(path))
        {
            return;
        }

        try
        {
            using var _ = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException) when (File.Exists(path))
        {
            // created concurrently by another opener: fine, SQLite initialises an empty file
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace Conclave.Testing;

/// <summary>
/// A throwaway PostgreSQL server (for a test class, or a benchmark run): its own cluster (<c>initdb</c>) in a temp
/// directory, listening on 127.0.0.1 only, on a free port, with a Unix socket in the temp directory,
/// trust authentication for the <c>conclave</c> role, and <c>fsync=on</c>. Tests get a fresh
/// database each from <see cref="CreateDatabaseAsync"/>. Disposing stops the server and deletes the
/// directory. Start one with <see cref="StartAsync"/>.
/// <para>
/// PostgreSQL refuses to run as root; when the tests do, the server binaries run as the
/// <c>postgres</c> OS user through <c>runuser</c>, and the temp directory is handed to that user.
/// The binaries are the newest <c>/usr/lib/postgresql/*/bin</c> (Debian), or <c>CONCLAVE_PG_BIN</c>.
/// If the server cannot start, every test of the class fails with the reason: nothing is skipped.
/// </para>
/// </summary>
public sealed class PostgresTestServer : IAsyncDisposable
{
    private const string User = "conclave";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly string _directory = Directory.CreateTempSubdirectory("conclave-pg-").FullName;
    private readonly bool _asRoot = Environment.UserName == "root";
    private string? _binDirectory;
    private bool _started;

    /// <summary>The TCP port on 127.0.0.1 the server listens on.</summary>
    public int Port { get; private set; }

    private string DataDirectory => Path.Combine(_directory, "data");

    private string LogFile => Path.Combine(_directory, "postgres.log");

    /// <summary>A connection string for <paramref name="database"/> on this server.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = User,
        Database = database,
        Pooling = true,
    }.ToString();

    /// <summary>Creates an empty database with a fresh random name and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var name = "kms_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return ConnectionString(name);
    }

    private PostgresTestServer()
    {
    }

    /// <summary>Creates the cluster and starts the server; throws with the reason (and the server log) if it cannot.</summary>
    public static async Task<PostgresTestServer> StartAsync()
    {
        var server = new PostgresTestServer();
        try
        {
            await server.InitializeAsync().ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task InitializeAsync()
    {
        _binDirectory = FindBinDirectory();
        if (_asRoot)
        {
            await RunAsync("chown", ["postgres:", _directory], asServerUser: false).ConfigureAwait(false);
        }

        await RunAsync(Path.Combine(_binDirectory, "initdb"), ["-D", DataDirectory, "-U", User, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"], asServerUser: true).ConfigureAwait(false);

        // The port is free when we look; another process could take it before the server binds it, so try a few.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            try
            {
                await RunAsync(
                    Path.Combine(_binDirectory, "pg_ctl"),
                    ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "20", "-o", $"-h 127.0.0.1 -p {Port.ToString(CultureInfo.InvariantCulture)} -k {_directory} -c fsync=on -c max_connections=100", "start"],
                    asServerUser: true).ConfigureAwait(false);
                _started = true;
                break;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }

        await WaitUntilAcceptingAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            NpgsqlConnection.ClearAllPools();
            if (_started && _binDirectory is not null)
            {
                await RunAsync(Path.Combine(_binDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "stop"], asServerUser: true).ConfigureAwait(false);
            }
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string FindBinDirectory()
    {
        if (Environment.GetEnvironmentVariable("CONCLAVE_PG_BIN") is { Length: > 0 } configured)
        {
            return configured;
        }

        const string Root = "/usr/lib/postgresql";
        var candidates = Directory.Exists(Root)
            ? Directory.GetDirectories(Root)
                .Where(d => File.Exists(Path.Combine(d, "bin", "initdb")) && int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out _))
                .OrderByDescending(d => int.Parse(Path.GetFileName(d), CultureInfo.InvariantCulture))
                .ToList()
            : [];
        return candidates.Count > 0
            ? Path.Combine(candidates[0], "bin")
            : throw new InvalidOperationException($"No PostgreSQL server binaries: no {Root}/*/bin/initdb (install the postgresql package, or set CONCLAVE_PG_BIN).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private async Task WaitUntilAcceptingAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false;Timeout=2");
                await using (connection.ConfigureAwait(false))
                {
                    await connection.OpenAsync().ConfigureAwait(false);
                    return;
                }
            }
            catch (NpgsqlException) when (deadline.Elapsed < StartTimeout)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }
    }

    private async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asServerUser)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        if (asServerUser && _asRoot)
        {
            start.FileName = "runuser";
            foreach (var argument in (string[])["-u", "postgres", "--", program])
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = program;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            var log = File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile).ConfigureAwait(false) : "";
            throw new InvalidOperationException(
                $"{start.FileName} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}:\n{await output.ConfigureAwait(false)}{await error.ConfigureAwait(false)}\n{log}");
        }

        await Task.WhenAll(output, error).ConfigureAwait(false);
    }
}

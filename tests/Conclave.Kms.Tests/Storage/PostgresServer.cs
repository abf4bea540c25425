using Conclave.Testing;

namespace Conclave.Kms.Tests.Storage;

/// <summary>
/// The xunit class fixture over <see cref="PostgresTestServer"/> (shared with the benchmarks): one
/// throwaway PostgreSQL server per test class, a fresh database per test. If the server cannot
/// start, every test of the class fails with the reason: nothing is skipped.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private PostgresTestServer? _server;

    /// <summary>The TCP port on 127.0.0.1 the server listens on.</summary>
    public int Port => Server.Port;

    private PostgresTestServer Server => _server ?? throw new InvalidOperationException("The PostgreSQL server is not started.");

    /// <summary>A connection string for <paramref name="database"/> on this server.</summary>
    public string ConnectionString(string database) => Server.ConnectionString(database);

    /// <summary>Creates an empty database with a fresh random name and returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default) => Server.CreateDatabaseAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask InitializeAsync() => _server = await PostgresTestServer.StartAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

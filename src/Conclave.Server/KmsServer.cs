using System.Text;
using Conclave.Kms.Envelope;
using Conclave.Kms.Service;
using Conclave.Kms.Storage;
using Conclave.Kms.Storage.Postgres;
using Conclave.Kms.Storage.Sqlite;
using Conclave.Kms.Tenants;
using Conclave.Mpc.Storage;
using Conclave.Server.Kms;
using Microsoft.Extensions.Logging;

namespace Conclave.Server;

/// <summary>
/// The KMS as a running server: root-key provider, store, principals, envelope keyring, service,
/// the AWS JSON API on 127.0.0.1 and a background loop for scheduled deletions and rotations.
/// <c>conclave server</c> runs one; <c>conclave up</c> runs one beside the MPC nodes.
/// </summary>
public sealed partial class KmsServer : IAsyncDisposable
{
    /// <summary>The account of the development principal <c>conclave up</c> creates.</summary>
    public const string DevelopmentAccount = "000000000000";

    private readonly IRootKeyProvider _root;
    private readonly IKmsStore _store;
    private readonly PrincipalFile _principals;
    private readonly TenantKeyring _keyring;
    private readonly KmsApiHost _api;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _maintenance;
    private readonly ILogger _log;
    private readonly TimeProvider _time;

    private KmsServer(IRootKeyProvider root, IKmsStore store, PrincipalFile principals, TenantKeyring keyring, KmsService service, KmsApiHost api, KmsServerOptions options, ILogger log)
    {
        _root = root;
        _store = store;
        _principals = principals;
        _keyring = keyring;
        Service = service;
        _api = api;
        _log = log;
        _time = options.Time;
        _maintenance = RunMaintenanceAsync(options.MaintenanceInterval, options.Time);
    }

    /// <summary>The API's base URL.</summary>
    public Uri Address => _api.Address;

    /// <summary>The service (for in-process callers and tests).</summary>
    public KmsService Service { get; }

    /// <summary>The principals.</summary>
    public PrincipalFile Principals => _principals;

    /// <summary>The store.</summary>
    public IKmsStore Store => _store;

    /// <summary>The development credentials, when <see cref="KmsServerOptions.CreateDevelopmentPrincipal"/> was set.</summary>
    public DevelopmentCredentials? Development { get; private set; }

    /// <summary>Starts the server. Throws <see cref="IOException"/> if the port is taken.</summary>
    public static async Task<KmsServer> StartAsync(KmsServerOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var log = loggerFactory.CreateLogger<KmsServer>();
        var directory = Path.GetFullPath(Path.Combine(options.DataDirectory, "kms"));
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var disposables = new Stack<IAsyncDisposable>();
        try
        {
            IRootKeyProvider root = options.RootKeyProvider switch
            {
                "software" => await SoftwareRootKeyProvider.OpenOrCreateAsync(Path.Combine(directory, "root.key"), cancellationToken).ConfigureAwait(false),
                "pkcs11" => Pkcs11RootKeyProvider.Open(Pkcs11RootKeyOptions.FromEnvironment()),
                _ => throw new ArgumentException($"Unknown root-key provider '{options.RootKeyProvider}' (software or pkcs11).", nameof(options)),
            };
            disposables.Push(new AsyncDisposer(() => (root as IDisposable)?.Dispose()));
            if (root is SoftwareRootKeyProvider)
            {
                LogSoftwareRoot(log, Path.Combine(directory, "root.key"));
            }

            IKmsStore store = options.Store switch
            {
                "sqlite" => await SqliteKmsStore.OpenAsync(Path.Combine(directory, "kms.db"), cancellationToken).ConfigureAwait(false),
                "postgres" => await PostgresKmsStore.OpenAsync(
                    options.PostgresConnectionString ?? throw new ArgumentException("The postgres store needs a connection string (CONCLAVE_KMS_POSTGRES).", nameof(options)),
                    cancellationToken).ConfigureAwait(false),
                _ => throw new ArgumentException($"Unknown store '{options.Store}' (sqlite or postgres).", nameof(options)),
            };
            disposables.Push(store);
            var principals = await PrincipalFile.OpenOrCreateAsync(Path.Combine(directory, "principals.json"), root, cancellationToken).ConfigureAwait(false);
            disposables.Push(new AsyncDisposer(principals.Dispose));
            var keyring = new TenantKeyring(root, store, options.Time);
            disposables.Push(new AsyncDisposer(keyring.Dispose));
            var service = new KmsService(store, keyring, options.Time, options.KeyMetadataMaxStaleness);
            var api = await KmsApiHost.StartAsync(principals, KmsServiceActions.Create(service), options.Time, loggerFactory, options.ApiPort, cancellationToken).ConfigureAwait(false);
            var server = new KmsServer(root, store, principals, keyring, service, api, options, log);
            if (options.CreateDevelopmentPrincipal)
            {
                server.Development = await server.EnsureDevelopmentPrincipalAsync(options.DataDirectory, cancellationToken).ConfigureAwait(false);
            }

            if (options.AuditCheckpointBridge is { } checkpointBridge)
            {
                server.StartAuditCheckpoints(checkpointBridge, options.AuditCheckpointInterval, options.AuditCheckpointWalletId);
            }

            LogStarted(log, api.Address, options.RootKeyProvider, options.Store);
            return server;
        }
        catch
        {
            while (disposables.TryPop(out var disposable))
            {
                await disposable.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>Stops the API and the maintenance loop, finishes queued commits, wipes keys from memory.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _api.DisposeAsync().ConfigureAwait(false);
        await _maintenance.ConfigureAwait(false);
        await StopAuditCheckpointsAsync().ConfigureAwait(false);
        _keyring.Dispose();
        _principals.Dispose();
        await _store.DisposeAsync().ConfigureAwait(false);
        (_root as IDisposable)?.Dispose();
        _stopping.Dispose();
    }

    private async Task<DevelopmentCredentials> EnsureDevelopmentPrincipalAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var existing = FindDevelopmentPrincipal();
        var principal = existing;
        var secret = existing is null ? null : _principals.RevealSecret(existing.AccessKeyId);
        if (principal is null || secret is null)
        {
            secret?.Dispose();
            (principal, secret) = await _principals.CreateAsync(DevelopmentAccount, DevelopmentUserName, cancellationToken).ConfigureAwait(false);
            LogDevelopmentPrincipal(_log, principal.AccessKeyId, DevelopmentAccount);
        }

        using (secret)
        {
            var exports = new[]
            {
                $"export AWS_ACCESS_KEY_ID={principal.AccessKeyId}",
                $"export AWS_SECRET_ACCESS_KEY={Encoding.ASCII.GetString(secret.Span)}",
                $"export AWS_ENDPOINT_URL_KMS={Address.ToString().TrimEnd('/')}",
                "export AWS_REGION=us-east-1",
            };
            var path = Path.GetFullPath(Path.Combine(dataDirectory, "dev-credentials.env"));
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            var stream = new FileStream(path, options);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes("# Conclave development credentials (conclave up). Not for production.\n" + string.Join('\n', exports) + "\n"), cancellationToken).ConfigureAwait(false);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            return new DevelopmentCredentials(principal.AccessKeyId, DevelopmentAccount, path, exports);
        }
    }

    private async Task RunMaintenanceAsync(TimeSpan interval, TimeProvider time)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            do
            {
                try
                {
                    var deleted = await Service.RunDueDeletionsAsync(_stopping.Token).ConfigureAwait(false);
                    var rotated = await Service.RunDueRotationsAsync(_stopping.Token).ConfigureAwait(false);
                    if (deleted + rotated > 0)
                    {
                        LogMaintenance(_log, deleted, rotated);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogMaintenanceFailed(_log, e.GetType().Name);
                }
            }
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(EventId = 4100, Level = LogLevel.Warning, Message = "KMS root key: software key file {Path} (development only: the root key sits on the same disk as the data it protects; use --root-key pkcs11 in production)")]
    private static partial void LogSoftwareRoot(ILogger logger, string path);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "KMS API serving on {Address} (root key {RootKey}, store {Store})")]
    private static partial void LogStarted(ILogger logger, Uri address, string rootKey, string store);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "KMS development principal {AccessKeyId} created in account {Account}")]
    private static partial void LogDevelopmentPrincipal(ILogger logger, string accessKeyId, string account);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "KMS maintenance: destroyed {Deleted} keys due for deletion, rotated {Rotated} keys")]
    private static partial void LogMaintenance(ILogger logger, int deleted, int rotated);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Error, Message = "KMS maintenance failed ({ExceptionType}); it runs again at the next interval")]
    private static partial void LogMaintenanceFailed(ILogger logger, string exceptionType);

    private sealed class AsyncDisposer(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }
}

using System.Security.Cryptography;
using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using BenchmarkDotNet.Attributes;
using Conclave.Kms.Api;
using Conclave.Kms.Service;
using Conclave.Kms.Tenants;
using Conclave.Server;
using Conclave.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using KmsActions = Conclave.Kms.Api.Actions;

namespace Conclave.Benchmarks;

/// <summary>
/// One <see cref="KmsServer"/> in this process (SQLite store, audit log on, software root key) on a
/// loopback port, driven by the official AWS SDK with the development principal, and the same calls
/// on <see cref="KmsServer.Service"/> without HTTP/SDK so the two shares can be told apart. The
/// baseline is System.Security.Cryptography.AesGcm encrypt+decrypt of the same 1 KiB.
/// </summary>
[MedianColumn]
[MinColumn]
[MaxColumn]
[Config(typeof(PercentileConfig))]
public class KmsApiBenchmarks
{
    /// <summary>How many calls the concurrent benchmarks keep in flight.</summary>
    public const int Concurrency = 32;

    /// <summary>How many operations one invocation of a concurrent benchmark runs.</summary>
    public const int Batch = 256;

    private KmsBenchHarness? _harness;
    private AesGcm? _aes;
    private readonly byte[] _nonce = new byte[12];
    private readonly byte[] _tag = new byte[16];
    private readonly byte[] _ciphertext = new byte[KmsBenchHarness.PlaintextSize];
    private readonly byte[] _decrypted = new byte[KmsBenchHarness.PlaintextSize];

    private KmsBenchHarness H => _harness!;

    [GlobalSetup]
    public void Setup()
    {
        _harness = KmsBenchHarness.StartAsync().GetAwaiter().GetResult();
        _aes = new AesGcm(RandomNumberGenerator.GetBytes(32), 16);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _aes?.Dispose();
        _harness?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _harness = null;
    }

    /// <summary>Raw AES-256-GCM of 1 KiB in process: encrypt then decrypt, no KMS.</summary>
    [Benchmark(Baseline = true)]
    public void RawAesGcm_EncryptDecrypt_1KiB()
    {
        RandomNumberGenerator.Fill(_nonce);
        _aes!.Encrypt(_nonce, H.Plaintext, _ciphertext, _tag);
        _aes.Decrypt(_nonce, _ciphertext, _tag, _decrypted);
    }

    /// <summary>One Encrypt and one Decrypt of 1 KiB through the SDK and HTTP (latency of the pair).</summary>
    [Benchmark]
    public Task Sdk_EncryptDecrypt_1KiB() => H.SdkEncryptDecryptAsync();

    /// <summary><see cref="Batch"/> Encrypt+Decrypt pairs through the SDK, <see cref="Concurrency"/> in flight; time per pair.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public Task Sdk_EncryptDecrypt_1KiB_32InFlight() => KmsBenchHarness.RunConcurrentAsync(Batch, Concurrency, H.SdkEncryptDecryptAsync);

    /// <summary>One ECDSA P-256 Sign (ECC_NIST_P256, RAW 32-byte digest message) through the SDK.</summary>
    [Benchmark]
    public Task Sdk_Sign_P256() => H.SdkSignAsync();

    /// <summary><see cref="Batch"/> P-256 Sign calls through the SDK, <see cref="Concurrency"/> in flight; time per signature.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public Task Sdk_Sign_P256_32InFlight() => KmsBenchHarness.RunConcurrentAsync(Batch, Concurrency, H.SdkSignAsync);

    /// <summary>The service in process (no HTTP, no SDK, no SigV4): one Encrypt+Decrypt pair of 1 KiB, with store and audit commit.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public Task Replay_EncryptDecrypt_1KiB_32InFlight() => KmsBenchHarness.RunConcurrentAsync(Batch, Concurrency, H.ReplayEncryptDecryptAsync);

    [Benchmark(OperationsPerInvoke = Batch)]
    public Task StubSdk_EncryptDecrypt_1KiB_32InFlight() => KmsBenchHarness.RunConcurrentAsync(Batch, Concurrency, H.StubSdkEncryptDecryptAsync);

    [Benchmark]
    public Task Service_EncryptDecrypt_1KiB() => H.ServiceEncryptDecryptAsync();

    /// <summary>The service in process, <see cref="Batch"/> pairs with <see cref="Concurrency"/> in flight; time per pair.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public Task Service_EncryptDecrypt_1KiB_32InFlight() => KmsBenchHarness.RunConcurrentAsync(Batch, Concurrency, H.ServiceEncryptDecryptAsync);

    /// <summary>The service in process: one P-256 Sign.</summary>
    [Benchmark]
    public Task Service_Sign_P256() => H.ServiceSignAsync();

    /// <summary>The service in process, <see cref="Batch"/> P-256 Sign calls with <see cref="Concurrency"/> in flight; time per signature.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public Task Service_Sign_P256_32InFlight() => KmsBenchHarness.RunConcurrentAsync(Batch, Concurrency, H.ServiceSignAsync);

    private sealed class PercentileConfig : BenchmarkDotNet.Configs.ManualConfig
    {
        public PercentileConfig() => AddColumn(BenchmarkDotNet.Columns.StatisticColumn.P95, BenchmarkDotNet.Columns.StatisticColumn.OperationsPerSecond);
    }
}

/// <summary>
/// A <see cref="KmsServer"/> in a temporary data directory with the development principal, an SDK
/// client for it, a SYMMETRIC_DEFAULT key and an ECC_NIST_P256 SIGN_VERIFY key. Shared by
/// <see cref="KmsApiBenchmarks"/> and the <c>kms-load</c> mode of <see cref="Program"/>.
/// </summary>
public sealed class KmsBenchHarness : IAsyncDisposable
{
    /// <summary>The plaintext size of the Encrypt/Decrypt benchmarks.</summary>
    public const int PlaintextSize = 1024;

    private readonly string _directory;
    private readonly KmsServer _server;
    private PostgresTestServer? _postgres;
    private readonly AmazonKeyManagementServiceClient _client;
    private readonly KmsPrincipal _principal;
    private readonly string _symmetricKeyId;
    private readonly string _signingKeyId;
    private readonly byte[] _digest = RandomNumberGenerator.GetBytes(32);
    private KmsRequestReplay? _replay;
    private AmazonKeyManagementServiceClient? _stubClient;
    private long _requests;

    private KmsBenchHarness(string directory, KmsServer server, AmazonKeyManagementServiceClient client, KmsPrincipal principal, string symmetricKeyId, string signingKeyId)
    {
        _directory = directory;
        _server = server;
        _client = client;
        _principal = principal;
        _symmetricKeyId = symmetricKeyId;
        _signingKeyId = signingKeyId;
    }

    /// <summary>The 1 KiB plaintext.</summary>
    public byte[] Plaintext { get; } = RandomNumberGenerator.GetBytes(PlaintextSize);

    /// <summary>
    /// Starts the server in a fresh temporary directory and creates the two keys through the SDK. With
    /// <paramref name="postgres"/>, the KMS store is PostgreSQL: a throwaway real server
    /// (<see cref="PostgresTestServer"/>: initdb in a temp directory, 127.0.0.1 on a free port,
    /// fsync on), stopped and deleted when the harness is disposed.
    /// </summary>
    public static async Task<KmsBenchHarness> StartAsync(bool postgres = false)
    {
        var directory = Directory.CreateTempSubdirectory("conclave-kms-bench-").FullName;
        PostgresTestServer? postgresServer = null;
        string? connectionString = null;
        if (postgres)
        {
            postgresServer = await PostgresTestServer.StartAsync().ConfigureAwait(false);
            connectionString = await postgresServer.CreateDatabaseAsync().ConfigureAwait(false);
        }

        var server = await KmsServer.StartAsync(new KmsServerOptions
        {
            DataDirectory = directory,
            Store = postgres ? "postgres" : "sqlite",
            PostgresConnectionString = connectionString,
            ApiPort = 0,
            CreateDevelopmentPrincipal = true,
            // CONCLAVE_BENCH_NO_METADATA_CACHE=1 measures the store-read path as it was before the cache.
            KeyMetadataMaxStaleness = Environment.GetEnvironmentVariable("CONCLAVE_BENCH_NO_METADATA_CACHE") == "1" ? TimeSpan.Zero : KmsService.DefaultKeyMetadataMaxStaleness,
        }, NullLoggerFactory.Instance);
        var akid = server.Development!.AccessKeyId;
        string secret;
        using (var bytes = server.Principals.RevealSecret(akid)!)
        {
            secret = Encoding.ASCII.GetString(bytes.Span);
        }

        var client = new AmazonKeyManagementServiceClient(
            new BasicAWSCredentials(akid, secret),
            new AmazonKeyManagementServiceConfig { ServiceURL = server.Address.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        var principal = server.Principals.List().Single(p => p.AccessKeyId == akid);
        var symmetric = await client.CreateKeyAsync(new CreateKeyRequest { Description = "bench symmetric", KeySpec = KeySpec.SYMMETRIC_DEFAULT, KeyUsage = KeyUsageType.ENCRYPT_DECRYPT });
        var signing = await client.CreateKeyAsync(new CreateKeyRequest { Description = "bench p256", KeySpec = KeySpec.ECC_NIST_P256, KeyUsage = KeyUsageType.SIGN_VERIFY });
        var harness = new KmsBenchHarness(directory, server, client, principal, symmetric.KeyMetadata.KeyId, signing.KeyMetadata.KeyId) { _postgres = postgresServer };
        // One call of each kind so the first measured call does not pay for connection setup and key loading.
        await harness.SdkEncryptDecryptAsync();
        await harness.SdkSignAsync();
        await harness.ServiceEncryptDecryptAsync();
        await harness.ServiceSignAsync();
        // Record one signed Encrypt, Decrypt and Sign (and their answers) for the replay and stub scenarios.
        var replay = harness._replay = new KmsRequestReplay();
        using (var recording = new AmazonKeyManagementServiceClient(
            new BasicAWSCredentials(akid, secret),
            new AmazonKeyManagementServiceConfig { ServiceURL = server.Address.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0, HttpClientFactory = replay }))
        {
            var recorded = await recording.EncryptAsync(new EncryptRequest { KeyId = harness._symmetricKeyId, Plaintext = new MemoryStream(harness.Plaintext, writable: false) });
            await recording.DecryptAsync(new DecryptRequest { CiphertextBlob = recorded.CiphertextBlob });
            await recording.SignAsync(new SignRequest { KeyId = harness._signingKeyId, Message = new MemoryStream(harness._digest, writable: false), MessageType = MessageType.DIGEST, SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256 });
        }

        await replay.StartStubAsync();
        harness._stubClient = new AmazonKeyManagementServiceClient(
            new BasicAWSCredentials(akid, secret),
            new AmazonKeyManagementServiceConfig { ServiceURL = replay.StubAddress!.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        await harness.ReplayEncryptDecryptAsync();
        await harness.StubSdkEncryptDecryptAsync();
        return harness;
    }

    /// <summary>
    /// The recorded SDK Encrypt and Decrypt requests sent again with a plain HttpClient: the server's
    /// whole work (SigV4 included) without the SDK's client-side cost. Valid for 5 minutes after start.
    /// </summary>
    public async Task ReplayEncryptDecryptAsync()
    {
        await _replay!.ReplayAsync("Encrypt").ConfigureAwait(false);
        await _replay.ReplayAsync("Decrypt").ConfigureAwait(false);
    }

    /// <summary>The recorded P-256 Sign request sent again with a plain HttpClient.</summary>
    public Task ReplaySignAsync() => _replay!.ReplayAsync("Sign");

    /// <summary>SDK Encrypt + Decrypt against a stub that answers recorded responses: the SDK's own cost (plus a bare Kestrel).</summary>
    public async Task StubSdkEncryptDecryptAsync()
    {
        var encrypted = await _stubClient!.EncryptAsync(new EncryptRequest { KeyId = _symmetricKeyId, Plaintext = new MemoryStream(Plaintext, writable: false) }).ConfigureAwait(false);
        var decrypted = await _stubClient.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob }).ConfigureAwait(false);
        if (decrypted.Plaintext.Length != PlaintextSize)
        {
            throw new InvalidOperationException("The stub answered a plaintext of the wrong size.");
        }
    }

    /// <summary>Encrypt then Decrypt of <see cref="Plaintext"/> through the SDK; throws if the round trip fails.</summary>
    public async Task SdkEncryptDecryptAsync()
    {
        var encrypted = await _client.EncryptAsync(new EncryptRequest { KeyId = _symmetricKeyId, Plaintext = new MemoryStream(Plaintext, writable: false) }).ConfigureAwait(false);
        var decrypted = await _client.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob }).ConfigureAwait(false);
        if (decrypted.Plaintext.Length != PlaintextSize)
        {
            throw new InvalidOperationException("Decrypt answered a plaintext of the wrong size.");
        }
    }

    /// <summary>One ECDSA P-256 signature of a 32-byte digest through the SDK.</summary>
    public async Task SdkSignAsync()
    {
        var signed = await _client.SignAsync(new SignRequest
        {
            KeyId = _signingKeyId,
            Message = new MemoryStream(_digest, writable: false),
            MessageType = MessageType.DIGEST,
            SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256,
        }).ConfigureAwait(false);
        if (signed.Signature.Length == 0)
        {
            throw new InvalidOperationException("Sign answered an empty signature.");
        }
    }

    /// <summary>Encrypt then Decrypt on the service in process (no HTTP).</summary>
    public async Task ServiceEncryptDecryptAsync()
    {
        var encrypted = await _server.Service.EncryptAsync(Context(), new KmsActions.EncryptRequest { KeyId = _symmetricKeyId, Plaintext = Plaintext }).ConfigureAwait(false);
        var decrypted = await _server.Service.DecryptAsync(Context(), new KmsActions.DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob }).ConfigureAwait(false);
        if (decrypted.Plaintext.Length != PlaintextSize)
        {
            throw new InvalidOperationException("Decrypt answered a plaintext of the wrong size.");
        }
    }

    /// <summary>One P-256 signature on the service in process (no HTTP).</summary>
    public async Task ServiceSignAsync()
    {
        var signed = await _server.Service.SignAsync(Context(), new KmsActions.SignRequest
        {
            KeyId = _signingKeyId,
            Message = _digest,
            MessageType = "DIGEST",
            SigningAlgorithm = "ECDSA_SHA_256",
        }).ConfigureAwait(false);
        if (signed.Signature.Length == 0)
        {
            throw new InvalidOperationException("Sign answered an empty signature.");
        }
    }

    /// <summary>Runs <paramref name="count"/> operations with at most <paramref name="concurrency"/> in flight.</summary>
    public static Task RunConcurrentAsync(int count, int concurrency, Func<Task> operation) =>
        Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (_, _) => await operation().ConfigureAwait(false));

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        _stubClient?.Dispose();
        if (_replay is not null)
        {
            await _replay.DisposeAsync().ConfigureAwait(false);
        }

        await _server.DisposeAsync().ConfigureAwait(false);
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync().ConfigureAwait(false);
        }

        Directory.Delete(_directory, recursive: true);
    }

    private KmsCallContext Context() => new(_principal, "us-east-1", $"bench-{Interlocked.Increment(ref _requests)}");
}

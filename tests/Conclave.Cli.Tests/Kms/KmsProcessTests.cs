using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Conclave.Cli.Tests.Up;
using Microsoft.Data.Sqlite;

namespace Conclave.Cli.Tests.Kms;

/// <summary>
/// The KMS as users run it: real <c>conclave up</c> / <c>conclave server</c> processes on free
/// loopback ports, driven by the official AWS SDK with the printed development credentials.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class KmsProcessTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "conclave-kms-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task Up_prints_working_credentials_and_keys_survive_a_restart()
    {
        var data = Path.Combine(_dir, "data");
        var port = ConclaveProcess.FreePort();
        string keyId;
        byte[] blob;
        string exports;
        using (var up = new ConclaveProcess("up", "--data-dir", data, "--bridge-port", ConclaveProcess.FreePort().ToString(CultureInfo.InvariantCulture), "--api-port", port.ToString(CultureInfo.InvariantCulture)))
        {
            await up.WaitForLineAsync("Press Ctrl-C to stop.", StartTimeout);
            exports = up.Output;
            Assert.Contains($"export AWS_ENDPOINT_URL_KMS=http://127.0.0.1:{port}", exports, StringComparison.Ordinal);
            Assert.Contains("export AWS_REGION=us-east-1", exports, StringComparison.Ordinal);
            using var kms = Client(exports);
            keyId = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "process test" }, Ct)).KeyMetadata.KeyId;
            blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream([1, 2, 3]) }, Ct)).CiphertextBlob.ToArray();
            Assert.Equal(0, await up.InterruptAsync(TimeSpan.FromSeconds(60)));
        }

        var envFile = Path.Combine(data, "dev-credentials.env");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(envFile));
        Assert.Equal(Value(exports, "AWS_SECRET_ACCESS_KEY"), Value(await File.ReadAllTextAsync(envFile, Ct), "AWS_SECRET_ACCESS_KEY"));

        using (var up = new ConclaveProcess("up", "--data-dir", data, "--bridge-port", ConclaveProcess.FreePort().ToString(CultureInfo.InvariantCulture), "--api-port", port.ToString(CultureInfo.InvariantCulture)))
        {
            await up.WaitForLineAsync("Press Ctrl-C to stop.", StartTimeout);
            Assert.Equal(Value(exports, "AWS_ACCESS_KEY_ID"), Value(up.Output, "AWS_ACCESS_KEY_ID"));
            using var kms = Client(up.Output);
            var decrypted = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }, Ct);
            Assert.Equal(new byte[] { 1, 2, 3 }, decrypted.Plaintext.ToArray());
            Assert.EndsWith(keyId, decrypted.KeyId, StringComparison.Ordinal);
            Assert.Equal(0, await up.InterruptAsync(TimeSpan.FromSeconds(60)));
        }

        using var verify = new ConclaveProcess("audit", "verify", "--data-dir", data);
        await verify.WaitForLineAsync("records verified", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_server_killed_during_a_burst_keeps_every_acknowledged_key_and_ciphertext_and_its_audit_chain()
    {
        var data = Path.Combine(_dir, "data");
        var port = ConclaveProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        var keys = new ConcurrentBag<string>();
        var ciphertexts = new ConcurrentBag<(byte[] Blob, byte[] Plaintext)>();
        string output;
        using (var server = new ConclaveProcess("server", "--data-dir", data, "--api-port", port, "--dev-principal"))
        {
            await server.WaitForLineAsync("ready kms=", StartTimeout);
            output = server.Output;
            using var kms = Client(output);
            var seed = (await kms.CreateKeyAsync(new CreateKeyRequest(), Ct)).KeyMetadata.KeyId;
            keys.Add(seed);
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        if (worker % 2 == 0)
                        {
                            keys.Add((await kms.CreateKeyAsync(new CreateKeyRequest(), CancellationToken.None)).KeyMetadata.KeyId);
                        }
                        else
                        {
                            var plaintext = RandomNumberGenerator.GetBytes(64);
                            var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = seed, Plaintext = new MemoryStream(plaintext) }, CancellationToken.None)).CiphertextBlob.ToArray();
                            ciphertexts.Add((blob, plaintext));
                        }
                    }
                    catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException or TaskCanceledException or AmazonClientException)
                    {
                        return; // the server died under us: what was acknowledged before counts
                    }
                }
            }, CancellationToken.None)).ToList();
            await Task.Delay(TimeSpan.FromSeconds(2), Ct);
            Assert.True(ConclaveProcess.KillWhereCommandLineContains(data) >= 1);
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }

        Assert.True(keys.Count > 5, $"only {keys.Count} keys were acknowledged before the kill");
        Assert.True(ciphertexts.Count > 5, $"only {ciphertexts.Count} ciphertexts were acknowledged before the kill");
        using (var server = new ConclaveProcess("server", "--data-dir", data, "--api-port", port, "--dev-principal"))
        {
            await server.WaitForLineAsync("ready kms=", StartTimeout);
            using var kms = Client(server.Output);
            foreach (var key in keys)
            {
                Assert.Equal(KeyState.Enabled, (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key }, Ct)).KeyMetadata.KeyState);
            }

            foreach (var (blob, plaintext) in ciphertexts)
            {
                Assert.Equal(plaintext, (await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }, Ct)).Plaintext.ToArray());
            }

            Assert.Equal(0, await server.InterruptAsync(TimeSpan.FromSeconds(60)));
        }

        using (var verify = new ConclaveProcess("audit", "verify", "--data-dir", data))
        {
            await verify.WaitForLineAsync("records verified", TimeSpan.FromSeconds(30));
        }

        // Rewrite one audit record in place: verify names its position.
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(data, "kms", "kms.db")};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE kms_audit SET outcome = 'AccessDeniedException' WHERE seq = 5";
            Assert.Equal(1, await command.ExecuteNonQueryAsync(Ct));
        }

        using var tampered = new ConclaveProcess("audit", "verify", "--data-dir", data);
        await tampered.WaitForLineAsync("FAILED at record 5", TimeSpan.FromSeconds(30));
    }

    private static AmazonKeyManagementServiceClient Client(string exports) => new(
        new BasicAWSCredentials(Value(exports, "AWS_ACCESS_KEY_ID"), Value(exports, "AWS_SECRET_ACCESS_KEY")),
        new AmazonKeyManagementServiceConfig { ServiceURL = Value(exports, "AWS_ENDPOINT_URL_KMS"), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

    private static string Value(string text, string name)
    {
        var marker = $"export {name}=";
        var start = text.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(start >= 0, $"{name} was not printed");
        start += marker.Length;
        var end = text.IndexOfAny(['\n', '\r'], start);
        return (end < 0 ? text[start..] : text[start..end]).Trim();
    }
}

using System.CommandLine;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Conclave.Kms.Api;
using Conclave.Kms.Crypto;

namespace Conclave.Cli.Keys;

/// <summary>
/// <c>conclave keys list|create|describe|public-key</c>: a client of the KMS API through the official
/// AWS SDK. Credentials come from <c>AWS_ACCESS_KEY_ID</c> / <c>AWS_SECRET_ACCESS_KEY</c> (as
/// <c>conclave up</c> prints them), the endpoint from <c>--endpoint-url</c>, else
/// <c>AWS_ENDPOINT_URL_KMS</c>, else <c>AWS_ENDPOINT_URL</c>, else http://127.0.0.1:7600; the
/// region from <c>AWS_REGION</c> (default us-east-1).
/// Exit codes: 0 done, 1 the request failed (the KMS error or the connection problem on one line), 2 usage.
/// </summary>
internal static class KeysCommand
{
    internal const string DefaultEndpoint = "http://127.0.0.1:7600";

    private static readonly JsonWriterOptions Indented = new() { Indented = true };

    internal static Command Create()
    {
        var endpoint = new Option<string?>("--endpoint-url") { Description = "The KMS endpoint (default: AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL, then " + DefaultEndpoint + ").", Recursive = true };
        var keys = new Command("keys", "Manage KMS keys through the KMS API (credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).");
        keys.Options.Add(endpoint);

        var list = new Command("list", "List the key ids and ARNs of the caller's account.");
        list.SetAction((parse, ct) => RunAsync(parse.GetValue(endpoint), (kms, stdout) => ListAsync(kms, stdout, ct), ct));
        keys.Subcommands.Add(list);

        var keySpec = new Option<string>("--key-spec") { Description = "Key spec (AWS names), e.g. SYMMETRIC_DEFAULT, ECC_SECG_P256K1, ECC_NIST_EDWARDS25519, RSA_2048.", DefaultValueFactory = _ => "SYMMETRIC_DEFAULT" };
        var keyUsage = new Option<string?>("--key-usage") { Description = "ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC or KEY_AGREEMENT (default: SIGN_VERIFY for ECC keys, else ENCRYPT_DECRYPT)." };
        var description = new Option<string?>("--description") { Description = "A description of the key." };
        var create = new Command("create", "Create a key and print its KeyMetadata as JSON.");
        create.Options.Add(keySpec);
        create.Options.Add(keyUsage);
        create.Options.Add(description);
        create.SetAction((parse, ct) =>
        {
            var spec = parse.GetRequiredValue(keySpec);
            var usage = parse.GetValue(keyUsage) ?? (spec.StartsWith("ECC_", StringComparison.Ordinal) ? "SIGN_VERIFY" : spec.StartsWith("HMAC_", StringComparison.Ordinal) ? "GENERATE_VERIFY_MAC" : "ENCRYPT_DECRYPT");
            var request = new CreateKeyRequest { KeySpec = spec, KeyUsage = usage, Description = parse.GetValue(description) };
            return RunAsync(parse.GetValue(endpoint), async (kms, stdout) => await WriteMetadataAsync(stdout, (await kms.CreateKeyAsync(request, ct).ConfigureAwait(false)).KeyMetadata).ConfigureAwait(false), ct);
        });
        keys.Subcommands.Add(create);

        var describeId = new Argument<string>("key-id") { Description = "Key id, key ARN, alias name or alias ARN." };
        var describe = new Command("describe", "Print a key's KeyMetadata as JSON.");
        describe.Arguments.Add(describeId);
        describe.SetAction((parse, ct) => RunAsync(
            parse.GetValue(endpoint),
            async (kms, stdout) => await WriteMetadataAsync(stdout, (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = parse.GetRequiredValue(describeId) }, ct).ConfigureAwait(false)).KeyMetadata).ConfigureAwait(false),
            ct));
        keys.Subcommands.Add(describe);

        var publicKeyId = new Argument<string>("key-id") { Description = "Key id, key ARN, alias name or alias ARN of an asymmetric key." };
        var raw = new Option<bool>("--raw") { Description = "Print the raw public key in hex (32-byte Ed25519, compressed EC point) instead of the PEM SubjectPublicKeyInfo." };
        var publicKey = new Command("public-key", "Print a key's public key: PEM SubjectPublicKeyInfo, or with --raw the raw form in hex.");
        publicKey.Arguments.Add(publicKeyId);
        publicKey.Options.Add(raw);
        publicKey.SetAction((parse, ct) => RunAsync(
            parse.GetValue(endpoint),
            (kms, stdout) => PublicKeyAsync(kms, parse.GetRequiredValue(publicKeyId), parse.GetValue(raw), stdout, ct),
            ct));
        keys.Subcommands.Add(publicKey);
        return keys;
    }

    /// <summary>Builds the client from the environment and runs <paramref name="action"/>, turning every expected failure into one line on stderr and exit 1.</summary>
    private static async Task<int> RunAsync(string? endpointOption, Func<IAmazonKeyManagementService, TextWriter, Task> action, CancellationToken cancellationToken)
    {
        var stderr = Console.Error;
        var accessKey = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
        var secretKey = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
        if (string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(secretKey))
        {
            await stderr.WriteLineAsync("keys: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (conclave up prints them; see <data-dir>/dev-credentials.env)").ConfigureAwait(false);
            return 1;
        }

        var endpoint = endpointOption
            ?? NonEmpty(Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_KMS"))
            ?? NonEmpty(Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL"))
            ?? DefaultEndpoint;
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            await stderr.WriteLineAsync($"keys: the endpoint must be an http(s) URL, not '{endpoint}'").ConfigureAwait(false);
            return 2;
        }

        var region = NonEmpty(Environment.GetEnvironmentVariable("AWS_REGION")) ?? NonEmpty(Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION")) ?? "us-east-1";
        var config = new AmazonKeyManagementServiceConfig { ServiceURL = uri.ToString(), AuthenticationRegion = region, MaxErrorRetry = 0, Timeout = TimeSpan.FromSeconds(30) };
        using var kms = new AmazonKeyManagementServiceClient(new BasicAWSCredentials(accessKey, secretKey), config);
        try
        {
            await action(kms, Console.Out).ConfigureAwait(false);
            return 0;
        }
        catch (AmazonServiceException e) when (e.StatusCode != 0 || e.ErrorCode is not null)
        {
            await stderr.WriteLineAsync($"keys: {e.ErrorCode ?? e.StatusCode.ToString()}: {CliFailure.OneLine(e)}").ConfigureAwait(false);
            return 1;
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or SocketException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync($"keys: cannot reach the KMS at {uri}: {CliFailure.OneLine(Innermost(e))}").ConfigureAwait(false);
            return 1;
        }
        catch (Exception e) when (e is InvalidOperationException or CryptographicException or KmsException)
        {
            await stderr.WriteLineAsync($"keys: {CliFailure.OneLine(e)}").ConfigureAwait(false);
            return 1;
        }
    }

    private static async Task ListAsync(IAmazonKeyManagementService kms, TextWriter stdout, CancellationToken cancellationToken)
    {
        string? marker = null;
        do
        {
            var page = await kms.ListKeysAsync(new ListKeysRequest { Marker = marker, Limit = 1000 }, cancellationToken).ConfigureAwait(false);
            foreach (var key in page.Keys ?? [])
            {
                await stdout.WriteLineAsync($"{key.KeyId}\t{key.KeyArn}").ConfigureAwait(false);
            }

            marker = page.Truncated == true ? page.NextMarker : null;
        }
        while (marker is not null);
    }

    private static async Task PublicKeyAsync(IAmazonKeyManagementService kms, string keyId, bool raw, TextWriter stdout, CancellationToken cancellationToken)
    {
        var response = await kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = keyId }, cancellationToken).ConfigureAwait(false);
        var spki = response.PublicKey.ToArray();
        if (!raw)
        {
            await stdout.WriteLineAsync(PemEncoding.WriteString("PUBLIC KEY", spki)).ConfigureAwait(false);
            return;
        }

        // The server's own decoding of a key spec's SubjectPublicKeyInfo (GetPublicKey's RawPublicKey member, which the SDK drops).
        using var handle = AsymmetricKeyHandle.FromPublicKey(response.KeySpec.Value, spki);
        var rawKey = handle.RawPublicKey() ?? throw new InvalidOperationException("RSA keys have no raw form; use the PEM (without --raw).");
        await stdout.WriteLineAsync(Convert.ToHexStringLower(rawKey)).ConfigureAwait(false);
    }

    /// <summary>The KeyMetadata with AWS's member names (as <c>aws kms describe-key</c> shows it).</summary>
    private static async Task WriteMetadataAsync(TextWriter stdout, KeyMetadata metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Indented))
        {
            json.WriteStartObject();
            WriteString(json, "AWSAccountId", metadata.AWSAccountId);
            WriteString(json, "KeyId", metadata.KeyId);
            WriteString(json, "Arn", metadata.Arn);
            if (metadata.CreationDate is { } created)
            {
                json.WriteString("CreationDate", created.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            }

            if (metadata.Enabled is { } enabled)
            {
                json.WriteBoolean("Enabled", enabled);
            }

            WriteString(json, "Description", metadata.Description);
            WriteString(json, "KeyUsage", metadata.KeyUsage?.Value);
            WriteString(json, "KeyState", metadata.KeyState?.Value);
            WriteString(json, "Origin", metadata.Origin?.Value);
            WriteString(json, "KeyManager", metadata.KeyManager?.Value);
            WriteString(json, "KeySpec", metadata.KeySpec?.Value);
            if (metadata.DeletionDate is { } deletion)
            {
                json.WriteString("DeletionDate", deletion.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            }

            WriteList(json, "EncryptionAlgorithms", metadata.EncryptionAlgorithms);
            WriteList(json, "SigningAlgorithms", metadata.SigningAlgorithms);
            WriteList(json, "MacAlgorithms", metadata.MacAlgorithms);
            WriteList(json, "KeyAgreementAlgorithms", metadata.KeyAgreementAlgorithms);
            json.WriteEndObject();
        }

        await stdout.WriteLineAsync(Encoding.UTF8.GetString(buffer.ToArray())).ConfigureAwait(false);

        static void WriteString(Utf8JsonWriter json, string name, string? value)
        {
            if (value is not null)
            {
                json.WriteString(name, value);
            }
        }

        static void WriteList(Utf8JsonWriter json, string name, List<string>? values)
        {
            if (values is { Count: > 0 })
            {
                json.WriteStartArray(name);
                foreach (var value in values)
                {
                    json.WriteStringValue(value);
                }

                json.WriteEndArray();
            }
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}

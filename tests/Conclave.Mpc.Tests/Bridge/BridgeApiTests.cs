using System.Globalization;
using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conclave.Crypto.Signatures;
using Conclave.Mpc.Node;
using Conclave.Mpc.Tests.Storage;
using Conclave.Testing;

namespace Conclave.Mpc.Tests.Bridge;

/// <summary>
/// The bridge API over HTTP (docs/bridge-api.md): a real <see cref="Conclave.Mpc.Bridge.BridgeHost"/>
/// on a loopback port over a real embedded three-node cluster. Most tests share one cluster with
/// two wallets (<see cref="BridgeFixture"/>); the failure tests (a stopped node, a silent node)
/// start their own small ed25519 cluster.
/// </summary>
public sealed class BridgeApiTests(BridgeFixture fixture) : IClassFixture<BridgeFixture>
{
    private static readonly BigInteger Secp256k1Order = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private BridgeServer Server => fixture.Server;

    [Fact]
    public void Ed25519_keygen_answers_every_field()
    {
        var (status, body) = fixture.Ed25519Keygen;
        Assert.Equal(HttpStatusCode.OK, status);
        AssertKeygenBody(body, BridgeFixture.Ed25519Wallet, "ed25519", 32, "solana");
    }

    [Fact]
    public void Secp256k1_keygen_answers_every_field_with_a_compressed_key()
    {
        var (status, body) = fixture.Secp256k1Keygen;
        Assert.Equal(HttpStatusCode.OK, status);
        AssertKeygenBody(body, BridgeFixture.Secp256k1Wallet, "secp256k1", 33, "ethereum");
        Assert.Matches("^0[23]", body["publicKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task Keygen_without_chainType_answers_without_chainType()
    {
        var (status, body) = await Server.PostAsync("/keygen", """{"walletID":"plain-1","keyType":"ed25519","threshold":3,"totalParties":3}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["walletID", "keyType", "publicKey", "threshold", "totalParties", "parties"], body.AsObject().Select(p => p.Key));
        Assert.Equal(3, body["threshold"]!.GetValue<int>());
    }

    [Fact]
    public async Task Ed25519_sign_verifies_independently_with_default_and_explicit_signers()
    {
        var publicKey = PublicKeyOf(fixture.Ed25519Keygen.Body);
        var message = RandomNumberGenerator.GetBytes(77);

        var (status, body) = await Server.PostAsync("/sign", $$"""{"walletID":"{{BridgeFixture.Ed25519Wallet}}","message":"{{Convert.ToHexStringLower(message)}}"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["walletID", "signature", "signers"], body.AsObject().Select(p => p.Key));
        Assert.Equal(BridgeFixture.Ed25519Wallet, body["walletID"]!.GetValue<string>());
        Assert.Equal(["node1", "node2"], Strings(body["signers"]));
        var signature = Hex(body["signature"], 64);
        Assert.True(IndependentVerifier.VerifyEd25519(publicKey, message, signature));

        (status, body) = await Server.PostAsync("/sign", $$"""{"walletID":"{{BridgeFixture.Ed25519Wallet}}","message":"0x{{Convert.ToHexString(message)}}","signers":["node3","node2"]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["node2", "node3"], Strings(body["signers"]));
        Assert.True(IndependentVerifier.VerifyEd25519(publicKey, message, Hex(body["signature"], 64)));
    }

    [Fact]
    public async Task Secp256k1_sign_gives_low_s_r_s_v_that_verify_and_recover_the_key()
    {
        var publicKey = PublicKeyOf(fixture.Secp256k1Keygen.Body);
        string[]?[] signerSets = [null, ["node1", "node3"], ["node1", "node2", "node3"]];
        foreach (var signers in signerSets)
        {
            var hash = RandomNumberGenerator.GetBytes(32);
            var signersJson = signers is null ? string.Empty : $",\"signers\":{JsonSerializer.Serialize(signers)}";
            var (status, body) = await Server.PostAsync("/sign", $$"""{"walletID":"{{BridgeFixture.Secp256k1Wallet}}","messageHash":"{{Convert.ToHexStringLower(hash)}}"{{signersJson}}}""");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(["walletID", "signature", "signers", "r", "s", "v"], body.AsObject().Select(p => p.Key));
            Assert.Equal(BridgeFixture.Secp256k1Wallet, body["walletID"]!.GetValue<string>());
            Assert.Equal(signers ?? ["node1", "node2"], Strings(body["signers"]));

            var signature = Hex(body["signature"], 64);
            var r = Hex(body["r"], 32);
            var s = Hex(body["s"], 32);
            Assert.Equal(signature, r.Concat(s));
            Assert.Equal(JsonValueKind.Number, body["v"]!.GetValueKind());
            var v = body["v"]!.GetValue<int>();
            Assert.InRange(v, 0, 1);
            Assert.True(new BigInteger(s, isUnsigned: true, isBigEndian: true) <= Secp256k1Order / 2);
            Assert.True(IndependentVerifier.VerifyEcdsaSecp256k1(publicKey, hash, signature));
            Assert.Equal(publicKey, EcdsaSecp256k1.Recover(hash, signature, v));
        }
    }

    [Fact]
    public async Task Secp256k1_sign_of_a_raw_message_is_over_sha256_of_it_computed_by_the_nodes()
    {
        var publicKey = PublicKeyOf(fixture.Secp256k1Keygen.Body);
        foreach (var hashField in new[] { string.Empty, ",\"hash\":\"sha256\"" })
        {
            var message = RandomNumberGenerator.GetBytes(77);
            var (status, body) = await Server.PostAsync("/sign", $$"""{"walletID":"{{BridgeFixture.Secp256k1Wallet}}","message":"{{Convert.ToHexStringLower(message)}}"{{hashField}}}""");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(["walletID", "signature", "signers", "r", "s", "v"], body.AsObject().Select(p => p.Key));
            var signature = Hex(body["signature"], 64);
            var digest = SHA256.HashData(message);
            Assert.True(IndependentVerifier.VerifyEcdsaSecp256k1(publicKey, digest, signature));
            Assert.Equal(publicKey, EcdsaSecp256k1.Recover(digest, signature, body["v"]!.GetValue<int>()));
        }
    }

    [Fact]
    public async Task Pubkey_answers_the_keygen_key()
    {
        foreach (var keygen in new[] { fixture.Ed25519Keygen.Body, fixture.Secp256k1Keygen.Body })
        {
            var walletId = keygen["walletID"]!.GetValue<string>();
            var (status, body) = await Server.GetAsync($"/pubkey/{walletId}");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(["walletID", "keyType", "publicKey"], body.AsObject().Select(p => p.Key));
            Assert.Equal(walletId, body["walletID"]!.GetValue<string>());
            Assert.Equal(keygen["keyType"]!.GetValue<string>(), body["keyType"]!.GetValue<string>());
            Assert.Equal(keygen["publicKey"]!.GetValue<string>(), body["publicKey"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Health_is_ok_with_every_node_reachable()
    {
        var (status, body) = await Server.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ok", body["status"]!.GetValue<string>());
        Assert.Equal(
            [("node1", true), ("node2", true), ("node3", true)],
            body["nodes"]!.AsArray().Select(n => (n!["id"]!.GetValue<string>(), n["reachable"]!.GetValue<bool>())));
    }

    public static TheoryData<string, string> MalformedRequests => new()
    {
        { "/keygen", "{\"walletID\":" },
        { "/keygen", "" },
        { "/keygen", "[1,2]" },
        { "/keygen", "\"w\"" },
        { "/keygen", "null" },
        { "/keygen", """{"walletID":"w9","walletID":"w8","keyType":"ed25519","threshold":2,"totalParties":3}""" },
        { "/sign", """{"walletID":"sol-1","message":"00","message":"01"}""" },
        { "/keygen", """{"walletID":"w9","keyType":"ed25519","threshold":"2","totalParties":3}""" },
        { "/keygen", """{"walletID":"w9","keyType":"ed25519","threshold":2.5,"totalParties":3}""" },
        { "/keygen", """{"walletID":9,"keyType":"ed25519","threshold":2,"totalParties":3}""" },
        { "/keygen", """{"walletID":"w9","keyType":"ed25519","threshold":2,"totalParties":3,"chainType":1}""" },
        { "/keygen", """{"keyType":"ed25519","threshold":2,"totalParties":3}""" },
        { "/keygen", """{"walletID":"w9","threshold":2,"totalParties":3}""" },
        { "/keygen", """{"walletID":"w9","keyType":"ed25519","totalParties":3}""" },
        { "/keygen", """{"walletID":"w9","keyType":"ed25519","threshold":2}""" },
        { "/keygen", """{"walletID":"w9","keyType":"ed25519","threshold":3,"totalParties":2}""" },
        { "/keygen", """{"walletID":"w9","keyType":"ed25519","threshold":1,"totalParties":3}""" },
        { "/keygen", """{"walletID":"w9","keyType":"ed25519","threshold":2,"totalParties":4}""" },
        { "/keygen", """{"walletID":"w9","keyType":"rsa","threshold":2,"totalParties":3}""" },
        { "/keygen", """{"walletID":"w9","keyType":"ed25519","threshold":2,"totalParties":3,"chainType":"a b"}""" },
        { "/keygen", """{"walletID":"bad id/..","keyType":"ed25519","threshold":2,"totalParties":3}""" },
        { "/keygen", """{"walletID":"","keyType":"ed25519","threshold":2,"totalParties":3}""" },
        { "/reshare", """{}""" },
        { "/reshare", """{"walletID":7}""" },
        { "/reshare", """{"walletID":"bad id/.."}""" },
        { "/reshare", """{"walletID":"sol-1","threshold":3}""" },
        { "/reshare", """{"walletID":"sol-1","parties":["node1","node2"]}""" },
        { "/reshare", """{"walletID":"sol-1","walletID":"eth-1"}""" },
        { "/sign", """{"message":"00"}""" },
        { "/sign", """{"walletID":"sol-1"}""" },
        { "/sign", """{"walletID":"bad id","message":"00"}""" },
        { "/sign", """{"walletID":"sol-1","message":"zz"}""" },
        { "/sign", """{"walletID":"sol-1","message":"abc"}""" },
        { "/sign", """{"walletID":"sol-1","message":42}""" },
        { "/sign", """{"walletID":"sol-1","message":"00","messageHash":"0000000000000000000000000000000000000000000000000000000000000000"}""" },
        { "/sign", """{"walletID":"sol-1","messageHash":"0000000000000000000000000000000000000000000000000000000000000000"}""" },
        { "/sign", """{"walletID":"eth-1","messageHash":"00"}""" },
        { "/sign", """{"walletID":"eth-1","messageHash":"000000000000000000000000000000000000000000000000000000000000000000"}""" },
        { "/sign", """{"walletID":"eth-1","message":"00","hash":"keccak256"}""" },
        { "/sign", """{"walletID":"eth-1","message":"00","hash":"md5"}""" },
        { "/sign", """{"walletID":"eth-1","message":"00","hash":7}""" },
        { "/sign", """{"walletID":"eth-1","messageHash":"0000000000000000000000000000000000000000000000000000000000000000","hash":"sha256"}""" },
        { "/sign", """{"walletID":"sol-1","message":"00","hash":"sha256"}""" },
        { "/sign", """{"walletID":"sol-1","message":"00","signers":["node1","node9"]}""" },
        { "/sign", """{"walletID":"sol-1","message":"00","signers":["node1"]}""" },
        { "/sign", """{"walletID":"sol-1","message":"00","signers":["node1","node1"]}""" },
        { "/sign", """{"walletID":"sol-1","message":"00","signers":["node1",2]}""" },
        { "/sign", """{"walletID":"sol-1","message":"00","signers":"node1,node2"}""" },
        { "/sign", """{"walletID":"eth-1","messageHash":"0000000000000000000000000000000000000000000000000000000000000000","signers":["node2","node2","node3"]}""" },
    };

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public async Task Malformed_requests_are_400_invalid_request(string path, string json)
    {
        var (status, body) = await Server.PostAsync(path, json);
        AssertError(status, body, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Malformed_wallet_id_in_the_pubkey_path_is_400()
    {
        var (status, body) = await Server.GetAsync("/pubkey/bad%20id");
        AssertError(status, body, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Reshare_keeps_each_wallets_public_key_and_answers_the_next_key_version()
    {
        foreach (var (walletId, keygen) in new[] { (BridgeFixture.Ed25519Wallet, fixture.Ed25519Keygen), (BridgeFixture.Secp256k1Wallet, fixture.Secp256k1Keygen) })
        {
            var (status, body) = await Server.PostAsync("/reshare", $$"""{"walletID":"{{walletId}}"}""");
            Assert.Equal(HttpStatusCode.OK, status);
            foreach (var field in new[] { "walletID", "keyType", "publicKey", "threshold", "totalParties", "chainType" })
            {
                Assert.Equal(keygen.Body[field]!.ToJsonString(), body[field]!.ToJsonString());
            }

            Assert.Equal(Strings(keygen.Body["parties"]), Strings(body["parties"]));
            var version = body["keyVersion"]!.GetValue<int>();
            Assert.True(version >= 2, $"key version {version}");
            var (_, pubkey) = await Server.GetAsync($"/pubkey/{walletId}");
            Assert.Equal(keygen.Body["publicKey"]!.GetValue<string>(), pubkey["publicKey"]!.GetValue<string>());
        }

        var message = RandomNumberGenerator.GetBytes(32);
        var (signStatus, signed) = await Server.PostAsync("/sign", $$"""{"walletID":"{{BridgeFixture.Ed25519Wallet}}","message":"{{Convert.ToHexStringLower(message)}}","signers":["node2","node3"]}""");
        Assert.Equal(HttpStatusCode.OK, signStatus);
        Assert.True(IndependentVerifier.VerifyEd25519(PublicKeyOf(fixture.Ed25519Keygen.Body), message, Hex(signed["signature"], 64)));
    }

    [Fact]
    public async Task Unknown_wallet_is_404_on_sign_and_pubkey()
    {
        var (status, body) = await Server.PostAsync("/reshare", """{"walletID":"nobody"}""");
        AssertError(status, body, HttpStatusCode.NotFound, "wallet_not_found");
        (status, body) = await Server.PostAsync("/sign", """{"walletID":"nobody","message":"00"}""");
        AssertError(status, body, HttpStatusCode.NotFound, "wallet_not_found");
        (status, body) = await Server.GetAsync("/pubkey/nobody");
        AssertError(status, body, HttpStatusCode.NotFound, "wallet_not_found");
    }

    [Fact]
    public async Task Keygen_of_an_existing_wallet_is_409_for_either_key_type()
    {
        foreach (var keyType in new[] { "ed25519", "secp256k1" })
        {
            var (status, body) = await Server.PostAsync("/keygen", $$"""{"walletID":"{{BridgeFixture.Ed25519Wallet}}","keyType":"{{keyType}}","threshold":2,"totalParties":3}""");
            AssertError(status, body, HttpStatusCode.Conflict, "wallet_exists");
        }

        var (_, pubkey) = await Server.GetAsync($"/pubkey/{BridgeFixture.Ed25519Wallet}");
        Assert.Equal(fixture.Ed25519Keygen.Body["publicKey"]!.GetValue<string>(), pubkey["publicKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task Concurrent_keygens_of_one_wallet_make_one_wallet_and_409s()
    {
        var json = """{"walletID":"race-1","keyType":"ed25519","threshold":2,"totalParties":3}""";
        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Server.PostAsync("/keygen", json)));
        var created = Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
        foreach (var (status, body) in answers.Where(a => a.Status != HttpStatusCode.OK))
        {
            AssertError(status, body, HttpStatusCode.Conflict, "wallet_exists");
        }

        var (_, pubkey) = await Server.GetAsync("/pubkey/race-1");
        Assert.Equal(created.Body["publicKey"]!.GetValue<string>(), pubkey["publicKey"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_256_KiB_is_413(bool withContentLength)
    {
        var json = $$"""{"walletID":"sol-1","message":"{{new string('0', 300 * 1024)}}"}""";
        using HttpContent content = withContentLength
            ? new StringContent(json, Encoding.UTF8, "application/json")
            : new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        if (!withContentLength)
        {
            content.Headers.ContentType = new("application/json");
            content.Headers.ContentLength = null;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/sign") { Content = content };
        if (!withContentLength)
        {
            request.Headers.TransferEncodingChunked = true;
        }

        using var response = await Server.Client.SendAsync(request, Ct);
        AssertError(response.StatusCode, await BridgeServer.ParseAsync(response), HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Theory]
    [InlineData("GET", "/")]
    [InlineData("GET", "/nope")]
    [InlineData("POST", "/pubkey/sol-1/extra")]
    [InlineData("GET", "/keygen")]
    [InlineData("POST", "/health")]
    public async Task Unknown_routes_are_404_json(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await Server.Client.SendAsync(request, Ct);
        AssertError(response.StatusCode, await BridgeServer.ParseAsync(response), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_stopped_node_degrades_health_blocks_a_full_keygen_and_leaves_2_of_3_signing()
    {
        using var dir = new TempDirectory();
        await using var server = await BridgeServer.StartAsync(dir.File("data"), options: null, Ct);
        var (status, keygen) = await server.PostAsync("/keygen", """{"walletID":"w1","keyType":"ed25519","threshold":2,"totalParties":3}""");
        Assert.Equal(HttpStatusCode.OK, status);

        await server.Cluster.Nodes[2].DisposeAsync();

        var (healthStatus, health) = await server.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, healthStatus);
        Assert.Equal("degraded", health["status"]!.GetValue<string>());
        Assert.Equal(
            [("node1", true), ("node2", true), ("node3", false)],
            health["nodes"]!.AsArray().Select(n => (n!["id"]!.GetValue<string>(), n["reachable"]!.GetValue<bool>())));

        var (noQuorum, error) = await server.PostAsync("/keygen", """{"walletID":"w2","keyType":"ed25519","threshold":2,"totalParties":3}""");
        AssertError(noQuorum, error, HttpStatusCode.ServiceUnavailable, "no_quorum");

        // Input errors still come first.
        (status, error) = await server.PostAsync("/keygen", """{"walletID":"w2","keyType":"rsa","threshold":2,"totalParties":3}""");
        AssertError(status, error, HttpStatusCode.BadRequest, "invalid_request");

        (noQuorum, error) = await server.PostAsync("/sign", """{"walletID":"w1","message":"00","signers":["node1","node3"]}""");
        AssertError(noQuorum, error, HttpStatusCode.ServiceUnavailable, "no_quorum");

        // A refresh needs every party.
        (noQuorum, error) = await server.PostAsync("/reshare", """{"walletID":"w1"}""");
        AssertError(noQuorum, error, HttpStatusCode.ServiceUnavailable, "no_quorum");

        var message = RandomNumberGenerator.GetBytes(40);
        foreach (var signers in new[] { string.Empty, ",\"signers\":[\"node1\",\"node2\"]" })
        {
            var (signStatus, signed) = await server.PostAsync("/sign", $$"""{"walletID":"w1","message":"{{Convert.ToHexStringLower(message)}}"{{signers}}}""");
            Assert.Equal(HttpStatusCode.OK, signStatus);
            Assert.Equal(["node1", "node2"], Strings(signed["signers"]));
            Assert.True(IndependentVerifier.VerifyEd25519(PublicKeyOf(keygen), message, Hex(signed["signature"], 64)));
        }

        // A 2-of-2 wallet among the two left still works.
        (status, keygen) = await server.PostAsync("/keygen", """{"walletID":"w3","keyType":"ed25519","threshold":2,"totalParties":2}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["node1", "node2"], Strings(keygen["parties"]));
    }

    [Fact]
    public async Task A_silent_signer_is_named_in_a_502_and_avoided_by_the_retry()
    {
        using var dir = new TempDirectory();
        var options = new MpcNodeOptions { RoundTimeout = TimeSpan.FromSeconds(2) };
        await using var server = await BridgeServer.StartAsync(dir.File("data"), options, Ct);
        var (status, keygen) = await server.PostAsync("/keygen", """{"walletID":"w1","keyType":"ed25519","threshold":2,"totalParties":3}""");
        Assert.Equal(HttpStatusCode.OK, status);

        server.Cluster.Network.Interceptor = (from, _, envelope) => from == "node2" ? null : envelope;

        var (abortStatus, error) = await server.PostAsync("/sign", """{"walletID":"w1","message":"00","signers":["node1","node2"]}""");
        AssertError(abortStatus, error, HttpStatusCode.BadGateway, "protocol_abort");
        Assert.Equal(["node2"], Strings(error["error"]!["culprits"]));

        var message = RandomNumberGenerator.GetBytes(10);
        var (signStatus, signed) = await server.PostAsync("/sign", $$"""{"walletID":"w1","message":"{{Convert.ToHexStringLower(message)}}"}""");
        Assert.Equal(HttpStatusCode.OK, signStatus);
        Assert.Equal(["node1", "node3"], Strings(signed["signers"]));
        Assert.True(IndependentVerifier.VerifyEd25519(PublicKeyOf(keygen), message, Hex(signed["signature"], 64)));
    }

    private static void AssertKeygenBody(JsonNode body, string walletId, string keyType, int keyBytes, string chainType)
    {
        Assert.Equal(["walletID", "keyType", "publicKey", "threshold", "totalParties", "parties", "chainType"], body.AsObject().Select(p => p.Key));
        Assert.Equal(walletId, body["walletID"]!.GetValue<string>());
        Assert.Equal(keyType, body["keyType"]!.GetValue<string>());
        Hex(body["publicKey"], keyBytes);
        Assert.Equal(JsonValueKind.Number, body["threshold"]!.GetValueKind());
        Assert.Equal(2, body["threshold"]!.GetValue<int>());
        Assert.Equal(JsonValueKind.Number, body["totalParties"]!.GetValueKind());
        Assert.Equal(3, body["totalParties"]!.GetValue<int>());
        Assert.Equal(["node1", "node2", "node3"], Strings(body["parties"]));
        Assert.Equal(chainType, body["chainType"]!.GetValue<string>());
    }

    /// <summary>An error answer: the status, and exactly <c>{"error":{"code","message"[,"culprits"]}}</c>, culprits only on a 502.</summary>
    private static void AssertError(HttpStatusCode status, JsonNode body, HttpStatusCode expectedStatus, string code)
    {
        Assert.Equal(expectedStatus, status);
        Assert.Equal(["error"], body.AsObject().Select(p => p.Key));
        var error = body["error"]!.AsObject();
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.String, error["message"]!.GetValueKind());
        Assert.NotEmpty(error["message"]!.GetValue<string>());
        Assert.Equal(
            expectedStatus == HttpStatusCode.BadGateway ? ["code", "message", "culprits"] : ["code", "message"],
            error.Select(p => p.Key));
    }

    /// <summary>A lowercase hex string of exactly <paramref name="bytes"/> bytes, decoded.</summary>
    private static byte[] Hex(JsonNode? node, int bytes)
    {
        Assert.NotNull(node);
        Assert.Equal(JsonValueKind.String, node.GetValueKind());
        var hex = node.GetValue<string>();
        Assert.Equal(bytes * 2, hex.Length);
        Assert.Matches("^[0-9a-f]+$", hex);
        return Convert.FromHexString(hex);
    }

    private static byte[] PublicKeyOf(JsonNode keygen) => Convert.FromHexString(keygen["publicKey"]!.GetValue<string>());

    private static List<string> Strings(JsonNode? node)
    {
        Assert.NotNull(node);
        return [.. node.AsArray().Select(n => n!.GetValue<string>())];
    }
}

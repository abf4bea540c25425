using System.Net;
using System.Text.Json.Nodes;
using Conclave.Mpc.Bridge;
using Conclave.Mpc.Node;
using Conclave.Mpc.Tests.Storage;
using Conclave.Testing;

namespace Conclave.Mpc.Tests.Bridge;

/// <summary>
/// One embedded three-node cluster behind one <see cref="BridgeHost"/> (port 0), with an ed25519
/// wallet and a secp256k1 wallet created once through <c>POST /keygen</c>: a CGGMP21 keygen takes
/// seconds, so the tests of a class share it. The keygen responses are kept for the tests to check.
/// </summary>
public sealed class BridgeFixture : IAsyncLifetime
{
    /// <summary>The ed25519 wallet (2-of-3, chainType "solana").</summary>
    public const string Ed25519Wallet = "sol-1";

    /// <summary>The secp256k1 wallet (2-of-3, chainType "ethereum").</summary>
    public const string Secp256k1Wallet = "eth-1";

    private readonly TempDirectory _directory = new();
    private BridgeServer? _server;

    /// <summary>The running bridge.</summary>
    public BridgeServer Server => _server ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>The status and body of the <c>POST /keygen</c> that made <see cref="Ed25519Wallet"/>.</summary>
    public (HttpStatusCode Status, JsonNode Body) Ed25519Keygen { get; private set; }

    /// <summary>The status and body of the <c>POST /keygen</c> that made <see cref="Secp256k1Wallet"/>.</summary>
    public (HttpStatusCode Status, JsonNode Body) Secp256k1Keygen { get; private set; }

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        var options = new MpcNodeOptions { PaillierKeySource = TestOnlySafePrimes.KeySource() };
        _server = await BridgeServer.StartAsync(_directory.File("data"), options, TestContext.Current.CancellationToken);
        Ed25519Keygen = await _server.PostAsync("/keygen", $$"""{"walletID":"{{Ed25519Wallet}}","keyType":"ed25519","threshold":2,"totalParties":3,"chainType":"solana"}""");
        Secp256k1Keygen = await _server.PostAsync("/keygen", $$"""{"walletID":"{{Secp256k1Wallet}}","keyType":"secp256k1","threshold":2,"totalParties":3,"chainType":"ethereum"}""");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _directory.Dispose();
    }
}

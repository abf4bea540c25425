using System.Security.Cryptography;
using Conclave.Crypto.Signatures;
using Conclave.Mpc.Coordination;
using Conclave.Mpc.Node;
using Conclave.Mpc.Tests.Storage;
using Conclave.Testing;

namespace Conclave.Mpc.Tests.Coordination;

/// <summary>secp256k1 (CGGMP21) wallets end to end through the coordinator of an embedded three-node cluster (test-only Paillier primes).</summary>
public sealed class EmbeddedClusterCggmpTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Keygen_sign_restart_sign_with_every_signature_verified_independently()
    {
        using var dir = new TempDirectory();
        var options = new MpcNodeOptions { PaillierKeySource = TestOnlySafePrimes.KeySource() };
        WalletInfo wallet;
        await using (var cluster = await EmbeddedCluster.StartAsync(dir.File("data"), options: options, cancellationToken: Ct))
        {
            wallet = await cluster.Coordinator.KeygenAsync("eth-1", KeyTypes.Secp256k1, 2, 3, "ethereum", Ct);
            Assert.Equal(66, wallet.PublicKey.Length);
            Assert.Equal("ethereum", wallet.ChainType);
            await SignAndCheck(cluster.Coordinator, wallet, null);
        }

        await using (var cluster = await EmbeddedCluster.StartAsync(dir.File("data"), options: options, cancellationToken: Ct))
        {
            await SignAndCheck(cluster.Coordinator, wallet, ["node2", "node3"]);
            await SignAndCheck(cluster.Coordinator, wallet, ["node1", "node2", "node3"]);
            var bothKinds = await Assert.ThrowsAsync<MpcRequestException>(() => cluster.Coordinator.SignAsync("eth-1", "00", new string('0', 64), null, Ct));
            Assert.Equal(MpcErrorCode.InvalidRequest, bothKinds.Code);
            var shortHash = await Assert.ThrowsAsync<MpcRequestException>(() => cluster.Coordinator.SignAsync("eth-1", null, "00", null, Ct));
            Assert.Equal(MpcErrorCode.InvalidRequest, shortHash.Code);
        }
    }

    private static async Task SignAndCheck(Coordinator coordinator, WalletInfo wallet, IReadOnlyList<string>? signers)
    {
        var hash = RandomNumberGenerator.GetBytes(32);
        var signed = await coordinator.SignAsync(wallet.WalletId, null, Convert.ToHexStringLower(hash), signers, Ct);
        var publicKey = Convert.FromHexString(wallet.PublicKey);
        var signature = Convert.FromHexString(signed.Signature);
        Assert.Equal(64, signature.Length);
        Assert.True(IndependentVerifier.VerifyEcdsaSecp256k1(publicKey, hash, signature));
        Assert.True(EcdsaSecp256k1.VerifyCompact(publicKey, hash, signature)); // libsecp256k1 also demands low s
        Assert.Equal(publicKey, EcdsaSecp256k1.Recover(hash, signature, signed.RecoveryId!.Value));
        if (signers is not null)
        {
            Assert.Equal(signers, signed.Signers);
        }
    }
}

using System.Security.Cryptography;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Signatures;
using Conclave.Testing;
using Conclave.Threshold.Cggmp.AuxInfo;
using Conclave.Threshold.Cggmp.Keygen;
using Conclave.Threshold.Cggmp.Presign;
using static Conclave.Threshold.Tests.Cggmp.KeygenTests;

namespace Conclave.Threshold.Tests.Cggmp;

/// <summary>
/// CGGMP21 at 4-of-7 (aux info for seven parties with TEST-ONLY fixture primes): two different
/// signer sets sign, and after a proactive refresh a third set signs under the same key. Every
/// signature is checked by libsecp256k1, by .NET's ECDsa (OpenSSL) and by ecrecover.
/// </summary>
public sealed class LargerCommitteeTests : IClassFixture<LargerCommitteeTests.Setup>
{
    private readonly Setup _setup;

    public LargerCommitteeTests(Setup setup)
    {
        _setup = setup;
    }

    [Theory]
    [InlineData(1, 3, 5, 7)]
    [InlineData(2, 3, 4, 6)]
    public void Four_of_seven_signers_produce_a_valid_signature(int a, int b, int c, int d)
    {
        Check(_setup.Shares, [a, b, c, d]);
    }

    [Fact]
    public void After_a_refresh_of_all_seven_shares_another_signer_set_signs_under_the_same_key()
    {
        var session = SessionId.Random();
        var refreshed = Drive([.. _setup.Shares.Select(s => KeygenParty.Refresh(session, s))]);
        try
        {
            Assert.All(refreshed, s => Assert.Equal(_setup.Shares[0].PublicKey, s.PublicKey));
            Check(refreshed, [4, 5, 6, 7]);
        }
        finally
        {
            refreshed.ForEach(s => s.Dispose());
        }
    }

    private void Check(List<CggmpCoreKeyShare> shares, int[] signerIds)
    {
        var presignatures = CggmpPresigning.Run(shares, _setup.Aux, signerIds);

        var hash = RandomNumberGenerator.GetBytes(32);
        var partials = presignatures.Select(p => CggmpSigning.PartialSign(p, hash)).ToList();
        var signature = CggmpSigning.Combine(presignatures[^1].PublicData, partials, hash);
        var publicKey = Secp256k1Group.Instance.SerializeElement(shares[0].PublicKey);
        Assert.True(EcdsaSecp256k1.VerifyCompact(publicKey, hash, signature.ToCompact()));
        Assert.True(IndependentVerifier.VerifyEcdsaSecp256k1(publicKey, hash, signature.ToCompact()));
        Assert.Equal(publicKey, EcdsaSecp256k1.Recover(hash, signature.ToCompact(), signature.RecoveryId));
    }

    /// <summary>One 4-of-7 key with aux info for all seven parties (TEST-ONLY fixture primes 0..13).</summary>
    public sealed class Setup : IDisposable
    {
        public Setup()
        {
            Shares = Run(4, 7);
            Aux = AuxInfoTests.Run(7);
        }

        public List<CggmpCoreKeyShare> Shares { get; }

        public List<CggmpAuxInfo> Aux { get; }

        public void Dispose()
        {
            Shares.ForEach(s => s.Dispose());
            Aux.ForEach(a => a.Dispose());
        }
    }
}

using System.Security.Cryptography;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Signatures;
using Conclave.Threshold.Cggmp.AuxInfo;
using Conclave.Threshold.Cggmp.Keygen;
using Conclave.Threshold.Cggmp.Presign;

namespace Conclave.Threshold.Tests.Cggmp;

/// <summary>CGGMP21 3-of-5 end to end: any three signers produce a signature that verifies and recovers the key.</summary>
public sealed class PresignThreeOfFiveTests : IClassFixture<PresignThreeOfFiveTests.Setup>
{
    private readonly Setup _setup;

    public PresignThreeOfFiveTests(Setup setup)
    {
        _setup = setup;
    }

    [Theory]
    [InlineData(1, 2, 3)]
    [InlineData(2, 4, 5)]
    public void Three_of_five_signers_produce_a_valid_signature(int a, int b, int c)
    {
        var presignatures = CggmpPresigning.Run(_setup.Shares, _setup.Aux, [a, b, c]);

        var hash = RandomNumberGenerator.GetBytes(32);
        var partials = presignatures.Select(p => CggmpSigning.PartialSign(p, hash)).ToList();
        var signature = CggmpSigning.Combine(presignatures[0].PublicData, partials, hash);
        var publicKey = Secp256k1Group.Instance.SerializeElement(_setup.Shares[0].PublicKey);
        Assert.True(EcdsaSecp256k1.VerifyCompact(publicKey, hash, signature.ToCompact()));
        Assert.Equal(publicKey, EcdsaSecp256k1.Recover(hash, signature.ToCompact(), signature.RecoveryId));
    }

    /// <summary>One 3-of-5 key with aux info from TEST-ONLY fixture primes.</summary>
    public sealed class Setup : IDisposable
    {
        public Setup()
        {
            Shares = KeygenTests.Run(3, 5);
            Aux = AuxInfoTests.Run(5);
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

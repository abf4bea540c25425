using System.Security.Cryptography;
using Conclave.Crypto.Signatures;
using Conclave.Threshold.Cggmp.AuxInfo;
using Conclave.Threshold.Cggmp.Keygen;

namespace Conclave.Threshold.Tests.Cggmp;

/// <summary>
/// Loaded key shares and aux info are usable: the frozen v1 examples, and a fresh key written and
/// read back, presign and sign through <see cref="PresignTests"/>' own flow, and the signature verifies.
/// </summary>
public sealed class StoredKeySigningTests
{
    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 3)]
    public void The_frozen_v1_key_shares_and_aux_info_still_presign_and_sign(int a, int b)
    {
        var shares = Enumerable.Range(1, 3).Select(p => CggmpCoreKeyShare.Parse(CompatV1.Read(CompatV1.KeyShareFile(p)))).ToList();
        var aux = Enumerable.Range(1, 3).Select(p => CggmpAuxInfo.Parse(CompatV1.Read(CompatV1.AuxInfoFile(p)))).ToList();
        using var setup = new PresignTests.Setup(shares, aux);
        var hash = RandomNumberGenerator.GetBytes(32);
        var (signature, publicKey) = new PresignTests(setup).Sign([a, b], hash);
        Assert.Equal(CompatV1.PublicKeyHex, Convert.ToHexStringLower(publicKey));
        Assert.True(EcdsaSecp256k1.VerifyCompact(publicKey, hash, signature.ToCompact()));
        Assert.Equal(publicKey, EcdsaSecp256k1.Recover(hash, signature.ToCompact(), signature.RecoveryId));
    }

    [Fact]
    public void A_fresh_key_written_and_read_back_presigns_and_signs()
    {
        List<CggmpCoreKeyShare> shares;
        List<CggmpAuxInfo> aux;
        var fresh = KeygenTests.Run(2, 3);
        var freshAux = AuxInfoTests.Run(3);
        try
        {
            shares = [.. fresh.Select(s => RoundTrip(s.Serialize(), b => CggmpCoreKeyShare.Parse(b)))];
            aux = [.. freshAux.Select(x => RoundTrip(x.Serialize(), b => CggmpAuxInfo.Parse(b)))];
        }
        finally
        {
            fresh.ForEach(s => s.Dispose());
            freshAux.ForEach(x => x.Dispose());
        }

        using var setup = new PresignTests.Setup(shares, aux);
        var hash = RandomNumberGenerator.GetBytes(32);
        var (signature, publicKey) = new PresignTests(setup).Sign([1, 3], hash);
        Assert.Equal(shares[0].PublicKey.ToString(), Convert.ToHexStringLower(publicKey));
        Assert.True(EcdsaSecp256k1.VerifyCompact(publicKey, hash, signature.ToCompact()));
    }

    private static T RoundTrip<T>(byte[] stored, Func<byte[], T> parse)
    {
        try
        {
            return parse(stored);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(stored);
        }
    }
}

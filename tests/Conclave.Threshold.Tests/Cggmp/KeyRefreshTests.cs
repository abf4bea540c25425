using System.Security.Cryptography;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Signatures;
using Conclave.Testing;
using Conclave.Threshold.Cggmp.Keygen;
using Conclave.Threshold.Cggmp.Presign;
using static Conclave.Threshold.Tests.Cggmp.KeygenTests;

namespace Conclave.Threshold.Tests.Cggmp;

/// <summary>
/// CGGMP21 proactive key refresh: the public key stays, every share and public share changes, old
/// and new shares do not combine, refreshed shares (with fresh aux info) sign, and a dealer that
/// shares a non-zero value or an inconsistent share is named.
/// </summary>
public sealed class KeyRefreshTests
{
    private static readonly Secp256k1Group G = Secp256k1Group.Instance;

    [Theory]
    [InlineData(2, 3)]
    [InlineData(3, 5)]
    public void Refresh_keeps_the_public_key_and_old_shares_stop_combining_with_new_ones(int t, int n)
    {
        var old = Run(t, n);
        var secret = Interpolate(old[..t]);
        var fresh = Refresh(old);
        try
        {
            Assert.All(fresh, s => Assert.Equal(old[0].PublicKey, s.PublicKey));
            Assert.All(fresh, s => Assert.Equal(t, s.Threshold));
            for (var k = 0; k < n; k++)
            {
                Assert.NotEqual(old[0].PublicShares[Id(k + 1)], fresh[0].PublicShares[Id(k + 1)]);
                Assert.All(fresh, s => Assert.Equal(fresh[0].PublicShares[Id(k + 1)], s.PublicShares[Id(k + 1)]));
                Assert.Equal(G.MultiplyBase(fresh[k].SecretShare), fresh[k].PublicShares[Id(k + 1)]);
            }

            // Any t refreshed shares give the same key; t - 1 new shares plus one old share do not.
            Assert.Equal(secret, Interpolate(fresh[^t..]));
            List<CggmpCoreKeyShare> mixed = [old[0], .. fresh[1..t]];
            Assert.NotEqual(secret, Interpolate(mixed));
            Assert.Equal(G.MultiplyBase(secret), old[0].PublicKey);
        }
        finally
        {
            old.ForEach(s => s.Dispose());
            fresh.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void Refreshed_shares_with_new_aux_info_sign_under_the_same_public_key()
    {
        var old = Run(2, 3);
        var fresh = Refresh(old);

        // New Paillier keys (fixture primes 6..11, different from the ones other tests use).
        var aux = AuxInfoTests.Run(3, keyOverride: id => TestOnlySafePrimes.CreateKey(4 + (2 * id.Value), 5 + (2 * id.Value)));
        try
        {
            var presignatures = CggmpPresigning.Run(fresh, aux, [1, 3]);

            var hash = RandomNumberGenerator.GetBytes(32);
            var partials = presignatures.Select(p => CggmpSigning.PartialSign(p, hash)).ToList();
            var signature = CggmpSigning.Combine(presignatures[0].PublicData, partials, hash);
            Assert.True(EcdsaSecp256k1.VerifyCompact(G.SerializeElement(old[0].PublicKey), hash, signature.ToCompact()));
        }
        finally
        {
            old.ForEach(s => s.Dispose());
            fresh.ForEach(s => s.Dispose());
            aux.ForEach(a => a.Dispose());
        }
    }

    [Fact]
    public void A_dealer_sharing_a_non_zero_value_is_named()
    {
        // Party 3 runs a fresh keygen (random constant term) inside the refresh: it would move the key.
        var old = Run(2, 3);
        var session = SessionId.Random();
        List<KeygenParty> parties = [KeygenParty.Refresh(session, old[0]), KeygenParty.Refresh(session, old[1]), new KeygenParty(session, Id(3), Ids(3), 2)];
        var abort = Assert.Throws<ProtocolAbortException>(() => Drive(parties));
        Assert.Equal(AbortReason.MalformedMessage, abort.Reason);
        Assert.Equal([Id(3)], abort.Culprits);
        old.ForEach(s => s.Dispose());
    }

    [Fact]
    public void An_inconsistent_refresh_share_is_a_complaint_against_its_dealer()
    {
        var old = Run(3, 4);
        var session = SessionId.Random();
        var abort = Assert.Throws<ProtocolAbortException>(() => Drive([.. old.Select(s => KeygenParty.Refresh(session, s))], tamperShare: (from, to, share) =>
        {
            if (from.Value == 2 && to.Value == 4)
            {
                share[31] ^= 1;
            }

            return share;
        }));
        Assert.Equal(AbortReason.InvalidSecretShare, abort.Reason);
        Assert.Equal([Id(2)], abort.Culprits);
        old.ForEach(s => s.Dispose());
    }

    [Fact]
    public void A_refresh_reveal_committed_under_keygen_rules_does_not_open()
    {
        // The refresh commitment binds its own label and the public key: a reveal whose commitment
        // was computed for another key (here: a party refreshing a different key) fails to open.
        var a = Run(2, 3);
        var b = Run(2, 3);
        var session = SessionId.Random();
        List<KeygenParty> parties = [KeygenParty.Refresh(session, a[0]), KeygenParty.Refresh(session, a[1]), KeygenParty.Refresh(session, b[2])];
        var abort = Assert.Throws<ProtocolAbortException>(() => Drive(parties));
        Assert.Contains(Id(3), abort.Culprits);
        a.ForEach(s => s.Dispose());
        b.ForEach(s => s.Dispose());
    }

    private static List<CggmpCoreKeyShare> Refresh(List<CggmpCoreKeyShare> old)
    {
        var session = SessionId.Random();
        return Drive([.. old.Select(s => KeygenParty.Refresh(session, s))]);
    }
}

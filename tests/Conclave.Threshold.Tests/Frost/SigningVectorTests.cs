using System.Text.Json;
using Conclave.Threshold.Frost;
using Conclave.Threshold.Frost.Ciphersuites;
using Conclave.Threshold.Frost.Keys;
using Conclave.Threshold.Frost.Signing;
using Conclave.Threshold.Tests.Support;

namespace Conclave.Threshold.Tests.Frost;

/// <summary>
/// RFC 9591 Appendix E vectors and ZcashFoundation frost vectors, byte for byte: dealer shares,
/// round-one nonces and commitments, binding factors, signature shares and the signature.
/// </summary>
public sealed class SigningVectorTests
{
    public static TheoryData<string, string> Files => new()
    {
        { "ed25519", "frost-rfc9591/frost-ed25519-sha512.json" },
        { "secp256k1", "frost-rfc9591/frost-secp256k1-sha256.json" },
        { "ed25519", "zf-frost/frost-ed25519/vectors.json" },
        { "ed25519", "zf-frost/frost-ed25519/vectors-big-identifier.json" },
        { "secp256k1", "zf-frost/frost-secp256k1/vectors.json" },
        { "secp256k1", "zf-frost/frost-secp256k1/vectors-big-identifier.json" },
        { "secp256k1-tr", "zf-frost/frost-secp256k1-tr/vectors.json" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Vector_is_reproduced_byte_for_byte(string suiteName, string file)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        var g = suite.Group;
        using var doc = TestVectors.Load(file);
        var root = doc.RootElement;
        var inputs = root.GetProperty("inputs");
        var minSigners = root.GetProperty("config").GetProperty("MIN_PARTICIPANTS").Int();
        var maxSigners = root.GetProperty("config").GetProperty("MAX_PARTICIPANTS").Int();
        var groupKeyHex = inputs.TryGetProperty("group_public_key", out var gpk) ? gpk : inputs.GetProperty("verifying_key_key");
        var groupKey = g.DeserializeElement(groupKeyHex.Hex());
        var secret = inputs.GetProperty("group_secret_key").Hex();
        Assert.Equal(groupKey, g.MultiplyBase(secret));
        var message = inputs.GetProperty("message").Hex();

        // Key packages from the listed shares (they must match the group key's polynomial).
        var shares = inputs.GetProperty("participant_shares").EnumerateArray()
            .ToDictionary(s => new ParticipantId((ushort)s.GetProperty("identifier").Int()), s => s.GetProperty("participant_share").Hex());
        if (maxSigners <= TrustedDealer.MaxParticipants)
        {
            var coefficients = inputs.GetProperty("share_polynomial_coefficients").EnumerateArray().Select(c => c.Hex()).ToList();
            using var dealt = TrustedDealer.Split(suite, secret, minSigners, maxSigners, new ReplayRandomSource(), coefficients);
            Assert.Equal(groupKey, dealt.PublicKeyPackage.VerifyingKey);
            foreach (var kp in dealt.KeyPackages)
            {
                Assert.Equal(Convert.ToHexStringLower(shares[kp.Identifier]), Convert.ToHexStringLower(kp.SigningShare));
            }
        }

        var keyPackages = shares.ToDictionary(kv => kv.Key, kv => new KeyPackage(suite, kv.Key, kv.Value, g.MultiplyBase(kv.Value), groupKey, minSigners));
        var publicKeyPackage = new PublicKeyPackage(suite, groupKey, keyPackages.ToDictionary(kv => kv.Key, kv => kv.Value.VerifyingShare), minSigners);

        // Round one.
        var nonces = new Dictionary<ParticipantId, SigningNonces>();
        var expectedRhoInputs = new Dictionary<ParticipantId, string>();
        var expectedRho = new Dictionary<ParticipantId, string>();
        foreach (var o in root.GetProperty("round_one_outputs").GetProperty("outputs").EnumerateArray())
        {
            var id = new ParticipantId((ushort)o.GetProperty("identifier").Int());
            var rng = new ReplayRandomSource(o.GetProperty("hiding_nonce_randomness").Hex(), o.GetProperty("binding_nonce_randomness").Hex());
            var n = Round1.Commit(keyPackages[id], rng);
            Assert.Equal(o.GetProperty("hiding_nonce_commitment").GetString(), Convert.ToHexStringLower(g.SerializeElement(n.Commitments.Hiding)));
            Assert.Equal(o.GetProperty("binding_nonce_commitment").GetString(), Convert.ToHexStringLower(g.SerializeElement(n.Commitments.Binding)));
            nonces[id] = n;
            expectedRhoInputs[id] = o.GetProperty("binding_factor_input").GetString()!;
            expectedRho[id] = o.GetProperty("binding_factor").GetString()!;
        }

        var package = new SigningPackage(nonces.Values.Select(n => n.Commitments), message);

        // Binding factors (computed with the key as the suite signs with it).
        var signingKey = publicKeyPackage.ForSigning(default, tweak: false).VerifyingKey;
        var rho = FrostMath.ComputeBindingFactors(suite, signingKey, package.Commitments, message);
        foreach (var id in nonces.Keys)
        {
            Assert.Equal(expectedRhoInputs[id], Convert.ToHexStringLower(FrostMath.BindingFactorInput(suite, signingKey, package.Commitments, message, id)));
            Assert.Equal(expectedRho[id], Convert.ToHexStringLower(rho[id]));
        }

        // Round two.
        var sigShares = new List<SignatureShare>();
        foreach (var o in root.GetProperty("round_two_outputs").GetProperty("outputs").EnumerateArray())
        {
            var id = new ParticipantId((ushort)o.GetProperty("identifier").Int());
            var share = Round2.Sign(package, nonces[id], keyPackages[id]);
            Assert.Equal(o.GetProperty("sig_share").GetString(), Convert.ToHexStringLower(share.Share));
            Assert.True(Aggregate.VerifySignatureShare(package, share, publicKeyPackage));
            sigShares.Add(share);
        }

        var signature = Aggregate.Run(package, sigShares, publicKeyPackage);
        Assert.Equal(root.GetProperty("final_output").GetProperty("sig").GetString(), Convert.ToHexStringLower(signature));
        Assert.True(suite.Verify(publicKeyPackage.SerializePublicKey(), message, signature));

        foreach (var kp in keyPackages.Values)
        {
            kp.Dispose();
        }
    }
}

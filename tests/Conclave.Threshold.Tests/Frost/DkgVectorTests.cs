using Conclave.Crypto.Random;
using Conclave.Threshold.Frost.Ciphersuites;
using Conclave.Threshold.Frost.Keys;
using Conclave.Threshold.Frost.Keys.Dkg;
using Conclave.Threshold.Tests.Support;

namespace Conclave.Threshold.Tests.Frost;

/// <summary>ZcashFoundation frost <c>vectors_dkg.json</c>, byte for byte, for the three suites.</summary>
public sealed class DkgVectorTests
{
    public static TheoryData<string, string> Files => new()
    {
        { "ed25519", "zf-frost/frost-ed25519/vectors_dkg.json" },
        { "secp256k1", "zf-frost/frost-secp256k1/vectors_dkg.json" },
        { "secp256k1-tr", "zf-frost/frost-secp256k1-tr/vectors_dkg.json" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Dkg_vector_is_reproduced_byte_for_byte(string suiteName, string file)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        var g = suite.Group;
        using var doc = TestVectors.Load(file);
        var root = doc.RootElement;
        var inputs = root.GetProperty("inputs");
        var n = root.GetProperty("config").GetProperty("MAX_PARTICIPANTS").Int();
        var t = root.GetProperty("config").GetProperty("MIN_PARTICIPANTS").Int();
        var ids = Enumerable.Range(1, n).Select(i => new ParticipantId((ushort)i)).ToList();
        var data = ids.ToDictionary(id => id, id => inputs.GetProperty(id.ToString()));
        var round1 = ids.ToDictionary(id => id, id => new Round1Package(
            new VssCommitment([.. data[id].GetProperty("vss_commitments").EnumerateArray().Select(e => g.DeserializeElement(e.Hex()))]),
            data[id].GetProperty("proof_of_knowledge").Hex()));

        foreach (var id in ids)
        {
            var d = data[id];
            var (secret1, own) = FrostDkg.Part1(suite, id, n, t, default, SystemRandomSource.Instance, d.GetProperty("signing_key").Hex(), [d.GetProperty("coefficient").Hex()]);
            Assert.Equal(
                round1[id].Commitment.Coefficients.Select(c => c.ToString()),
                own.Commitment.Coefficients.Select(c => c.ToString()));

            var others = ids.Where(o => o != id).ToDictionary(o => o, o => round1[o]);
            var (secret2, _) = FrostDkg.Part2(secret1, others);
            var received = ids.Where(o => o != id).ToDictionary(o => o, o => new Round2Package(suite, o, id, d.GetProperty("signing_shares").GetProperty(o.ToString()).Hex()));
            var (keyPackage, publicKeyPackage) = FrostDkg.Part3(secret2, others, received);
            using (keyPackage)
            {
                Assert.Equal(d.GetProperty("signing_share").GetString(), Convert.ToHexStringLower(keyPackage.SigningShare));
                Assert.Equal(d.GetProperty("verifying_share").GetString(), keyPackage.VerifyingShare.ToString());
                Assert.Equal(inputs.GetProperty("verifying_key").GetString(), keyPackage.VerifyingKey.ToString());
                Assert.Equal(inputs.GetProperty("verifying_key").GetString(), publicKeyPackage.VerifyingKey.ToString());
                foreach (var o in ids)
                {
                    Assert.Equal(data[o].GetProperty("verifying_share").GetString(), publicKeyPackage.VerifyingShares[o].ToString());
                }
            }
        }
    }
}

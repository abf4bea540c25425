using System.Security.Cryptography;
using Conclave.Crypto.Groups;
using Conclave.Threshold.Frost.Ciphersuites;
using Conclave.Threshold.Frost.Keys;
using Conclave.Threshold.Frost.Signing;

namespace Conclave.Threshold.Tests.Frost;

/// <summary>Shared helpers for the generic FROST suites: identifiers, subsets, scalar tampering and a full signing run.</summary>
internal static class FrostTestKit
{
    /// <summary>Every supported suite by name, for <c>[MemberData]</c>.</summary>
    public static TheoryData<string> SuiteNames() => new(FrostCiphersuite.All.Select(s => s.Name));

    public static ParticipantId Id(int value) => new(checked((ushort)value));

    public static IReadOnlyList<ParticipantId> Ids(params int[] values) => [.. values.Select(Id)];

    public static IReadOnlyList<ParticipantId> Range(int n) => [.. Enumerable.Range(1, n).Select(Id)];

    /// <summary>A uniformly random k-subset, sorted (RandomNumberGenerator: System.Random is banned).</summary>
    public static IReadOnlyList<ParticipantId> RandomSubset(IEnumerable<ParticipantId> ids, int k)
    {
        var all = ids.ToArray();
        RandomNumberGenerator.Shuffle(all.AsSpan());
        return [.. all.Take(k).Order()];
    }

    /// <summary>Every k-subset of <paramref name="ids"/>, in lexicographic order.</summary>
    public static IEnumerable<IReadOnlyList<ParticipantId>> Subsets(IReadOnlyList<ParticipantId> ids, int k)
    {
        if (k == 0)
        {
            yield return [];
            yield break;
        }

        for (var i = 0; i <= ids.Count - k; i++)
        {
            foreach (var rest in Subsets([.. ids.Skip(i + 1)], k - 1))
            {
                yield return [ids[i], .. rest];
            }
        }
    }

    /// <summary>scalar + 1 in the group's scalar field.</summary>
    public static byte[] AddOne(PrimeOrderGroup group, ReadOnlySpan<byte> scalar)
    {
        var one = group.NewScalar();
        group.ScalarFromUInt64(1, one);
        var result = group.NewScalar();
        group.ScalarAdd(scalar, one, result);
        return result;
    }

    /// <summary>The group order n encoded as the suite's scalar would be (never canonical).</summary>
    public static byte[] GroupOrder(FrostCiphersuite suite) => suite.Group is Ed25519Group
        ? Convert.FromHexString("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")
        : Convert.FromHexString("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141");

    /// <summary>
    /// Encodings DeserializeElement must refuse, by name: the identity, a point off the curve,
    /// a non-canonical encoding (coordinate at or above the field prime), and a bad prefix.
    /// </summary>
    public static IReadOnlyList<(string Name, byte[] Encoding)> InvalidElementEncodings(FrostCiphersuite suite)
    {
        if (suite.Group is Ed25519Group)
        {
            return
            [
                ("identity", Convert.FromHexString("0100000000000000000000000000000000000000000000000000000000000000")),
                ("off-curve y = 2", Convert.FromHexString("0200000000000000000000000000000000000000000000000000000000000000")),
                ("non-canonical y = p + 3", Convert.FromHexString("f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")),
                ("non-canonical identity, x sign bit set", Convert.FromHexString("0100000000000000000000000000000000000000000000000000000000000080")),
                ("small order (0, -1)", Convert.FromHexString("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")),
            ];
        }

        return
        [
            ("identity (all zero)", new byte[33]),
            ("off-curve x = 5", Convert.FromHexString("020000000000000000000000000000000000000000000000000000000000000005")),
            ("non-canonical x = p + 1", Convert.FromHexString("02FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC30")),
            ("uncompressed prefix", [0x04, .. suite.Group.SerializeElement(suite.Group.Generator)[1..]]),
        ];
    }

    /// <summary>
    /// Runs both signing rounds for <paramref name="signers"/>, passing commitments and shares through
    /// their wire encodings, and returns the package with the shares (not yet aggregated).
    /// </summary>
    public static (SigningPackage Package, List<SignatureShare> Shares) SignShares(IReadOnlyCollection<KeyPackage> signers, byte[] message, byte[]? merkleRoot = null)
    {
        var suite = signers.First().Suite;
        var nonces = signers.ToDictionary(k => k.Identifier, k => Round1.Commit(k));
        var commitments = nonces.Values.Select(n => SigningCommitments.Deserialize(suite, n.Commitments.Serialize()));
        var package = new SigningPackage(commitments, message);
        var shares = signers
            .Select(k => Round2.Sign(package, nonces[k.Identifier], k, merkleRoot))
            .Select(s => SignatureShare.Deserialize(suite, s.Serialize()))
            .ToList();
        Assert.All(nonces.Values, n => Assert.True(n.IsConsumed));
        return (package, shares);
    }

    /// <summary>A complete FROST signature by <paramref name="signers"/>.</summary>
    public static byte[] Sign(IReadOnlyCollection<KeyPackage> signers, PublicKeyPackage publicKeyPackage, byte[] message, byte[]? merkleRoot = null)
    {
        var (package, shares) = SignShares(signers, message, merkleRoot);
        return Aggregate.Run(package, shares, publicKeyPackage, merkleRoot);
    }

    /// <summary>Asserts that the signature verifies with Conclave's and the independent verifier, and not on another message.</summary>
    public static void AssertVerifies(FrostCiphersuite suite, byte[] publicKey, byte[] message, byte[] signature)
    {
        Assert.Equal(suite.SignatureLength, signature.Length);
        Assert.True(suite.Verify(publicKey, message, signature), "suite.Verify rejected the signature");
        Assert.True(IndependentVerifier.Verify(suite, publicKey, message, signature), "the independent verifier rejected the signature");
        byte[] other = [.. message, 0x00];
        Assert.False(suite.Verify(publicKey, other, signature), "suite.Verify accepted the signature on another message");
        Assert.False(IndependentVerifier.Verify(suite, publicKey, other, signature), "the independent verifier accepted the signature on another message");
    }
}

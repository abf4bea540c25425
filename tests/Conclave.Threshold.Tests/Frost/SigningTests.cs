using System.Security.Cryptography;
using Conclave.Threshold.Frost.Ciphersuites;
using Conclave.Threshold.Frost.Keys;
using Conclave.Threshold.Frost.Signing;
using CsCheck;

namespace Conclave.Threshold.Tests.Frost;

/// <summary>
/// FROST signing with dealer keys for every suite: threshold subsets sign, cheating signers are
/// named, nonces are single-use, malformed messages are refused and secrets are not printed.
/// </summary>
public sealed class SigningTests
{
    private static readonly byte[] Message = [.. "Conclave signing test message"u8];

    public static TheoryData<string> Suites => FrostTestKit.SuiteNames();

    public static TheoryData<string> NonTaprootSuites => new(FrostCiphersuite.All.Where(s => !s.Name.EndsWith("-tr", StringComparison.Ordinal)).Select(s => s.Name));

    public static TheoryData<string, int, int> SuitesAndSizes
    {
        get
        {
            var data = new TheoryData<string, int, int>();
            foreach (var suite in FrostCiphersuite.All)
            {
                data.Add(suite.Name, 2, 3);
                data.Add(suite.Name, 3, 5);
                data.Add(suite.Name, 7, 10);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(SuitesAndSizes))]
    public void Every_threshold_subset_signs_and_verifies(string suiteName, int t, int n)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, t, n);
        var pkp = dealt.PublicKeyPackage;
        var publicKey = pkp.SerializePublicKey();
        Assert.Equal(suite.PublicKeyLength, publicKey.Length);

        // All subsets for small committees; an evenly spread sample of the 120 for 7-of-10.
        var subsets = FrostTestKit.Subsets(FrostTestKit.Range(n), t).ToList();
        var stride = Math.Max(1, subsets.Count / 10);
        var signatures = new HashSet<string>();
        for (var i = 0; i < subsets.Count; i += stride)
        {
            var signers = subsets[i].Select(id => dealt.KeyPackages[id.Value - 1]).ToList();
            var signature = FrostTestKit.Sign(signers, pkp, Message);
            FrostTestKit.AssertVerifies(suite, publicKey, Message, signature);
            Assert.True(signatures.Add(Convert.ToHexString(signature)), "two signing sessions produced the same signature (nonce reuse?)");
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Any_subset_of_at_least_threshold_signers_signs(string suiteName)
    {
        const int t = 3;
        const int n = 6;
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, t, n);
        var publicKey = dealt.PublicKeyPackage.SerializePublicKey();
        var subsetGen = Gen.Int[t, n].Select(Gen.Int.Array[n], Gen.Byte.Array[0, 64]);
        subsetGen.Sample(
            (size, sortKeys, message) =>
            {
                var signers = dealt.KeyPackages.Zip(sortKeys).OrderBy(p => p.Second).Take(size).Select(p => p.First).ToList();
                var signature = FrostTestKit.Sign(signers, dealt.PublicKeyPackage, message);
                Assert.True(suite.Verify(publicKey, message, signature));
                Assert.True(IndependentVerifier.Verify(suite, publicKey, message, signature));
            },
            iter: 20,
            threads: 1);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Fewer_than_threshold_signers_are_rejected(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, 3, 5);
        var kps = dealt.KeyPackages;
        var nonces = kps.Take(3).Select(k => Round1.Commit(k)).ToList();

        // Two commitments for a 3-of-5 key: neither a signer nor the coordinator proceeds.
        var tooFew = new SigningPackage(nonces.Take(2).Select(n => n.Commitments), Message);
        Assert.Throws<ArgumentException>(() => Round2.Sign(tooFew, nonces[0], kps[0]));
        Assert.True(nonces[0].IsConsumed);
        var forgedShares = kps.Take(2).Select(k => new SignatureShare(suite, k.Identifier, suite.Group.NewScalar())).ToList();
        Assert.Throws<ArgumentException>(() => Aggregate.Run(tooFew, forgedShares, dealt.PublicKeyPackage));

        // Control: with a third signer the same key packages succeed (signer 1 with fresh nonces).
        var fresh = Round1.Commit(kps[0]);
        var package = new SigningPackage([fresh.Commitments, nonces[1].Commitments, nonces[2].Commitments], Message);
        var shares = new[] { Round2.Sign(package, fresh, kps[0]), Round2.Sign(package, nonces[1], kps[1]), Round2.Sign(package, nonces[2], kps[2]) };
        FrostTestKit.AssertVerifies(suite, dealt.PublicKeyPackage.SerializePublicKey(), Message, Aggregate.Run(package, shares, dealt.PublicKeyPackage));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Aggregate_names_the_signer_with_a_tampered_share(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, 3, 5);
        var (package, shares) = FrostTestKit.SignShares([dealt.KeyPackages[0], dealt.KeyPackages[1], dealt.KeyPackages[3]], Message);
        var cheater = FrostTestKit.Id(2);
        var i = shares.FindIndex(s => s.Identifier == cheater);
        shares[i] = new SignatureShare(suite, cheater, FrostTestKit.AddOne(suite.Group, shares[i].Share));

        var abort = Assert.Throws<ProtocolAbortException>(() => Aggregate.Run(package, shares, dealt.PublicKeyPackage));
        Assert.Equal(AbortReason.InvalidSignatureShare, abort.Reason);
        Assert.Equal([cheater], abort.Culprits);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Aggregate_names_every_signer_with_a_tampered_share(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, 3, 5);
        var (package, shares) = FrostTestKit.SignShares([dealt.KeyPackages[4], dealt.KeyPackages[0], dealt.KeyPackages[2], dealt.KeyPackages[3]], Message);
        foreach (var cheater in FrostTestKit.Ids(5, 1))
        {
            var i = shares.FindIndex(s => s.Identifier == cheater);
            shares[i] = new SignatureShare(suite, cheater, FrostTestKit.AddOne(suite.Group, shares[i].Share));
        }

        var abort = Assert.Throws<ProtocolAbortException>(() => Aggregate.Run(package, shares, dealt.PublicKeyPackage));
        Assert.Equal(AbortReason.InvalidSignatureShare, abort.Reason);
        Assert.Equal(FrostTestKit.Ids(1, 5), abort.Culprits);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Aggregate_names_a_signer_that_swapped_in_another_signers_share(string suiteName)
    {
        // Signer 3 replays signer 1's z (a valid share, of someone else): only 3 is blamed.
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, 3, 3);
        var (package, shares) = FrostTestKit.SignShares(dealt.KeyPackages, Message);
        shares[2] = new SignatureShare(suite, FrostTestKit.Id(3), shares[0].Share);

        var abort = Assert.Throws<ProtocolAbortException>(() => Aggregate.Run(package, shares, dealt.PublicKeyPackage));
        Assert.Equal(AbortReason.InvalidSignatureShare, abort.Reason);
        Assert.Equal([FrostTestKit.Id(3)], abort.Culprits);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void VerifySignatureShare_accepts_honest_and_rejects_tampered_shares(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, 2, 3);
        var pkp = dealt.PublicKeyPackage;
        var (package, shares) = FrostTestKit.SignShares([dealt.KeyPackages[0], dealt.KeyPackages[2]], Message);
        foreach (var share in shares)
        {
            Assert.True(Aggregate.VerifySignatureShare(package, share, pkp));
            Assert.False(Aggregate.VerifySignatureShare(package, new SignatureShare(suite, share.Identifier, FrostTestKit.AddOne(suite.Group, share.Share)), pkp));
        }

        // A share is bound to its signer, and a non-signer's share is never valid.
        Assert.False(Aggregate.VerifySignatureShare(package, new SignatureShare(suite, shares[1].Identifier, shares[0].Share), pkp));
        Assert.False(Aggregate.VerifySignatureShare(package, new SignatureShare(suite, FrostTestKit.Id(2), shares[0].Share), pkp));

        // A share is bound to the message.
        var otherMessage = new SigningPackage(package.Commitments, [.. Message, 1]);
        Assert.False(Aggregate.VerifySignatureShare(otherMessage, shares[0], pkp));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Nonces_are_single_use(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, 2, 2);
        var kp = dealt.KeyPackages[0];
        var nonces = Round1.Commit(kp);
        var peer = Round1.Commit(dealt.KeyPackages[1]);
        var package = new SigningPackage([nonces.Commitments, peer.Commitments], Message);

        Assert.False(nonces.IsConsumed);
        _ = Round2.Sign(package, nonces, kp);
        Assert.True(nonces.IsConsumed);
        Assert.Throws<InvalidOperationException>(() => Round2.Sign(package, nonces, kp));
        var otherMessage = new SigningPackage(package.Commitments, [.. Message, 1]);
        Assert.Throws<InvalidOperationException>(() => Round2.Sign(otherMessage, nonces, kp));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Nonces_are_consumed_by_a_failed_signing_attempt(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, 2, 3);
        var kp = dealt.KeyPackages[0];
        var nonces = Round1.Commit(kp);
        var peer = Round1.Commit(dealt.KeyPackages[1]);
        var third = Round1.Commit(dealt.KeyPackages[2]);

        // First attempt fails (package for other signers), and still burns the nonces.
        var wrong = new SigningPackage([peer.Commitments, third.Commitments], Message);
        Assert.Throws<ArgumentException>(() => Round2.Sign(wrong, nonces, kp));
        Assert.True(nonces.IsConsumed);

        var right = new SigningPackage([nonces.Commitments, peer.Commitments], Message);
        Assert.Throws<InvalidOperationException>(() => Round2.Sign(right, nonces, kp));

        // Disposing unused nonces consumes them too.
        var disposed = Round1.Commit(kp);
        disposed.Dispose();
        Assert.True(disposed.IsConsumed);
        Assert.Throws<InvalidOperationException>(() => Round2.Sign(new SigningPackage([disposed.Commitments, peer.Commitments], Message), disposed, kp));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Round2_rejects_a_package_that_omits_the_signers_commitment(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, 2, 3);
        var nonces = dealt.KeyPackages.Select(k => Round1.Commit(k)).ToList();
        var package = new SigningPackage([nonces[1].Commitments, nonces[2].Commitments], Message);

        Assert.Throws<ArgumentException>(() => Round2.Sign(package, nonces[0], dealt.KeyPackages[0]));
        Assert.True(nonces[0].IsConsumed);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Round2_rejects_a_package_with_altered_commitments_for_the_signer(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, 2, 2);
        var kp = dealt.KeyPackages[0];
        var peer = Round1.Commit(dealt.KeyPackages[1]).Commitments;
        var g = suite.Group;

        var alterations = new Func<SigningCommitments, SigningCommitments>[]
        {
            c => new SigningCommitments(c.Identifier, c.Binding, c.Hiding), // swapped
            c => new SigningCommitments(c.Identifier, c.Hiding, g.Add(c.Binding, g.Generator)), // binding moved
            c => new SigningCommitments(c.Identifier, g.Add(c.Hiding, g.Generator), c.Binding), // hiding moved
            c => Round1.Commit(kp).Commitments, // another session's commitments of the same signer
        };
        foreach (var alter in alterations)
        {
            var nonces = Round1.Commit(kp);
            var package = new SigningPackage([alter(nonces.Commitments), peer], Message);
            Assert.Throws<ArgumentException>(() => Round2.Sign(package, nonces, kp));
            Assert.True(nonces.IsConsumed);
        }

        // Control: the unaltered package signs.
        var good = Round1.Commit(kp);
        _ = Round2.Sign(new SigningPackage([good.Commitments, peer], Message), good, kp);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Signing_package_rejects_duplicate_identifiers(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, 2, 3);
        var first = Round1.Commit(dealt.KeyPackages[0]).Commitments;
        var second = Round1.Commit(dealt.KeyPackages[0]).Commitments;
        var other = Round1.Commit(dealt.KeyPackages[1]).Commitments;

        Assert.Throws<ArgumentException>(() => new SigningPackage([first, other, second], Message));
        Assert.Throws<ArgumentException>(() => new SigningPackage([first, first], Message));
        Assert.Throws<ArgumentException>(() => new SigningPackage([], Message));
        Assert.Equal(FrostTestKit.Ids(1, 2), new SigningPackage([other, first], Message).Signers);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void SigningCommitments_deserialize_rejects_malformed_input(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        var g = suite.Group;
        var ne = g.ElementLength;
        using var dealt = TrustedDealer.Generate(suite, 2, 2);
        var commitments = Round1.Commit(dealt.KeyPackages[1]).Commitments;
        var bytes = commitments.Serialize();
        Assert.Equal(3 + (2 * ne), bytes.Length);
        Assert.Equal(commitments, SigningCommitments.Deserialize(suite, bytes));

        Assert.Throws<FormatException>(() => SigningCommitments.Deserialize(suite, bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<FormatException>(() => SigningCommitments.Deserialize(suite, [.. bytes, 0]));
        Assert.Throws<FormatException>(() => SigningCommitments.Deserialize(suite, []));
        Assert.Throws<FormatException>(() => SigningCommitments.Deserialize(suite, [2, .. bytes[1..]])); // unknown version
        Assert.Throws<FormatException>(() => SigningCommitments.Deserialize(suite, [bytes[0], 0, 0, .. bytes[3..]])); // identifier 0
        foreach (var (name, element) in FrostTestKit.InvalidElementEncodings(suite))
        {
            foreach (var offset in new[] { 3, 3 + ne })
            {
                byte[] bad = [.. bytes];
                element.CopyTo(bad, offset);
                var ex = Record.Exception(() => SigningCommitments.Deserialize(suite, bad));
                Assert.True(ex is FormatException, $"{name} at offset {offset}: expected FormatException, got {ex?.GetType().Name ?? "success"}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void SignatureShare_rejects_non_canonical_scalars(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        var id = FrostTestKit.Id(7);
        var order = FrostTestKit.GroupOrder(suite);
        var orderMinusOne = suite.Group.NewScalar();
        suite.Group.ScalarSubtract(suite.Group.NewScalar(), FrostTestKit.AddOne(suite.Group, suite.Group.NewScalar()), orderMinusOne);
        byte[] allOnes = [.. Enumerable.Repeat((byte)0xFF, 32)];

        Assert.Throws<FormatException>(() => new SignatureShare(suite, id, order));
        Assert.Throws<FormatException>(() => new SignatureShare(suite, id, allOnes));
        Assert.Throws<FormatException>(() => new SignatureShare(suite, id, new byte[31]));
        Assert.Throws<FormatException>(() => SignatureShare.Deserialize(suite, [1, 0, 7, .. order]));
        Assert.Throws<FormatException>(() => SignatureShare.Deserialize(suite, [1, 0, 7, .. allOnes]));
        Assert.Throws<FormatException>(() => SignatureShare.Deserialize(suite, [1, 0, 0, .. orderMinusOne])); // identifier 0
        Assert.Throws<FormatException>(() => SignatureShare.Deserialize(suite, [2, 0, 7, .. orderMinusOne])); // unknown version
        Assert.Throws<FormatException>(() => SignatureShare.Deserialize(suite, [1, 0, 7, .. orderMinusOne, 0]));

        // n - 1, the largest canonical scalar, is accepted and round-trips.
        var share = SignatureShare.Deserialize(suite, [1, 0, 7, .. orderMinusOne]);
        Assert.Equal(id, share.Identifier);
        Assert.Equal(orderMinusOne, share.Share.ToArray());
        Assert.Equal([1, 0, 7, .. orderMinusOne], share.Serialize());
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Aggregate_rejects_a_signer_unknown_to_the_public_key_package(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, 2, 3);
        var full = dealt.PublicKeyPackage;
        var withoutThree = new PublicKeyPackage(suite, full.VerifyingKey, full.VerifyingShares.Where(kv => kv.Key.Value != 3).ToDictionary(), 2);
        var (package, shares) = FrostTestKit.SignShares([dealt.KeyPackages[0], dealt.KeyPackages[2]], Message);

        Assert.Throws<ArgumentException>(() => Aggregate.Run(package, shares, withoutThree));
        Assert.False(Aggregate.VerifySignatureShare(package, shares[1], withoutThree));
        FrostTestKit.AssertVerifies(suite, full.SerializePublicKey(), Message, Aggregate.Run(package, shares, full));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Aggregate_requires_exactly_one_share_per_signer(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, 2, 3);
        var (package, shares) = FrostTestKit.SignShares([dealt.KeyPackages[0], dealt.KeyPackages[1]], Message);

        Assert.Throws<ArgumentException>(() => Aggregate.Run(package, shares.Take(1).ToList(), dealt.PublicKeyPackage));
        Assert.Throws<ArgumentException>(() => Aggregate.Run(package, [shares[0], shares[0]], dealt.PublicKeyPackage));
        Assert.Throws<ArgumentException>(() => Aggregate.Run(package, [.. shares, new SignatureShare(suite, FrostTestKit.Id(3), shares[0].Share)], dealt.PublicKeyPackage));
    }

    [Fact]
    public void Taproot_signature_with_merkle_root_verifies_under_the_independently_tweaked_key()
    {
        var suite = Secp256k1Taproot.Instance;
        var g = suite.Group;
        var seen = new HashSet<(bool InternalEven, bool OutputEven)>();
        for (var attempt = 0; attempt < 64 && seen.Count < 4; attempt++)
        {
            using var dealt = TrustedDealer.Generate(suite, 2, 3);
            var pkp = dealt.PublicKeyPackage;
            var merkleRoot = RandomNumberGenerator.GetBytes(32);
            var internalKey = pkp.SerializePublicKey();
            var (outputKey, outputEven) = IndependentVerifier.TaprootTweak(internalKey, merkleRoot);
            var signers = FrostTestKit.RandomSubset(FrostTestKit.Range(3), 2).Select(id => dealt.KeyPackages[id.Value - 1]).ToList();

            var (package, shares) = FrostTestKit.SignShares(signers, Message, merkleRoot);
            Assert.All(shares, s => Assert.True(Aggregate.VerifySignatureShare(package, s, pkp, merkleRoot)));
            var signature = Aggregate.Run(package, shares, pkp, merkleRoot);

            FrostTestKit.AssertVerifies(suite, outputKey, Message, signature);
            Assert.False(IndependentVerifier.VerifyBip340(internalKey, Message, signature));
            Assert.False(suite.Verify(internalKey, Message, signature));

            // Record which parities of P and Q this key exercised (each negation path of the signer).
            seen.Add((g.SerializeElement(pkp.VerifyingKey)[0] == 0x02, outputEven));
        }

        Assert.Equal(4, seen.Count);
    }

    [Theory]
    [MemberData(nameof(NonTaprootSuites))]
    public void Tweaking_with_a_non_taproot_suite_is_rejected(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, 2, 2);
        var nonces = dealt.KeyPackages.Select(k => Round1.Commit(k)).ToList();
        var package = new SigningPackage(nonces.Select(n => n.Commitments), Message);
        var merkleRoot = RandomNumberGenerator.GetBytes(32);

        Assert.Throws<ArgumentException>(() => Round2.Sign(package, nonces[0], dealt.KeyPackages[0], merkleRoot));
        Assert.True(nonces[0].IsConsumed);
        Assert.Throws<ArgumentException>(() => Round2.Sign(package, nonces[1], dealt.KeyPackages[1], [], tweak: true));
        Assert.True(nonces[1].IsConsumed);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Key_package_rejects_a_share_that_does_not_match_its_verifying_share(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        var g = suite.Group;
        using var dealt = TrustedDealer.Generate(suite, 2, 3);
        var kp = dealt.KeyPackages[0];
        var otherShare = dealt.KeyPackages[1].VerifyingShare;

        Assert.Throws<ArgumentException>(() => new KeyPackage(suite, kp.Identifier, FrostTestKit.AddOne(g, kp.SigningShare), kp.VerifyingShare, kp.VerifyingKey, 2));
        Assert.Throws<ArgumentException>(() => new KeyPackage(suite, kp.Identifier, kp.SigningShare, otherShare, kp.VerifyingKey, 2));
        Assert.Throws<FormatException>(() => new KeyPackage(suite, kp.Identifier, FrostTestKit.GroupOrder(suite), kp.VerifyingShare, kp.VerifyingKey, 2));
        using var copy = new KeyPackage(suite, kp.Identifier, kp.SigningShare, kp.VerifyingShare, kp.VerifyingKey, 2);
        Assert.Equal(kp.VerifyingShare, copy.VerifyingShare);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Secrets_are_redacted_in_ToString(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, 2, 3);
        var kp = dealt.KeyPackages[2];
        var text = kp.ToString();
        Assert.DoesNotContain(Convert.ToHexStringLower(kp.SigningShare), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToHexStringLower(kp.SigningShare[..8]), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(kp.SigningShare), text, StringComparison.Ordinal);
        Assert.Contains("<redacted>", text, StringComparison.Ordinal);

        using var nonces = Round1.Commit(kp);
        Assert.Equal("<redacted>", nonces.ToString());
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void A_disposed_key_package_cannot_sign(string suiteName)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, 2, 2);
        var kp = dealt.KeyPackages[0];
        var nonces = Round1.Commit(kp);
        var peer = Round1.Commit(dealt.KeyPackages[1]);
        var package = new SigningPackage([nonces.Commitments, peer.Commitments], Message);

        kp.Dispose();
        Assert.Throws<ObjectDisposedException>(() => Round1.Commit(kp));
        Assert.Throws<ObjectDisposedException>(() => Round2.Sign(package, nonces, kp));
        Assert.True(nonces.IsConsumed);
    }
}

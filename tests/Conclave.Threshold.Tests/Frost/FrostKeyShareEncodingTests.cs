using System.Buffers.Binary;
using System.Security.Cryptography;
using Conclave.Threshold.Frost.Ciphersuites;
using Conclave.Threshold.Frost.Keys;

namespace Conclave.Threshold.Tests.Frost;

/// <summary>
/// The "CFKS" version-1 storage encoding of a FROST key (<see cref="FrostKeyShareEncoding"/>): dealer
/// keys of every suite round-trip and the parsed packages sign, the length is exact, and every kind of
/// corruption is refused with a <see cref="FormatException"/> that names the check and holds no secret.
/// </summary>
public sealed class FrostKeyShareEncodingTests
{
    private const int HeaderLength = 12;
    private const int SelfOffset = 6;
    private const int ThresholdOffset = 8;
    private const int CountOffset = 10;

    private static readonly byte[] Message = [.. "Conclave FROST storage encoding test"u8];

    public static TheoryData<string, int, int> SuitesAndSizes
    {
        get
        {
            var data = new TheoryData<string, int, int>();
            foreach (var suite in FrostCiphersuite.All)
            {
                data.Add(suite.Name, 2, 3);
                data.Add(suite.Name, 3, 5);
            }

            return data;
        }
    }

    public static TheoryData<string, int, int, int> ExpectedLengths => new()
    {
        // 12 + Ne + n·(2 + Ne) + Ns: Ne = 32 (Ed25519) or 33 (SEC1 compressed), Ns = 32.
        { "ed25519", 2, 3, 178 },
        { "ed25519", 3, 5, 246 },
        { "secp256k1", 2, 3, 182 },
        { "secp256k1", 3, 5, 252 },
        { "secp256k1-tr", 2, 3, 182 },
        { "secp256k1-tr", 3, 5, 252 },
    };

    public static TheoryData<string, string, string> Corruptions
    {
        get
        {
            (string Corruption, string Reason)[] cases =
            [
                ("empty", "0 bytes is shorter than the 12-byte header"),
                ("header only minus one", "11 bytes is shorter than the 12-byte header"),
                ("truncated by one byte", "but 3 participants need exactly"),
                ("extra trailing byte", "but 3 participants need exactly"),
                ("bad magic", "magic bytes are not \"CFKS\""),
                ("version 0", "unknown version 0"),
                ("version 2", "unknown version 2"),
                ("suite id 0", "unknown suite id 0"),
                ("suite id 4", "unknown suite id 4"),
                ("count raised to 4", "but 4 participants need exactly"),
                ("t > n", "2 ≤ t ≤ n (t = 4, n = 3)"),
                ("t = 1", "2 ≤ t ≤ n (t = 1, n = 3)"),
                ("t = 0", "2 ≤ t ≤ n (t = 0, n = 3)"),
                ("zero id", "non-zero, distinct and ascending (id 0 follows 0)"),
                ("duplicate ids", "non-zero, distinct and ascending (id 1 follows 1)"),
                ("descending ids", "non-zero, distinct and ascending (id 2 follows 3)"),
                ("self not listed", "self id 4 is not in the participant list"),
                ("self zero", "self id 0 is not in the participant list"),
                ("off-curve verifying share", "verifying share of participant 2 is not a valid non-identity"),
                ("identity verifying share", "verifying share of participant 3 is not a valid non-identity"),
                ("identity group public key", "group public key is not a valid non-identity"),
                ("off-curve group public key", "group public key is not a valid non-identity"),
                ("non-canonical secret (= group order)", "secret share is not canonical or does not match"),
                ("non-canonical secret (all ones)", "secret share is not canonical or does not match"),
                ("zero secret", "secret share is not canonical or does not match"),
                ("secret plus one", "secret share is not canonical or does not match"),
                ("own verifying share replaced", "secret share is not canonical or does not match"),
                ("other verifying share replaced", "not on one polynomial of degree t−1"),
                ("basis verifying share replaced", "not on one polynomial of degree t−1"),
                ("group public key replaced", "not on one polynomial of degree t−1"),
                ("threshold raised by one", "not on one polynomial of degree t−1"),
            ];
            var data = new TheoryData<string, string, string>();
            foreach (var suite in FrostCiphersuite.All)
            {
                foreach (var (corruption, reason) in cases)
                {
                    data.Add(suite.Name, corruption, reason);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(SuitesAndSizes))]
    public void Every_participants_key_round_trips_with_equal_fields(string suiteName, int t, int n)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, t, n);
        foreach (var key in dealt.KeyPackages)
        {
            var bytes = FrostKeyShareEncoding.Serialize(key, dealt.PublicKeyPackage);
            try
            {
                var (parsedKey, parsedPublic) = FrostKeyShareEncoding.Parse(bytes);
                using (parsedKey)
                {
                    Assert.Same(suite, parsedKey.Suite);
                    Assert.Same(suite, parsedPublic.Suite);
                    Assert.Equal(key.Identifier, parsedKey.Identifier);
                    Assert.Equal(t, parsedKey.MinSigners);
                    Assert.Equal(t, parsedPublic.MinSigners);
                    Assert.Equal(key.VerifyingKey, parsedKey.VerifyingKey);
                    Assert.Equal(key.VerifyingShare, parsedKey.VerifyingShare);
                    Assert.True(parsedKey.SigningShare.SequenceEqual(key.SigningShare));
                    Assert.Equal(dealt.PublicKeyPackage.VerifyingKey, parsedPublic.VerifyingKey);
                    Assert.Equal(dealt.PublicKeyPackage.VerifyingShares.OrderBy(kv => kv.Key), parsedPublic.VerifyingShares.OrderBy(kv => kv.Key));
                    Assert.Equal(bytes, FrostKeyShareEncoding.Serialize(parsedKey, parsedPublic));
                }
            }
            finally
            {
                CryptographicOperations.ZeroMemory(bytes);
            }
        }
    }

    [Theory]
    [MemberData(nameof(SuitesAndSizes))]
    public void Parsed_packages_sign_and_the_signature_verifies(string suiteName, int t, int n)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, t, n);
        var parsed = dealt.KeyPackages.Select(k => FrostKeyShareEncoding.Parse(FrostKeyShareEncoding.Serialize(k, dealt.PublicKeyPackage))).ToList();
        try
        {
            var publicPackage = parsed[0].PublicKeyPackage;
            var publicKey = publicPackage.SerializePublicKey();
            Assert.Equal(dealt.PublicKeyPackage.SerializePublicKey(), publicKey);

            // The first t and the last t parsed keys both sign.
            foreach (var signers in new[] { parsed.Take(t), parsed.Skip(n - t) })
            {
                var signature = FrostTestKit.Sign([.. signers.Select(p => p.KeyPackage)], publicPackage, Message);
                FrostTestKit.AssertVerifies(suite, publicKey, Message, signature);
            }
        }
        finally
        {
            parsed.ForEach(p => p.KeyPackage.Dispose());
        }
    }

    [Theory]
    [MemberData(nameof(ExpectedLengths))]
    public void The_length_is_header_plus_group_key_plus_n_entries_plus_the_share(string suiteName, int t, int n, int expected)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, t, n);
        var group = suite.Group;
        Assert.Equal(HeaderLength + group.ElementLength + (n * (2 + group.ElementLength)) + group.ScalarLength, expected);
        var bytes = FrostKeyShareEncoding.Serialize(dealt.KeyPackages[n - 1], dealt.PublicKeyPackage);
        Assert.Equal(expected, bytes.Length);
        Assert.Equal("CFKS"u8.ToArray(), bytes[..4]);
        Assert.Equal(FrostKeyShareEncoding.EncodingVersion, bytes[4]);
        Assert.Equal(n, BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(SelfOffset)));
        Assert.Equal(t, BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(ThresholdOffset)));
        Assert.Equal(n, BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(CountOffset)));
    }

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Each_kind_of_corruption_is_refused_without_revealing_the_share(string suiteName, string corruption, string expectedReason)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, 2, 3);
        var bytes = FrostKeyShareEncoding.Serialize(dealt.KeyPackages[0], dealt.PublicKeyPackage);
        var secret = bytes[^suite.Group.ScalarLength..];
        Assert.True(secret.SequenceEqual(dealt.KeyPackages[0].SigningShare));

        var corrupted = Corrupt(suite, bytes, corruption);
        var e = Assert.Throws<FormatException>(() => FrostKeyShareEncoding.Parse(corrupted));
        Assert.Contains(expectedReason, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("Invalid FROST key share encoding: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(secret), e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(secret), e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Each_kind_of_corruption_is_refused_with_a_warm_public_part_cache_and_is_not_cached(string suiteName, string corruption, string expectedReason)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, 2, 3);
        var bytes = FrostKeyShareEncoding.Serialize(dealt.KeyPackages[0], dealt.PublicKeyPackage);
        var cache = new FrostPublicKeyPackageCache();
        FrostKeyShareEncoding.Parse(bytes, cache).KeyPackage.Dispose();
        Assert.Equal(1, cache.Count);

        // Corruptions of the secret share hit the cached public part; every other one misses it.
        var corrupted = Corrupt(suite, bytes, corruption);
        var e = Assert.Throws<FormatException>(() => FrostKeyShareEncoding.Parse(corrupted, cache));
        Assert.Contains(expectedReason, e.Message, StringComparison.Ordinal);
        Assert.Equal(1, cache.Count);
    }

    [Theory]
    [MemberData(nameof(SuitesAndSizes))]
    public void Parsing_again_through_the_cache_gives_the_same_packages_and_they_sign(string suiteName, int t, int n)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, t, n);
        var cache = new FrostPublicKeyPackageCache();
        var encoded = dealt.KeyPackages.Select(k => FrostKeyShareEncoding.Serialize(k, dealt.PublicKeyPackage)).ToList();
        encoded.ForEach(b => FrostKeyShareEncoding.Parse(b, cache).KeyPackage.Dispose());
        Assert.Equal(n, cache.Count); // the public part names self, so one entry per participant

        var parsed = encoded.Select(b => FrostKeyShareEncoding.Parse(b, cache)).ToList();
        try
        {
            Assert.Equal(n, cache.Count);
            for (var k = 0; k < n; k++)
            {
                Assert.Equal(encoded[k], FrostKeyShareEncoding.Serialize(parsed[k].KeyPackage, parsed[k].PublicKeyPackage));
                Assert.Equal(dealt.KeyPackages[k].VerifyingShare, parsed[k].KeyPackage.VerifyingShare);
            }

            var publicPackage = parsed[0].PublicKeyPackage;
            var signature = FrostTestKit.Sign([.. parsed.Take(t).Select(p => p.KeyPackage)], publicPackage, Message);
            FrostTestKit.AssertVerifies(suite, publicPackage.SerializePublicKey(), Message, signature);
        }
        finally
        {
            parsed.ForEach(p => p.KeyPackage.Dispose());
            encoded.ForEach(b => CryptographicOperations.ZeroMemory(b));
        }
    }

    [Fact]
    public void A_full_cache_is_emptied_before_it_takes_another_entry()
    {
        var suite = FrostCiphersuite.FromName("ed25519");
        using var dealt = TrustedDealer.Generate(suite, 2, 3);
        var cache = new FrostPublicKeyPackageCache(capacity: 2);
        foreach (var key in dealt.KeyPackages)
        {
            FrostKeyShareEncoding.Parse(FrostKeyShareEncoding.Serialize(key, dealt.PublicKeyPackage), cache).KeyPackage.Dispose();
        }

        Assert.Equal(1, cache.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrostPublicKeyPackageCache(capacity: 0));
    }

    [Theory]
    [MemberData(nameof(SuitesAndSizes))]
    public void Every_truncation_is_refused(string suiteName, int t, int n)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, t, n);
        var bytes = FrostKeyShareEncoding.Serialize(dealt.KeyPackages[1], dealt.PublicKeyPackage);
        var secretHex = Convert.ToHexString(bytes[^suite.Group.ScalarLength..]);
        for (var length = 0; length < bytes.Length; length++)
        {
            var e = Assert.Throws<FormatException>(() => FrostKeyShareEncoding.Parse(bytes.AsSpan(0, length)));
            Assert.DoesNotContain(secretHex, e.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [MemberData(nameof(SuitesAndSizes))]
    public void Serialize_refuses_packages_that_do_not_belong_together(string suiteName, int t, int n)
    {
        var suite = FrostCiphersuite.FromName(suiteName);
        using var dealt = TrustedDealer.Generate(suite, t, n);
        using var other = TrustedDealer.Generate(suite, t, n);
        var key = dealt.KeyPackages[0];
        var pkp = dealt.PublicKeyPackage;

        // Another key's public package.
        Assert.Throws<ArgumentException>(() => FrostKeyShareEncoding.Serialize(key, other.PublicKeyPackage));

        // Another suite.
        var otherSuite = FrostCiphersuite.All.First(s => s.Group != suite.Group);
        using var foreign = TrustedDealer.Generate(otherSuite, t, n);
        Assert.Throws<ArgumentException>(() => FrostKeyShareEncoding.Serialize(key, foreign.PublicKeyPackage));

        // The same shares under another threshold.
        var raised = new PublicKeyPackage(suite, pkp.VerifyingKey, pkp.VerifyingShares, t + 1);
        Assert.Throws<ArgumentException>(() => FrostKeyShareEncoding.Serialize(key, raised));

        // The participant is not listed.
        var without = new PublicKeyPackage(suite, pkp.VerifyingKey, pkp.VerifyingShares.Where(kv => kv.Key != key.Identifier).ToDictionary(), t);
        Assert.Throws<ArgumentException>(() => FrostKeyShareEncoding.Serialize(key, without));

        // The participant's verifying share is another participant's.
        var swapped = pkp.VerifyingShares.ToDictionary();
        swapped[key.Identifier] = pkp.VerifyingShares[FrostTestKit.Id(2)];
        Assert.Throws<ArgumentException>(() => FrostKeyShareEncoding.Serialize(key, new PublicKeyPackage(suite, pkp.VerifyingKey, swapped, t)));

        Assert.Throws<ArgumentNullException>(() => FrostKeyShareEncoding.Serialize(null!, pkp));
        Assert.Throws<ArgumentNullException>(() => FrostKeyShareEncoding.Serialize(key, null!));
    }

    /// <summary>Applies a named corruption to a 2-of-3 encoding of participant 1.</summary>
    private static byte[] Corrupt(FrostCiphersuite suite, byte[] original, string corruption)
    {
        var group = suite.Group;
        var ne = group.ElementLength;
        var ns = group.ScalarLength;
        var bytes = (byte[])original.Clone();
        var publicKeyOffset = HeaderLength;
        int EntryOffset(int index) => HeaderLength + ne + (index * (2 + ne));
        Span<byte> Element(int index) => bytes.AsSpan(EntryOffset(index) + 2, ne);
        var secret = bytes.AsSpan(bytes.Length - ns);
        var invalid = FrostTestKit.InvalidElementEncodings(suite);
        var identity = invalid[0].Encoding;
        var offCurve = invalid[1].Encoding;
        var otherPoint = group.SerializeElement(group.Add(group.Generator, group.Generator));

        switch (corruption)
        {
            case "empty":
                return [];
            case "header only minus one":
                return bytes[..(HeaderLength - 1)];
            case "truncated by one byte":
                return bytes[..^1];
            case "extra trailing byte":
                return [.. bytes, 0];
            case "bad magic":
                bytes[0] = (byte)'X';
                break;
            case "version 0":
                bytes[4] = 0;
                break;
            case "version 2":
                bytes[4] = 2;
                break;
            case "suite id 0":
                bytes[5] = 0;
                break;
            case "suite id 4":
                bytes[5] = 4;
                break;
            case "count raised to 4":
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(CountOffset), 4);
                break;
            case "t > n":
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(ThresholdOffset), 4);
                break;
            case "t = 1":
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(ThresholdOffset), 1);
                break;
            case "t = 0":
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(ThresholdOffset), 0);
                break;
            case "threshold raised by one":
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(ThresholdOffset), 3);
                break;
            case "zero id":
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(EntryOffset(0)), 0);
                break;
            case "duplicate ids":
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(EntryOffset(1)), 1);
                break;
            case "descending ids":
                // Swap the whole entries of participants 2 and 3 (id and verifying share).
                var second = bytes.AsSpan(EntryOffset(1), 2 + ne).ToArray();
                bytes.AsSpan(EntryOffset(2), 2 + ne).CopyTo(bytes.AsSpan(EntryOffset(1)));
                second.CopyTo(bytes.AsSpan(EntryOffset(2)));
                break;
            case "self not listed":
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(SelfOffset), 4);
                break;
            case "self zero":
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(SelfOffset), 0);
                break;
            case "off-curve verifying share":
                offCurve.CopyTo(Element(1));
                break;
            case "identity verifying share":
                identity.CopyTo(Element(2));
                break;
            case "identity group public key":
                identity.CopyTo(bytes.AsSpan(publicKeyOffset, ne));
                break;
            case "off-curve group public key":
                offCurve.CopyTo(bytes.AsSpan(publicKeyOffset, ne));
                break;
            case "non-canonical secret (= group order)":
                FrostTestKit.GroupOrder(suite).CopyTo(secret);
                break;
            case "non-canonical secret (all ones)":
                secret.Fill(0xFF);
                break;
            case "zero secret":
                secret.Clear();
                break;
            case "secret plus one":
                FrostTestKit.AddOne(group, secret).CopyTo(secret);
                break;
            case "own verifying share replaced":
                otherPoint.CopyTo(Element(0));
                break;
            case "other verifying share replaced":
                // Participant 3 is outside the interpolation basis {1, 2}: only the extra-point check catches it.
                otherPoint.CopyTo(Element(2));
                break;
            case "basis verifying share replaced":
                otherPoint.CopyTo(Element(1));
                break;
            case "group public key replaced":
                otherPoint.CopyTo(bytes.AsSpan(publicKeyOffset, ne));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(corruption), corruption, "unknown corruption");
        }

        return bytes;
    }
}

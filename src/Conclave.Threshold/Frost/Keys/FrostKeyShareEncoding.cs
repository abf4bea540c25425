using System.Buffers.Binary;
using Conclave.Crypto.Groups;
using Conclave.Threshold.Frost.Ciphersuites;

namespace Conclave.Threshold.Frost.Keys;

/// <summary>
/// The versioned storage encoding of one participant's FROST key: its <see cref="KeyPackage"/>
/// together with the group's <see cref="PublicKeyPackage"/>. Version 1, integers big-endian:
/// <code>
/// "CFKS" | 0x01 version | suite u8 (1 ed25519, 2 secp256k1, 3 secp256k1-tr) | self u16 | t u16 | n u16
///        | Y (element) | n × (id u16 | Y_id (element)), ids strictly ascending | s_self (scalar)
/// </code>
/// Elements use the suite group's full encoding (32 bytes Ed25519, 33 bytes SEC1 compressed), also
/// for Taproot (the x-only form is only the external public key). The output CONTAINS THE SECRET
/// SHARE: encrypt it before it leaves memory and wipe it after.
/// </summary>
public static class FrostKeyShareEncoding
{
    /// <summary>The encoding version written by <see cref="Serialize"/>.</summary>
    public const byte EncodingVersion = 1;

    private const int HeaderLength = 12; // magic 4, version 1, suite 1, self 2, t 2, n 2

    private static ReadOnlySpan<byte> Magic => "CFKS"u8;

    /// <summary>Encodes <paramref name="keyPackage"/> with <paramref name="publicKeyPackage"/> into a pinned array (secret-bearing).</summary>
    /// <exception cref="ArgumentException">The two packages do not belong together.</exception>
    public static byte[] Serialize(KeyPackage keyPackage, PublicKeyPackage publicKeyPackage)
    {
        ArgumentNullException.ThrowIfNull(keyPackage);
        ArgumentNullException.ThrowIfNull(publicKeyPackage);
        if (!ReferenceEquals(keyPackage.Suite, publicKeyPackage.Suite)
            || keyPackage.MinSigners != publicKeyPackage.MinSigners
            || !keyPackage.VerifyingKey.Equals(publicKeyPackage.VerifyingKey)
            || !publicKeyPackage.VerifyingShares.TryGetValue(keyPackage.Identifier, out var own)
            || !own.Equals(keyPackage.VerifyingShare))
        {
            throw new ArgumentException("The key package does not belong to the public key package.", nameof(publicKeyPackage));
        }

        var group = keyPackage.Suite.Group;
        var shares = publicKeyPackage.VerifyingShares.OrderBy(kv => kv.Key.Value).ToList();
        var result = GC.AllocateArray<byte>(EncodedLength(group, shares.Count), pinned: true);
        var span = result.AsSpan();
        Magic.CopyTo(span);
        span[4] = EncodingVersion;
        span[5] = SuiteId(keyPackage.Suite);
        BinaryPrimitives.WriteUInt16BigEndian(span[6..], keyPackage.Identifier.Value);
        BinaryPrimitives.WriteUInt16BigEndian(span[8..], checked((ushort)keyPackage.MinSigners));
        BinaryPrimitives.WriteUInt16BigEndian(span[10..], checked((ushort)shares.Count));
        var offset = HeaderLength;
        offset += group.SerializeElement(keyPackage.VerifyingKey, span[offset..]);
        foreach (var (id, share) in shares)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span[offset..], id.Value);
            offset += 2;
            offset += group.SerializeElement(share, span[offset..]);
        }

        keyPackage.SigningShare.CopyTo(span[offset..]);
        return result;
    }

    /// <summary>
    /// Decodes and validates an encoding written by <see cref="Serialize"/>: exact length, magic,
    /// version, known suite, 2 ≤ t ≤ n, non-zero ascending ids including self, valid non-identity
    /// elements, a canonical share with s_self·G = Y_self, and verifying shares on one polynomial of
    /// degree t−1 whose value at 0 is Y. Throws <see cref="FormatException"/> naming the failed check
    /// (never secret bytes). The caller wipes <paramref name="data"/>.
    /// </summary>
    public static (KeyPackage KeyPackage, PublicKeyPackage PublicKeyPackage) Parse(ReadOnlySpan<byte> data) => Parse(data, verifiedPublicParts: null);

    /// <summary>
    /// As <see cref="Parse(ReadOnlySpan{byte})"/>, but the public part (everything before the secret
    /// share) is looked up in <paramref name="verifiedPublicParts"/> by its SHA-256: when the same
    /// bytes were fully validated before, the element decoding and the polynomial-consistency check
    /// (the costly ones: about a dozen scalar multiplications) are not redone. The header, length
    /// and secret-share checks always run. Public parts that pass are added to the cache.
    /// </summary>
    public static (KeyPackage KeyPackage, PublicKeyPackage PublicKeyPackage) Parse(ReadOnlySpan<byte> data, FrostPublicKeyPackageCache? verifiedPublicParts)
    {
        if (data.Length < HeaderLength)
        {
            throw Invalid($"{data.Length} bytes is shorter than the {HeaderLength}-byte header");
        }

        if (!data[..4].SequenceEqual(Magic))
        {
            throw Invalid("the magic bytes are not \"CFKS\"");
        }

        if (data[4] != EncodingVersion)
        {
            throw Invalid($"unknown version {data[4]} (this build reads version {EncodingVersion})");
        }

        var suite = data[5] switch
        {
            1 => (FrostCiphersuite)Ed25519Sha512.Instance,
            2 => Secp256k1Sha256.Instance,
            3 => Secp256k1Taproot.Instance,
            _ => throw Invalid($"unknown suite id {data[5]}"),
        };
        var group = suite.Group;
        var self = BinaryPrimitives.ReadUInt16BigEndian(data[6..]);
        int threshold = BinaryPrimitives.ReadUInt16BigEndian(data[8..]);
        int count = BinaryPrimitives.ReadUInt16BigEndian(data[10..]);
        if (data.Length != EncodedLength(group, count))
        {
            throw Invalid($"{data.Length} bytes, but {count} participants need exactly {EncodedLength(group, count)}");
        }

        if (threshold < 2 || threshold > count)
        {
            throw Invalid($"the threshold must satisfy 2 ≤ t ≤ n (t = {threshold}, n = {count})");
        }

        var publicPart = data[..^group.ScalarLength];
        var cacheKey = verifiedPublicParts is null ? null : FrostPublicKeyPackageCache.KeyOf(publicPart);
        if (cacheKey is not null && verifiedPublicParts!.TryGet(cacheKey, out var verified))
        {
            // Same bytes as a public part validated before: same suite, self, t, Y and Y_i.
            var cachedSelf = new ParticipantId(self);
            var cachedShare = verified.VerifyingShares[cachedSelf];
            var cachedSecret = data[^group.ScalarLength..];
            CheckSecretShare(group, cachedSecret, cachedShare);
            return (new KeyPackage(suite, cachedSelf, cachedSecret, cachedShare, verified.VerifyingKey, threshold), verified);
        }

        var offset = HeaderLength;
        var publicKey = ReadElement(group, data, ref offset, "the group public key");
        var shares = new SortedDictionary<ParticipantId, Element>();
        ushort previous = 0;
        for (var k = 0; k < count; k++)
        {
            var id = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            offset += 2;
            if (id <= previous)
            {
                throw Invalid($"participant ids must be non-zero, distinct and ascending (id {id} follows {previous})");
            }

            shares[new ParticipantId(id)] = ReadElement(group, data, ref offset, $"the verifying share of participant {id}");
            previous = id;
        }

        if (self == 0 || !shares.TryGetValue(new ParticipantId(self), out var ownShare))
        {
            throw Invalid($"the self id {self} is not in the participant list");
        }

        var selfId = new ParticipantId(self);

        var secret = data[offset..];
        CheckSecretShare(group, secret, ownShare);

        if (!FrostMath.PublicSharesAreConsistent(group, publicKey, shares, threshold))
        {
            throw Invalid("the verifying shares are not on one polynomial of degree t−1 through the group public key");
        }

        var keyPackage = new KeyPackage(suite, selfId, secret, ownShare, publicKey, threshold);
        var publicKeyPackage = new PublicKeyPackage(suite, publicKey, shares, threshold);
        if (cacheKey is not null)
        {
            verifiedPublicParts!.Add(cacheKey, publicKeyPackage);
        }

        return (keyPackage, publicKeyPackage);
    }

    private static void CheckSecretShare(PrimeOrderGroup group, ReadOnlySpan<byte> secret, Element ownShare)
    {
        if (!group.IsCanonicalScalar(secret) || PrimeOrderGroup.IsZero(secret) || !group.MultiplyBase(secret).Equals(ownShare))
        {
            throw Invalid("the secret share is not canonical or does not match the participant's verifying share");
        }
    }

    private static int EncodedLength(PrimeOrderGroup group, int count) =>
        HeaderLength + group.ElementLength + (count * (2 + group.ElementLength)) + group.ScalarLength;

    private static byte SuiteId(FrostCiphersuite suite) => suite switch
    {
        Ed25519Sha512 => 1,
        Secp256k1Taproot => 3,
        Secp256k1Sha256 => 2,
        _ => throw new ArgumentException($"Suite {suite.Name} has no storage id.", nameof(suite)),
    };

    private static Element ReadElement(PrimeOrderGroup group, ReadOnlySpan<byte> data, ref int offset, string what)
    {
        if (!group.TryDeserializeElement(data.Slice(offset, group.ElementLength), out var element))
        {
            throw Invalid($"{what} is not a valid non-identity {group.Name} element");
        }

        offset += group.ElementLength;
        return element;
    }

    private static FormatException Invalid(string reason) => new($"Invalid FROST key share encoding: {reason}.");

}

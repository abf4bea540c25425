using System.Security.Cryptography;
using System.Text;
using Conclave.Crypto.Groups;
using Conclave.Crypto.Signatures;
using Conclave.Threshold.Cggmp.AuxInfo;
using Conclave.Threshold.Cggmp.Keygen;
using Conclave.Threshold.Cggmp.Presign;

namespace Conclave.Threshold.Tests.Cggmp;

/// <summary>
/// Presignatures stored and loaded: the frozen v1 example loads and signs, a fresh presignature
/// round-trips byte for byte, every corruption is refused with a message free of secrets, a used
/// presignature cannot be stored, and a copy restored from a backup is refused by the ledger.
/// </summary>
public sealed class PresignatureEncodingTests : IClassFixture<PresignatureEncodingTests.Frozen>
{
    private const string FrozenFile = "cggmp-presignature-2of3-party1.hex";
    private readonly Frozen _frozen;

    public PresignatureEncodingTests(Frozen frozen)
    {
        _frozen = frozen;
    }

    [Fact]
    public void The_frozen_v1_presignature_loads_and_with_its_partner_signs_under_the_frozen_key()
    {
        var stored = CompatV1.Read(FrozenFile);
        Assert.Equal("73a034e7a655f14190acf1a915a2c6d26f90595a8e19ac23701fb830d26ea541", Convert.ToHexStringLower(SHA256.HashData(stored)));
        using var mine = Presignature.Parse(stored);
        Assert.Equal(1, mine.Self.Value);
        Assert.Equal([new ParticipantId(1), new ParticipantId(2)], mine.Signers);
        Assert.Equal(CompatV1.PublicKeyHex, Convert.ToHexStringLower(Secp256k1Group.Instance.SerializeElement(mine.PublicKey)));
        Assert.Equal(stored, mine.Serialize());

        // Party 2's half comes from the same seeded run (the generator below reproduces it).
        var (p1, p2) = _frozen.Run();
        using (p1)
        using (p2)
        {
            Assert.Equal(stored, p1.Serialize());
            var hash = RandomNumberGenerator.GetBytes(32);
            var partials = new[] { CggmpSigning.PartialSign(mine, hash), CggmpSigning.PartialSign(p2, hash) };
            var signature = CggmpSigning.Combine(p2.PublicData, partials, hash);
            Assert.True(EcdsaSecp256k1.VerifyCompact(Convert.FromHexString(CompatV1.PublicKeyHex), hash, signature.ToCompact()));
        }
    }

    [Fact]
    public void A_restored_backup_of_a_used_presignature_is_refused_by_the_ledger()
    {
        var (p1, p2) = _frozen.Run();
        var ledger = new MemoryLedger();
        var backup = p1.Serialize();
        var hash = RandomNumberGenerator.GetBytes(32);
        CggmpSigning.PartialSign(p1, hash, ledger);
        Assert.Throws<InvalidOperationException>(() => p1.Serialize());

        using var restored = Presignature.Parse(backup);
        Assert.Throws<InvalidOperationException>(() => CggmpSigning.PartialSign(restored, RandomNumberGenerator.GetBytes(32), ledger));
        Assert.True(restored.IsConsumed);

        // The partner's presignature has a different owner but the same id: its own ledger is separate.
        Assert.Equal(p1.PublicData.Id, p2.PublicData.Id);
        CggmpSigning.PartialSign(p2, hash, new MemoryLedger());
        CryptographicOperations.ZeroMemory(backup);
    }

    [Fact]
    public void Every_corruption_is_refused_without_secrets_in_the_message()
    {
        var stored = CompatV1.Read(FrozenFile);
        using var original = Presignature.Parse(stored);
        var secretsHex = Convert.ToHexStringLower(stored.AsSpan(stored.Length - 64));
        var sidLength = stored[10];
        var delta = 11 + sidLength;
        var points = delta + 32;
        var entries = points + 99;
        var cases = new Dictionary<string, Func<byte[], byte[]>>
        {
            ["magic"] = b => Set(b, 0, (byte)'X'),
            ["version"] = b => Set(b, 4, 2),
            ["curve"] = b => Set(b, 5, 2),
            ["self not a signer"] = b => Set(b, 7, 9),
            ["count"] = b => Set(b, 9, 3),
            ["short session id"] = b => Set(b, 10, 15),
            ["truncated"] = b => b[..^1],
            ["trailing byte"] = b => [.. b, 0],
            ["δ changed"] = b => Flip(b, delta + 31),
            ["δ zero"] = b => Fill(b, delta, 32, 0),
            ["R changed"] = b => Flip(b, points + 32),
            ["R off the curve"] = b => Set(b, points, 5),
            ["Γ changed"] = b => Flip(b, points + 33 + 32),
            ["public key changed"] = b => Flip(b, points + 66 + 32),
            ["signer ids not ascending"] = b => Set(Set(b, entries + 1, 2), entries + 68 + 1, 1),
            ["signer id zero"] = b => Set(b, entries + 1, 0),
            ["Δ changed"] = b => Flip(b, entries + 2 + 32),
            ["S changed"] = b => Flip(b, entries + 68 + 35 + 32),
            ["k changed"] = b => Flip(b, b.Length - 33),
            ["χ changed"] = b => Flip(b, b.Length - 1),
            ["k not canonical"] = b => Fill(b, b.Length - 64, 32, 0xFF),
        };
        foreach (var (name, corrupt) in cases)
        {
            var bad = corrupt((byte[])stored.Clone());
            Assert.False(Presignature.TryParse(bad, out _), name);
            var e = Assert.Throws<FormatException>(() => Presignature.Parse(bad));
            Assert.DoesNotContain(secretsHex[..16], e.Message, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secretsHex[64..80], e.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void A_fresh_presignature_round_trips_and_prints_no_secret()
    {
        var (p1, p2) = _frozen.Run(fresh: true);
        using (p2)
        {
            var bytes = p1.Serialize();
            using var back = Presignature.Parse(bytes);
            Assert.Equal(bytes, back.Serialize());
            Assert.Equal(p1.PublicData.Id, back.PublicData.Id);
            Assert.Equal(p1.R, back.R);
            Assert.Equal("<redacted>", back.ToString());
            p1.Dispose();
            Assert.Throws<InvalidOperationException>(() => p1.Serialize());
        }
    }

    private static byte[] Set(byte[] b, int index, byte value)
    {
        b[index] = value;
        return b;
    }

    private static byte[] Flip(byte[] b, int index)
    {
        b[index] ^= 1;
        return b;
    }

    private static byte[] Fill(byte[] b, int start, int length, byte value)
    {
        b.AsSpan(start, length).Fill(value);
        return b;
    }

    /// <summary>An in-memory ledger (a node keeps it durably in its share store).</summary>
    private sealed class MemoryLedger : IPresignatureLedger
    {
        private readonly HashSet<string> _used = [];

        public bool TryMarkUsed(ReadOnlySpan<byte> presignatureId)
        {
            lock (_used)
            {
                return _used.Add(Convert.ToHexString(presignatureId));
            }
        }
    }

    /// <summary>
    /// The frozen v1 key shares and aux info, and the seeded presigning run that produced
    /// TestData/Compat/v1/cggmp-presignature-2of3-party1.hex: signers {1, 2}, session id
    /// SHA-256("conclave/compat/v1/presign-2of3"), party i's randomness
    /// SeededRandomSource("conclave/compat/v1/presign/party{i}").
    /// </summary>
    public sealed class Frozen : IDisposable
    {
        private readonly PresignTests.Setup _setup;

        public Frozen()
        {
            var shares = Enumerable.Range(1, 3).Select(p => CggmpCoreKeyShare.Parse(CompatV1.Read(CompatV1.KeyShareFile(p)))).ToList();
            var aux = Enumerable.Range(1, 3).Select(p => CggmpAuxInfo.Parse(CompatV1.Read(CompatV1.AuxInfoFile(p)))).ToList();
            _setup = new PresignTests.Setup(shares, aux);
        }

        /// <summary>Presigns with signers 1 and 2: the seeded run, or a fresh random one.</summary>
        public (Presignature Party1, Presignature Party2) Run(bool fresh = false)
        {
            var session = fresh ? SessionId.Random() : new SessionId(SHA256.HashData(Encoding.UTF8.GetBytes("conclave/compat/v1/presign-2of3")));
            var result = new PresignTests(_setup).Presign([1, 2], session, random: fresh ? null : id => new SeededRandomSource($"conclave/compat/v1/presign/party{id}"));
            return (result[0], result[1]);
        }

        public void Dispose() => _setup.Dispose();
    }
}

using System.Numerics;
using System.Text;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Transcripts;
using static Conclave.Crypto.Tests.BigNumbers.BigIntegerReference;

namespace Conclave.Crypto.Tests.Transcripts;

/// <summary>
/// <see cref="Transcript"/>: challenges are a deterministic function of the protocol name and of
/// every appended item, and any change in labels, values, types, order or item boundaries changes
/// them (the encoding is unambiguous).
/// </summary>
public sealed class TranscriptTests
{
    private const string Protocol = "conclave/test/v1";

    [Fact]
    public void Same_inputs_give_the_same_challenge()
    {
        var a = Challenge(StandardInputs);
        var b = Challenge(StandardInputs);
        Assert.Equal(64, a.Length);
        Assert.Equal(a, b);
    }

    [Fact]
    public void The_protocol_name_is_bound()
    {
        Assert.NotEqual(Challenge(StandardInputs), Challenge(StandardInputs, "conclave/test/v2"));
        Assert.NotEqual(Challenge(_ => { }, "a"), Challenge(_ => { }, "b"));
    }

    [Fact]
    public void The_protocol_name_is_not_the_same_as_an_appended_protocol_item()
    {
        // new Transcript("x") appends ("protocol", "x") itself; a transcript that appends more differs.
        var plain = Challenge(_ => { }, "x");
        var doubled = Challenge(t => t.Append("protocol", "x"u8), "x");
        Assert.NotEqual(plain, doubled);
    }

    [Fact]
    public void Constructor_rejects_an_empty_or_null_protocol_name()
    {
        Assert.Throws<ArgumentException>(() => new Transcript(""));
        Assert.Throws<ArgumentNullException>(() => new Transcript(null!));
    }

    [Fact]
    public void Changing_a_label_changes_the_challenge()
    {
        var reference = Challenge(t => t.Append("x", "value"u8));
        Assert.NotEqual(reference, Challenge(t => t.Append("y", "value"u8)));
        Assert.NotEqual(reference, Challenge(t => t.Append("x ", "value"u8)));
        Assert.NotEqual(reference, Challenge(t => t.Append("", "value"u8)));
    }

    [Fact]
    public void Changing_any_bit_of_a_value_changes_the_challenge()
    {
        var value = Enumerable.Range(0, 40).Select(i => (byte)i).ToArray();
        var reference = Challenge(t => t.Append("v", value));
        var seen = new HashSet<string> { Convert.ToHexString(reference) };
        for (var bit = 0; bit < value.Length * 8; bit++)
        {
            var changed = (byte[])value.Clone();
            changed[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.True(seen.Add(Convert.ToHexString(Challenge(t => t.Append("v", changed)))), $"bit {bit}");
        }
    }

    [Fact]
    public void Changing_the_order_of_items_changes_the_challenge()
    {
        var ab = Challenge(t =>
        {
            t.Append("a", "1"u8);
            t.Append("b", "2"u8);
        });
        var ba = Challenge(t =>
        {
            t.Append("b", "2"u8);
            t.Append("a", "1"u8);
        });
        Assert.NotEqual(ab, ba);
    }

    [Fact]
    public void The_type_of_an_item_is_bound()
    {
        // Bytes 00..05, ulong 5 and GmpInteger 5 must all hash differently, even with equal payload bytes.
        var asBytes = Challenge(t => t.Append("a", new byte[] { 0, 0, 0, 0, 0, 0, 0, 5 }));
        var asUlong = Challenge(t => t.Append("a", 5UL));
        using var five = GmpInteger.FromUInt64(5);
        var asInteger = Challenge(t => t.Append("a", five));
        var asIntegerBytes = Challenge(t => t.Append("a", new byte[] { 0, 5 })); // sign byte then magnitude
        var asChallenge = ChallengeAfterChallenge(8);
        Assert.Equal(5, new[] { asBytes, asUlong, asInteger, asIntegerBytes, asChallenge }.Select(Convert.ToHexString).Distinct().Count());
    }

    [Fact]
    public void Moving_a_byte_between_adjacent_items_changes_the_challenge()
    {
        var first = Challenge(t =>
        {
            t.Append("x", "ab"u8);
            t.Append("y", "c"u8);
        });
        var second = Challenge(t =>
        {
            t.Append("x", "a"u8);
            t.Append("y", "bc"u8);
        });
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Moving_bytes_between_label_and_value_changes_the_challenge()
    {
        var first = Challenge(t => t.Append("xa", "b"u8));
        var second = Challenge(t => t.Append("x", "ab"u8));
        var prefixOnly = Challenge(t => t.Append("x", "a"u8));
        Assert.NotEqual(first, second);

        // Splitting one item into two, or merging two into one, also changes it.
        var split = Challenge(t =>
        {
            t.Append("x", "a"u8);
            t.Append("x", "b"u8);
        });
        Assert.NotEqual(second, split);
        Assert.NotEqual(prefixOnly, split);
    }

    [Fact]
    public void A_value_that_embeds_the_encoding_of_a_further_item_is_not_that_item()
    {
        // What an encoder without value lengths would emit for Append("x", "a"), Append("y", ""):
        // ... 'a' ‖ u32(len "y") ‖ "y" ‖ type 'b'. Smuggled inside one value it must hash differently.
        byte[] smuggled = [(byte)'a', 0, 0, 0, 1, (byte)'y', (byte)'b'];
        var oneItem = Challenge(t => t.Append("x", smuggled));
        var twoItems = Challenge(t =>
        {
            t.Append("x", "a"u8);
            t.Append("y", ReadOnlySpan<byte>.Empty);
        });
        Assert.NotEqual(oneItem, twoItems);
    }

    [Fact]
    public void Empty_values_are_items_too()
    {
        var none = Challenge(_ => { });
        var empty = Challenge(t => t.Append("x", ReadOnlySpan<byte>.Empty));
        var twoEmpty = Challenge(t =>
        {
            t.Append("x", ReadOnlySpan<byte>.Empty);
            t.Append("x", ReadOnlySpan<byte>.Empty);
        });
        Assert.Equal(3, new[] { none, empty, twoEmpty }.Select(Convert.ToHexString).Distinct().Count());
    }

    [Fact]
    public void The_sign_of_an_integer_is_bound()
    {
        using var five = GmpInteger.FromUInt64(5);
        using var minusFive = GmpInteger.Negate(five);
        using var zero = new GmpInteger();
        Assert.NotEqual(Challenge(t => t.Append("i", five)), Challenge(t => t.Append("i", minusFive)));
        Assert.NotEqual(Challenge(t => t.Append("i", zero)), Challenge(t => t.Append("i", ReadOnlySpan<byte>.Empty)));

        using var same = GmpInteger.FromBytes([0, 0, 5]); // leading zeros don't matter: it is the same integer
        Assert.Equal(Challenge(t => t.Append("i", five)), Challenge(t => t.Append("i", same)));
    }

    [Fact]
    public void Large_integers_are_bound_by_value()
    {
        var value = RandomExactBits(2048);
        using var a = ToGmp(value);
        using var b = ToGmp(value + 1);
        using var c = ToGmp(value);
        Assert.NotEqual(Challenge(t => t.Append("n", a)), Challenge(t => t.Append("n", b)));
        Assert.Equal(Challenge(t => t.Append("n", a)), Challenge(t => t.Append("n", c)));
    }

    [Fact]
    public void Successive_challenges_differ_and_depend_on_earlier_ones()
    {
        using var t1 = new Transcript(Protocol);
        var first = new byte[32];
        var second = new byte[32];
        t1.ChallengeBytes("c", first);
        t1.ChallengeBytes("c", second);
        Assert.NotEqual(first, second);

        // A challenge is appended back: a transcript that drew a different-length first challenge
        // (or used another label for it) continues differently.
        using var t2 = new Transcript(Protocol);
        t2.ChallengeBytes("c", new byte[33]);
        var afterLonger = new byte[32];
        t2.ChallengeBytes("c", afterLonger);
        Assert.NotEqual(second, afterLonger);

        using var t3 = new Transcript(Protocol);
        t3.ChallengeBytes("d", new byte[32]);
        var afterOtherLabel = new byte[32];
        t3.ChallengeBytes("c", afterOtherLabel);
        Assert.NotEqual(second, afterOtherLabel);

        // Appending after a challenge changes the next one too.
        using var t4 = new Transcript(Protocol);
        t4.ChallengeBytes("c", new byte[32]);
        t4.Append("response", "z"u8);
        var afterResponse = new byte[32];
        t4.ChallengeBytes("c", afterResponse);
        Assert.NotEqual(second, afterResponse);
    }

    [Fact]
    public void The_challenge_label_is_bound()
    {
        Assert.NotEqual(Challenge(StandardInputs, label: "e"), Challenge(StandardInputs, label: "f"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(100)]
    [InlineData(128)]
    [InlineData(200)]
    public void Multi_block_challenges_are_deterministic_and_not_repetitive(int length)
    {
        var a = Challenge(StandardInputs, length: length);
        var b = Challenge(StandardInputs, length: length);
        Assert.Equal(length, a.Length);
        Assert.Equal(a, b);
        for (var block = 64; block + 64 <= length; block += 64)
        {
            Assert.NotEqual(a[..64], a[block..(block + 64)]);
        }

        if (length >= 16)
        {
            Assert.True(a.Distinct().Count() > length / 4, "challenge bytes look degenerate");
        }
    }

    [Fact]
    public void An_empty_challenge_is_allowed_and_still_advances_the_transcript()
    {
        using var t = new Transcript(Protocol);
        t.ChallengeBytes("c", Span<byte>.Empty);
        var next = new byte[32];
        t.ChallengeBytes("c", next);
        Assert.NotEqual(Challenge(_ => { }, length: 32), next);
    }

    [Fact]
    public void ChallengeBelow_is_below_the_bound_and_covers_a_small_range()
    {
        using var ten = GmpInteger.FromUInt64(10);
        var counts = new int[10];
        for (var i = 0; i < 500; i++)
        {
            using var t = new Transcript(Protocol);
            t.Append("i", (ulong)i);
            using var x = t.ChallengeBelow("e", ten);
            Assert.False(x.IsNegative);
            Assert.True(x.CompareTo(ten) < 0);
            counts[(int)x.ToBigInteger()]++;
        }

        // Every value appears; a light chi-square check (9 degrees of freedom, 27.9 is the 0.1 % tail).
        Assert.All(counts, c => Assert.True(c > 0));
        var chiSquare = counts.Sum(c => (c - 50.0) * (c - 50.0) / 50.0);
        Assert.True(chiSquare < 27.9, $"chi-square {chiSquare:F1}: {string.Join(",", counts)}");
    }

    [Fact]
    public void ChallengeBelow_is_deterministic_and_stays_below_large_and_awkward_bounds()
    {
        foreach (var bound in new[] { BigInteger.One, 2, 3, 255, 256, 257, (BigInteger.One << 256) + 1, RandomExactBits(2048) })
        {
            using var gb = ToGmp(bound);
            for (var i = 0; i < 20; i++)
            {
                using var t1 = Seeded(i);
                using var t2 = Seeded(i);
                using var x = t1.ChallengeBelow("e", gb);
                using var y = t2.ChallengeBelow("e", gb);
                Assert.True(x.CompareTo(gb) < 0 && !x.IsNegative);
                Assert.Equal(x.ToBigInteger(), y.ToBigInteger());
            }
        }
    }

    [Fact]
    public void ChallengeBelow_rejects_a_zero_or_negative_bound()
    {
        using var t = new Transcript(Protocol);
        using var zero = new GmpInteger();
        using var negative = ToGmp(-5);
        Assert.Throws<ArgumentOutOfRangeException>(() => t.ChallengeBelow("e", zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.ChallengeBelow("e", negative));
    }

    [Fact]
    public void ChallengeSigned_stays_in_minus_b_to_b_and_takes_both_signs_and_both_endpoints()
    {
        using var three = GmpInteger.FromUInt64(3);
        var seen = new HashSet<int>();
        for (var i = 0; i < 300; i++)
        {
            using var t = Seeded(i);
            var v = (int)Take(t.ChallengeSigned("e", three));
            Assert.InRange(v, -3, 3);
            seen.Add(v);
        }

        Assert.Equal(Enumerable.Range(-3, 7), seen.Order());

        var bound = BigInteger.One << 256;
        using var gb = ToGmp(bound);
        var negatives = 0;
        for (var i = 0; i < 100; i++)
        {
            using var t = Seeded(i);
            var v = Take(t.ChallengeSigned("e", gb));
            Assert.True(BigInteger.Abs(v) <= bound);
            negatives += v.Sign < 0 ? 1 : 0;
        }

        Assert.InRange(negatives, 20, 80);
    }

    [Fact]
    public void ChallengeSigned_with_bound_zero_is_zero()
    {
        using var t = new Transcript(Protocol);
        using var zero = new GmpInteger();
        Assert.True(Take(t.ChallengeSigned("e", zero)).IsZero);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(80)]
    [InlineData(128)]
    [InlineData(1000)]
    public void ChallengeBits_returns_the_requested_count_deterministically(int count)
    {
        using var t1 = Seeded(7);
        using var t2 = Seeded(7);
        var a = t1.ChallengeBits("e", count);
        var b = t2.ChallengeBits("e", count);
        Assert.Equal(count, a.Length);
        Assert.Equal(a, b);
        if (count >= 80)
        {
            // Both values occur in a nontrivial number of places.
            Assert.InRange(a.Count(bit => bit), count / 4, count - (count / 4));
        }
    }

    [Fact]
    public void ChallengeBits_are_the_bits_of_the_challenge_bytes_least_significant_first()
    {
        using var t1 = Seeded(3);
        using var t2 = Seeded(3);
        var bytes = new byte[2];
        t1.ChallengeBytes("e", bytes);
        var bits = t2.ChallengeBits("e", 16);
        for (var i = 0; i < 16; i++)
        {
            Assert.Equal(((bytes[i / 8] >> (i % 8)) & 1) == 1, bits[i]);
        }
    }

    [Fact]
    public void Null_labels_and_values_are_rejected()
    {
        using var t = new Transcript(Protocol);
        Assert.Throws<ArgumentNullException>(() => t.Append(null!, "x"u8));
        Assert.Throws<ArgumentNullException>(() => t.Append("x", (GmpInteger)null!));
        Assert.Throws<ArgumentNullException>(() => t.ChallengeBelow("e", null!));
        Assert.Throws<ArgumentNullException>(() => t.ChallengeSigned("e", null!));
    }

    [Fact]
    public void Use_after_Dispose_throws_ObjectDisposedException()
    {
        var t = new Transcript(Protocol);
        t.Dispose();
        Assert.Throws<ObjectDisposedException>(() => t.Append("x", "y"u8));
        Assert.Throws<ObjectDisposedException>(() => t.ChallengeBytes("e", new byte[8]));
    }

    private static void StandardInputs(Transcript t)
    {
        t.Append("session", "0123456789abcdef"u8);
        t.Append("party", 3UL);
        using var n = GmpInteger.FromBytes(Encoding.UTF8.GetBytes("a public modulus, say"));
        t.Append("N", n);
    }

    private static byte[] Challenge(Action<Transcript> build, string protocol = Protocol, string label = "e", int length = 64)
    {
        using var t = new Transcript(protocol);
        build(t);
        var challenge = new byte[length];
        t.ChallengeBytes(label, challenge);
        return challenge;
    }

    /// <summary>The challenge after a first challenge of <paramref name="length"/> bytes drawn with label "a".</summary>
    private static byte[] ChallengeAfterChallenge(int length)
    {
        using var t = new Transcript(Protocol);
        t.ChallengeBytes("a", new byte[length]);
        var challenge = new byte[64];
        t.ChallengeBytes("e", challenge);
        return challenge;
    }

    private static Transcript Seeded(int i)
    {
        var t = new Transcript(Protocol);
        t.Append("seed", (ulong)i);
        return t;
    }
}

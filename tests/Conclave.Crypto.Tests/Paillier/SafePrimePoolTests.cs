using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Paillier;
using Conclave.Crypto.Random;
using static Conclave.Crypto.Tests.BigNumbers.BigIntegerReference;

namespace Conclave.Crypto.Tests.Paillier;

/// <summary>
/// <see cref="SafePrimePool"/>: fills in the background, hands each prime out once (gone from memory
/// and from the encrypted file before it is returned, also across restarts and under concurrency),
/// and refuses a wrong key, a tampered or truncated file and a file holding a bad prime. Real pools
/// hold 1024-bit primes; these tests use 128–256 bits so each prime takes milliseconds.
/// </summary>
public sealed class SafePrimePoolTests : IDisposable
{
    private const int Bits = 128;
    private const int TestTimeout = 120_000;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("conclave-pool-");
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(SafePrimePool.StorageKeyLength);

    private string PoolPath => Path.Combine(_directory.FullName, "primes.pool");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact(Timeout = TestTimeout)]
    public async Task Pool_fills_to_its_target_size_and_persists_every_prime()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var pool = Open(target: 4);
        await pool.WaitUntilFullAsync(ct);
        Assert.Equal(4, pool.Count);

        await Task.Delay(300, ct);
        Assert.Equal(4, pool.Count); // the refill stops at the target

        var stored = ReadFile();
        Assert.Equal(4, stored.Count);
        Assert.Equal(4, stored.Distinct().Count());
        foreach (var p in stored)
        {
            using var gp = ToGmp(p);
            SafePrimesTests.AssertWellShapedSafePrime(gp, Bits);
        }
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Take_returns_a_safe_prime_of_the_configured_size()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var pool = new SafePrimePool(MemoryOptions(target: 2, bits: 256), _key);
        await pool.WaitUntilFullAsync(ct);
        using var p = await pool.TakeAsync(ct);
        SafePrimesTests.AssertWellShapedSafePrime(p, 256);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Taken_prime_is_removed_from_the_file_before_it_is_returned()
    {
        var ct = TestContext.Current.CancellationToken;
        await FillAndCloseAsync(3, ct);
        var before = File.ReadAllBytes(PoolPath);

        // Target 0: no background refill rewrites the file, so only TakeAsync can have changed it.
        await using var pool = Open(target: 0);
        using var p = await pool.TakeAsync(ct);
        var taken = p.ToBigInteger();

        // The pool is still open: what is on disk now is what a crash right here would leave.
        var after = File.ReadAllBytes(PoolPath);
        var stored = Decrypt(after);
        Assert.Contains(taken, Decrypt(before));
        Assert.DoesNotContain(taken, stored);
        Assert.Equal(2, stored.Count);
        Assert.Equal(2, pool.Count);
        Assert.False(before.AsSpan(1, 12).SequenceEqual(after.AsSpan(1, 12)), "each rewrite uses a fresh nonce");
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Taken_prime_is_gone_after_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        await FillAndCloseAsync(3, ct);
        BigInteger taken;
        await using (var pool = Open(target: 0))
        {
            using var p = await pool.TakeAsync(ct);
            taken = p.ToBigInteger();
        }

        await using var reopened = Open(target: 0);
        Assert.Equal(2, reopened.Count);
        var remaining = new List<BigInteger>();
        for (var i = 0; i < 2; i++)
        {
            using var q = await reopened.TakeAsync(ct);
            remaining.Add(q.ToBigInteger());
        }

        Assert.DoesNotContain(taken, remaining);
        Assert.Equal(2, remaining.Distinct().Count());
        Assert.Equal(0, reopened.Count);
        Assert.Empty(ReadFile());
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Refill_after_a_take_tops_the_file_up_without_the_taken_prime()
    {
        var ct = TestContext.Current.CancellationToken;
        BigInteger taken;
        await using (var pool = Open(target: 3))
        {
            await pool.WaitUntilFullAsync(ct);
            using var p = await pool.TakeAsync(ct);
            taken = p.ToBigInteger();
            await pool.WaitUntilFullAsync(ct);
            Assert.Equal(3, pool.Count);
        }

        var stored = ReadFile();
        Assert.Equal(3, stored.Count);
        Assert.DoesNotContain(taken, stored);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Concurrent_takes_never_hand_out_the_same_prime()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var pool = Open(target: 8);
        await pool.WaitUntilFullAsync(ct);
        var inPool = ReadFile();

        var takes = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            using var p = await pool.TakeAsync(ct);
            SafePrimesTests.AssertWellShapedSafePrime(p, Bits);
            return p.ToBigInteger();
        }));
        var taken = await Task.WhenAll(takes);

        Assert.Equal(16, taken.Distinct().Count());
        var stored = ReadFile();
        Assert.Empty(stored.Intersect(taken));
        Assert.All(inPool, p => Assert.True(taken.Contains(p) ^ stored.Contains(p))); // each pooled prime either went out once or is still stored
        Assert.Contains(taken, inPool.Contains);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Wrong_key_is_rejected_with_a_message_that_names_no_prime()
    {
        var ct = TestContext.Current.CancellationToken;
        await FillAndCloseAsync(3, ct);
        var primes = ReadFile();
        var wrongKey = RandomNumberGenerator.GetBytes(SafePrimePool.StorageKeyLength);

        var e = Assert.Throws<CryptographicException>(() => new SafePrimePool(Options(target: 0), wrongKey));
        AssertNamesNoSecret(e, primes, wrongKey);
        AssertNamesNoSecret(e, primes, _key);

        await using var rightKey = Open(target: 0);
        Assert.Equal(3, rightKey.Count);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Flipped_byte_anywhere_in_the_file_is_rejected()
    {
        var ct = TestContext.Current.CancellationToken;
        await FillAndCloseAsync(2, ct);
        var original = File.ReadAllBytes(PoolPath);
        var positions = new[] { 0, 1, 12, 13, 14, original.Length / 2, original.Length - 17, original.Length - 16, original.Length - 1 };
        foreach (var position in positions)
        {
            var tampered = (byte[])original.Clone();
            tampered[position] ^= 0x01;
            File.WriteAllBytes(PoolPath, tampered);
            var e = Assert.Throws<CryptographicException>(() => new SafePrimePool(Options(target: 0), _key));
            AssertNamesNoSecret(e, Decrypt(original), _key);
        }

        File.WriteAllBytes(PoolPath, original);
        await using var pool = Open(target: 0);
        Assert.Equal(2, pool.Count);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Truncated_file_is_rejected()
    {
        var ct = TestContext.Current.CancellationToken;
        await FillAndCloseAsync(2, ct);
        var original = File.ReadAllBytes(PoolPath);
        var entry = 4 + (Bits / 8);
        foreach (var length in new[] { 0, 1, 13, 28, original.Length - entry, original.Length - 16, original.Length - 1 })
        {
            File.WriteAllBytes(PoolPath, original[..length]);
            Assert.Throws<CryptographicException>(() => new SafePrimePool(Options(target: 0), _key));
        }

        File.WriteAllBytes(PoolPath, original);
        await using var pool = Open(target: 0);
        Assert.Equal(2, pool.Count);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task File_written_for_another_prime_size_is_rejected()
    {
        var ct = TestContext.Current.CancellationToken;
        await FillAndCloseAsync(2, ct);
        Assert.Throws<CryptographicException>(() => new SafePrimePool(Options(target: 0, bits: Bits + 8), _key));
    }

    [Theory(Timeout = TestTimeout)]
    [InlineData(BadEntry.PrimeButNotSafe)]
    [InlineData(BadEntry.Composite)]
    [InlineData(BadEntry.SafePrimeOfTheWrongSize)]
    [InlineData(BadEntry.SameSafePrimeTwice)]
    public async Task File_holding_anything_but_distinct_safe_primes_of_the_right_size_is_rejected(BadEntry kind)
    {
        var ct = TestContext.Current.CancellationToken;
        using var good = SafePrimes.Generate(Bits, cancellationToken: ct);
        using var bad = MakeBadEntry(kind, good, ct);

        // Control: the same helper writes a file that loads when every entry is good.
        File.WriteAllBytes(PoolPath, SafePrimePoolFile.Encrypt([good], Bits, _key));
        await using (var control = Open(target: 0))
        {
            Assert.Equal(1, control.Count);
        }

        File.WriteAllBytes(PoolPath, SafePrimePoolFile.Encrypt([good, bad], Bits, _key));
        var e = Assert.Throws<CryptographicException>(() => new SafePrimePool(Options(target: 0), _key));
        AssertNamesNoSecret(e, [good.ToBigInteger(), bad.ToBigInteger()], _key);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Empty_pool_generates_a_fresh_prime_instead_of_waiting()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var pool = Open(target: 0);
        Assert.Equal(0, pool.Count);
        using var p = await pool.TakeAsync(ct);
        SafePrimesTests.AssertWellShapedSafePrime(p, Bits);
        Assert.Equal(0, pool.Count);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Dispose_stops_the_background_refill()
    {
        var ct = TestContext.Current.CancellationToken;
        var random = new CountingRandomSource();
        await using var pool = new SafePrimePool(Options(target: 100_000, bits: 256), _key, random);
        while (pool.Count < 2)
        {
            await Task.Delay(10, ct);
        }

        await pool.DisposeAsync();
        Assert.True(pool.RefillTask.IsCompletedSuccessfully);
        Assert.Null(pool.BackgroundFault);
        Assert.Equal(0, pool.Count);

        var draws = random.Calls;
        var file = File.ReadAllBytes(PoolPath);
        await Task.Delay(500, ct);
        Assert.Equal(draws, random.Calls); // no search runs any more
        Assert.Equal(file, File.ReadAllBytes(PoolPath)); // and nothing rewrites the file
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await pool.TakeAsync(ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pool.WaitUntilFullAsync(ct));
        await pool.DisposeAsync(); // idempotent

        await using var reopened = new SafePrimePool(Options(target: 0, bits: 256), _key); // the lock file was released
        Assert.True(reopened.Count >= 2);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task TakePaillierKeyAsync_builds_a_key_from_two_distinct_pool_primes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var pool = Open(target: 4);
        await pool.WaitUntilFullAsync(ct);
        var inPool = ReadFile();

        using var key = await pool.TakePaillierKeyAsync(ct);
        var p = key.P.ToBigInteger();
        var q = key.Q.ToBigInteger();
        Assert.NotEqual(p, q);
        Assert.Contains(p, inPool);
        Assert.Contains(q, inPool);
        SafePrimesTests.AssertWellShapedSafePrime(key.P, Bits);
        SafePrimesTests.AssertWellShapedSafePrime(key.Q, Bits);
        Assert.Equal(2 * Bits, key.PublicKey.Bits);
        Assert.Equal(p * q, key.PublicKey.N.ToBigInteger());
        var stored = ReadFile();
        Assert.DoesNotContain(p, stored);
        Assert.DoesNotContain(q, stored);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Background_failure_surfaces_to_waiters_and_takers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var pool = new SafePrimePool(MemoryOptions(target: 2), _key, new FailingRandomSource());

        var waitError = await Assert.ThrowsAsync<InvalidOperationException>(() => pool.WaitUntilFullAsync(ct));
        Assert.True(ChainContainsEntropyFailure(waitError));
        Assert.NotNull(pool.BackgroundFault);
        Assert.True(ChainContainsEntropyFailure(pool.BackgroundFault));

        var takeError = await Assert.ThrowsAsync<InvalidOperationException>(async () => await pool.TakeAsync(ct));
        Assert.Same(pool.BackgroundFault, takeError.InnerException);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Pool_file_is_readable_by_its_owner_only_and_no_temporary_file_is_left()
    {
        var ct = TestContext.Current.CancellationToken;
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix file modes only");
            return;
        }

        File.WriteAllBytes(PoolPath, SafePrimePoolFile.Encrypt([], Bits, _key));
        File.SetUnixFileMode(PoolPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using var pool = Open(target: 2);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(PoolPath)); // narrowed on open
        await pool.WaitUntilFullAsync(ct);
        using var p = await pool.TakeAsync(ct);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(PoolPath));
        Assert.False(File.Exists(PoolPath + ".tmp"));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Second_pool_on_the_same_file_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var first = Open(target: 1);
        await first.WaitUntilFullAsync(ct);
        Assert.Throws<IOException>(() => new SafePrimePool(Options(target: 1), _key));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task ToString_shows_the_count_and_nothing_secret()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var pool = Open(target: 2);
        await pool.WaitUntilFullAsync(ct);
        Assert.Equal("SafePrimePool(2 primes)", pool.ToString());
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Cancelled_take_from_an_empty_pool_throws_and_hands_out_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var pool = Open(target: 0);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pool.TakeAsync(cts.Token));
        Assert.Equal(0, pool.Count);
    }

    [Fact]
    public void Constructor_rejects_a_short_key_and_invalid_options()
    {
        Assert.Throws<ArgumentException>(() => new SafePrimePool(MemoryOptions(target: 1), new byte[31]));
        Assert.Throws<ArgumentException>(() => new SafePrimePool(MemoryOptions(target: 1), new byte[33]));
        Assert.ThrowsAny<ArgumentException>(() => new SafePrimePool(MemoryOptions(target: 1, bits: 15), _key));
        Assert.ThrowsAny<ArgumentException>(() => new SafePrimePool(MemoryOptions(target: -1), _key));
        Assert.ThrowsAny<ArgumentException>(() => new SafePrimePool(MemoryOptions(target: 1) with { Parallelism = -1 }, _key));
        Assert.ThrowsAny<ArgumentException>(() => new SafePrimePool(MemoryOptions(target: 1) with { FilePath = string.Empty }, _key));
        Assert.False(File.Exists(PoolPath));
    }

    public enum BadEntry
    {
        PrimeButNotSafe,
        Composite,
        SafePrimeOfTheWrongSize,
        SameSafePrimeTwice,
    }

    private static SafePrimePoolOptions MemoryOptions(int target, int bits = Bits) =>
        SafePrimePoolOptions.Default with { PrimeBits = bits, TargetSize = target, FilePath = null, Parallelism = 1 };

    private SafePrimePoolOptions Options(int target, int bits = Bits) => MemoryOptions(target, bits) with { FilePath = PoolPath };

    private SafePrimePool Open(int target) => new(Options(target), _key);

    private async Task FillAndCloseAsync(int target, CancellationToken ct)
    {
        await using var pool = Open(target);
        await pool.WaitUntilFullAsync(ct);
    }

    private List<BigInteger> ReadFile() => Decrypt(File.ReadAllBytes(PoolPath));

    private List<BigInteger> Decrypt(byte[] file)
    {
        var primes = SafePrimePoolFile.Decrypt(file, Bits, _key);
        try
        {
            return [.. primes.Select(p => p.ToBigInteger())];
        }
        finally
        {
            primes.ForEach(p => p.Dispose());
        }
    }

    private static GmpInteger MakeBadEntry(BadEntry kind, GmpInteger good, CancellationToken ct)
    {
        switch (kind)
        {
            case BadEntry.PrimeButNotSafe:
                return ToGmp(RandomWellShaped(p => IsProbablePrime(p) && !IsProbablePrime((p - 1) / 2)));
            case BadEntry.Composite:
                return ToGmp(RandomWellShaped(p => !IsProbablePrime(p)));
            case BadEntry.SafePrimeOfTheWrongSize:
                return SafePrimes.Generate(Bits - 8, cancellationToken: ct);
            case BadEntry.SameSafePrimeTwice:
                return good.Clone();
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    /// <summary>Neither the message nor the full exception text shows a prime (hex or decimal) or the key.</summary>
    private static void AssertNamesNoSecret(Exception e, IEnumerable<BigInteger> primes, byte[] key)
    {
        var text = e.ToString();
        foreach (var p in primes)
        {
            var hex = Convert.ToHexString(p.ToByteArray(isUnsigned: true, isBigEndian: true));
            Assert.DoesNotContain(hex, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(hex[..16], text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(p.ToString(CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Convert.ToHexString(key)[..16], text, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A random odd <see cref="Bits"/>-bit value with the two top bits set (as pool primes have) that satisfies <paramref name="accept"/>.</summary>
    private static BigInteger RandomWellShaped(Func<BigInteger, bool> accept)
    {
        var top = (BigInteger.One << (Bits - 1)) | (BigInteger.One << (Bits - 2));
        while (true)
        {
            var candidate = RandomBits(Bits) | top | BigInteger.One;
            if (accept(candidate))
            {
                return candidate;
            }
        }
    }

    private static bool ChainContainsEntropyFailure(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e.Message == FailingRandomSource.Message || (e is AggregateException a && a.InnerExceptions.Any(ChainContainsEntropyFailure)))
            {
                return true;
            }
        }

        return false;
    }

    private sealed class CountingRandomSource : IRandomSource
    {
        private long _calls;

        public long Calls => Interlocked.Read(ref _calls);

        public void Fill(Span<byte> destination)
        {
            Interlocked.Increment(ref _calls);
            RandomNumberGenerator.Fill(destination);
        }
    }

    private sealed class FailingRandomSource : IRandomSource
    {
        public const string Message = "test entropy source failed";

        public void Fill(Span<byte> destination) => throw new InvalidOperationException(Message);
    }
}

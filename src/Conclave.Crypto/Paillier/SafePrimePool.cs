using System.Diagnostics;
using System.Security.Cryptography;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Random;

namespace Conclave.Crypto.Paillier;

/// <summary>
/// A pool of safe primes this node generated itself, refilled in the background, so CGGMP21
/// auxiliary info (two fresh 1024-bit safe primes per party, 0.1–1 s each) need not wait for a
/// prime search.
/// </summary>
/// <remarks>
/// <para>
/// <b>Single use.</b> <see cref="TakeAsync"/> hands each prime out exactly once: the prime is removed
/// from memory and, for a file-backed pool, the file is rewritten without it (atomically and
/// durably) before it is returned. A crash or restart can therefore never hand the same prime out
/// twice; two Paillier moduli sharing a prime would be factored by a single gcd.
/// </para>
/// <para>
/// <b>Storage.</b> With <see cref="SafePrimePoolOptions.FilePath"/> set, the pool lives in one
/// AES-256-GCM encrypted file (version byte ‖ 12-byte nonce ‖ ciphertext ‖ 16-byte tag; the AAD
/// binds <c>conclave/safe-prime-pool/v1</c>, the version and the prime size), mode 0600 on Unix,
/// replaced by write-temporary, fsync, rename, fsync-directory. Loading re-checks every prime with
/// <see cref="SafePrimes.IsSafePrime"/> and its size; a wrong key, a tampered or truncated file, or a
/// bad prime throws <see cref="CryptographicException"/> with no secret in its message. A lock file
/// next to it keeps a second pool (in any process) off the same file.
/// </para>
/// <para>
/// <b>Background refill.</b> One task tops the pool up to <see cref="SafePrimePoolOptions.TargetSize"/>
/// with <see cref="SafePrimes.Generate"/>. If it fails, the failure is kept in
/// <see cref="BackgroundFault"/> and every later <see cref="TakeAsync"/> or
/// <see cref="WaitUntilFullAsync"/> throws <see cref="InvalidOperationException"/> wrapping it;
/// dispose the pool and create a new one. <see cref="DisposeAsync"/> stops the task, waits for it,
/// and wipes the primes and the storage key. A pool that is never disposed keeps its task running.
/// </para>
/// <para>
/// The random source (used for the prime search, possibly from several threads) must be
/// thread-safe; file nonces always come from <see cref="RandomNumberGenerator"/>.
/// </para>
/// </remarks>
[DebuggerDisplay("SafePrimePool({Count} primes)")]
public sealed class SafePrimePool : IAsyncDisposable
{
    /// <summary>Length of the storage key (an AES-256 key the caller derives from the node data key).</summary>
    public const int StorageKeyLength = 32;

    private readonly SafePrimePoolOptions _options;
    private readonly string? _path;
    private readonly SecretBytes _storageKey;
    private readonly IRandomSource _random;
    private readonly FileStream? _lockFile;
    private readonly List<GmpInteger> _primes; // guarded by _gate, as is every file write
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _refillSignal = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _refillTask;
    private TaskCompletionSource _full = NewSignal(); // replaced under _gate when the pool drops below target
    private int _count;
    private int _disposed;
    private Exception? _fault;

    /// <summary>
    /// Opens the pool: loads and checks the file if <see cref="SafePrimePoolOptions.FilePath"/> names
    /// an existing one, then starts the background refill.
    /// </summary>
    /// <param name="options">Prime size, target size, file and parallelism.</param>
    /// <param name="storageKey">The 32-byte file key; copied into pinned memory and wiped on dispose.</param>
    /// <param name="random">Randomness for the prime search; the operating system CSPRNG by default.</param>
    /// <exception cref="ArgumentException">Invalid options or a key that is not 32 bytes.</exception>
    /// <exception cref="CryptographicException">The file does not decrypt under the key, or holds a bad prime.</exception>
    /// <exception cref="IOException">The file cannot be read, or another pool already uses it.</exception>
    public SafePrimePool(SafePrimePoolOptions options, ReadOnlySpan<byte> storageKey, IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PrimeBits, 16, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.TargetSize, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Parallelism, nameof(options));
        if (options.FilePath is { Length: 0 })
        {
            throw new ArgumentException("FilePath must be null (memory only) or a file name.", nameof(options));
        }

        if (storageKey.Length != StorageKeyLength)
        {
            throw new ArgumentException($"The storage key must be {StorageKeyLength} bytes.", nameof(storageKey));
        }

        _options = options;
        _random = random ?? SystemRandomSource.Instance;
        _storageKey = SecretBytes.Copy(storageKey);
        try
        {
            if (options.FilePath is not null)
            {
                _path = Path.GetFullPath(options.FilePath);
                _lockFile = SafePrimePoolFile.AcquireLock(_path);
                SafePrimePoolFile.PrepareExisting(_path);
                _primes = SafePrimePoolFile.Load(_path, options.PrimeBits, _storageKey.Span);
            }
            else
            {
                _primes = [];
            }
        }
        catch
        {
            _lockFile?.Dispose();
            _storageKey.Dispose();
            throw;
        }

        _count = _primes.Count;
        if (_count >= options.TargetSize)
        {
            _full.TrySetResult();
        }

        _refillTask = RefillAsync(_stop.Token);
    }

    /// <summary>How many primes are ready now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The options the pool was opened with.</summary>
    public SafePrimePoolOptions Options => _options;

    /// <summary>Why the background refill stopped, or null while it runs (or after a clean dispose).</summary>
    public Exception? BackgroundFault => Volatile.Read(ref _fault);

    /// <summary>The background refill task (tests check that dispose stops it).</summary>
    internal Task RefillTask => _refillTask;

    /// <summary>
    /// Hands out one safe prime of <see cref="SafePrimePoolOptions.PrimeBits"/> bits, never handed out
    /// before: it is removed from the pool and from the file before this returns. An empty pool
    /// generates a fresh one instead of waiting. The caller owns (and disposes) the result.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The pool was disposed.</exception>
    /// <exception cref="InvalidOperationException">The background refill failed (see <see cref="BackgroundFault"/>).</exception>
    /// <exception cref="IOException">The file could not be rewritten; the prime stays in the pool and is not returned.</exception>
    public async ValueTask<GmpInteger> TakeAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        GmpInteger? prime = null;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfUnusable();
            if (_primes.Count > 0)
            {
                var last = _primes.Count - 1;
                prime = _primes[last];
                _primes.RemoveAt(last);
                try
                {
                    // Not cancellable: once started, the rewrite finishes so memory and file agree.
                    await PersistAsync().ConfigureAwait(false);
                }
                catch
                {
                    _primes.Add(prime);
                    throw;
                }

                Volatile.Write(ref _count, _primes.Count);
                if (_full.Task.IsCompletedSuccessfully && _primes.Count < _options.TargetSize)
                {
                    _full = NewSignal();
                }
            }
        }
        finally
        {
            _gate.Release();
        }

        if (_refillSignal.CurrentCount == 0)
        {
            _refillSignal.Release(); // wake the refill; a spare count only causes one extra check
        }

        return prime ?? await GenerateAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A Paillier secret key from two distinct primes taken with <see cref="TakeAsync"/>. The primes
    /// are copied into the key and wiped here; the caller disposes the key.
    /// </summary>
    public async Task<PaillierSecretKey> TakePaillierKeyAsync(CancellationToken cancellationToken = default)
    {
        using var p = await TakeAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            using var q = await TakeAsync(cancellationToken).ConfigureAwait(false);
            if (p.CompareTo(q) != 0)
            {
                return new PaillierSecretKey(p, q);
            }
        }
    }

    /// <summary>
    /// Completes once the pool has reached its target size (at once if it is full now). Throws
    /// <see cref="InvalidOperationException"/> if the background refill fails meanwhile, and
    /// <see cref="ObjectDisposedException"/> if the pool is disposed.
    /// </summary>
    public async Task WaitUntilFullAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        await Volatile.Read(ref _full).Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the background refill, waits for it, and wipes every prime and the storage key.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _refillTask.ConfigureAwait(false); // never faults: RefillAsync keeps its failure in _fault
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            foreach (var p in _primes)
            {
                p.Dispose();
            }

            _primes.Clear();
            Volatile.Write(ref _count, 0);
            Fail(_full, new ObjectDisposedException(nameof(SafePrimePool)));
            _lockFile?.Dispose();
            _storageKey.Dispose();
        }
        finally
        {
            _gate.Release();
        }

        // _gate and _refillSignal stay undisposed: a late caller may still be waiting on _gate and
        // must get ObjectDisposedException from the pool, not from the semaphore. Neither holds a
        // kernel handle (AvailableWaitHandle is never used).
        _stop.Dispose();
    }

    /// <summary>The number of ready primes, nothing else.</summary>
    public override string ToString() => $"SafePrimePool({Count} primes)";

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static void Fail(TaskCompletionSource signal, Exception exception)
    {
        if (signal.TrySetException(exception))
        {
            _ = signal.Task.Exception; // observed: nobody may be waiting, and that is fine
        }
    }

    private static InvalidOperationException FaultException(Exception fault) =>
        new("The safe-prime pool's background refill failed; dispose the pool and create a new one.", fault);

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Volatile.Read(ref _fault) is { } fault)
        {
            throw FaultException(fault);
        }
    }

    /// <summary>
    /// The prime search runs on a dedicated thread: it is CPU-bound for up to a second and
    /// <see cref="SafePrimes.Generate"/> blocks while its workers search, so it must not hold a
    /// thread-pool thread or the caller's thread.
    /// </summary>
    private Task<GmpInteger> GenerateAsync(CancellationToken cancellationToken) =>
        Task.Factory.StartNew(
            () => SafePrimes.Generate(_options.PrimeBits, _random, _options.Parallelism, cancellationToken),
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    private async Task RefillAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                if (Volatile.Read(ref _count) >= _options.TargetSize)
                {
                    await _refillSignal.WaitAsync(stop).ConfigureAwait(false);
                    continue;
                }

                var prime = await GenerateAsync(stop).ConfigureAwait(false);
                await AddAsync(prime, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // DisposeAsync stopped us.
        }
        catch (Exception e)
        {
            // Not swallowed: kept in BackgroundFault and rethrown (wrapped) to every later caller.
            Volatile.Write(ref _fault, e);
            await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                Fail(_full, FaultException(e));
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    /// <summary>Adds a generated prime and persists the pool; the prime is wiped if it is not kept.</summary>
    private async Task AddAsync(GmpInteger prime, CancellationToken stop)
    {
        var kept = false;
        try
        {
            await _gate.WaitAsync(stop).ConfigureAwait(false);
            try
            {
                if (Volatile.Read(ref _disposed) != 0 || _primes.Exists(p => p.CompareTo(prime) == 0))
                {
                    return;
                }

                _primes.Add(prime);
                try
                {
                    await PersistAsync().ConfigureAwait(false);
                }
                catch
                {
                    _primes.RemoveAt(_primes.Count - 1);
                    throw;
                }

                kept = true;
                Volatile.Write(ref _count, _primes.Count);
                if (_primes.Count >= _options.TargetSize)
                {
                    _full.TrySetResult();
                }
            }
            finally
            {
                _gate.Release();
            }
        }
        finally
        {
            if (!kept)
            {
                prime.Dispose();
            }
        }
    }

    /// <summary>Rewrites the file from <see cref="_primes"/>; the caller holds <see cref="_gate"/>.</summary>
    private async Task PersistAsync()
    {
        if (_path is null)
        {
            return;
        }

        var content = SafePrimePoolFile.Encrypt(_primes, _options.PrimeBits, _storageKey.Span);
        await SafePrimePoolFile.WriteAtomicallyAsync(_path, content, CancellationToken.None).ConfigureAwait(false);
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Conclave.Crypto;
using Conclave.Mpc.Storage;

namespace Conclave.Kms.Tenants;

/// <summary>
/// Principals (access key id → account, user, secret access key) kept in one JSON file (mode 0600)
/// in the data directory. Secret access keys are stored encrypted: AES-256-GCM under a file key that
/// is itself stored wrapped by the root-key provider, with the access key id as associated data.
/// Writes go to a temporary file that replaces the old one, so a crash leaves the old or the new
/// file, never a torn one.
/// <para>
/// Several processes may write the file (the server, <c>conclave principal create|delete</c>): every
/// write holds an exclusive lock on <c>&lt;file&gt;.lock</c> (mode 0600, opened with
/// <see cref="FileShare.None"/>, which is <c>flock(LOCK_EX)</c> on Unix) across its read-modify-write:
/// it re-reads the file under the lock, applies its one change, and renames the new file into place,
/// so concurrent writers never lose each other's changes.
/// </para>
/// <para>
/// Another process (<c>conclave principal create|delete</c>) may change the file: lookups check its
/// modification time at most once per second and reload the principals when it changed, so a new
/// principal works and a deleted one stops working within about a second.
/// </para>
/// </summary>
public sealed class PrincipalFile : IPrincipalDirectory, IDisposable
{
    private const int TagLength = 16;
    private const int NonceLength = 12;
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);
    private static readonly byte[] FileKeyContext = Encoding.UTF8.GetBytes("conclave/kms/principals/file-key/v1");

    private readonly string _path;
    private readonly SecretBytes _fileKey;
    private readonly ConcurrentDictionary<string, Entry> _entries;
    private readonly byte[] _wrappedFileKey;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private DateTime _loadedWriteTime;
    private long _nextReloadCheck;

    private PrincipalFile(string path, SecretBytes fileKey, byte[] wrappedFileKey, IEnumerable<Entry> entries)
    {
        _path = path;
        _fileKey = fileKey;
        _wrappedFileKey = wrappedFileKey;
        _entries = new ConcurrentDictionary<string, Entry>(entries.Select(e => KeyValuePair.Create(e.AccessKeyId, e)), StringComparer.Ordinal);
        _loadedWriteTime = File.GetLastWriteTimeUtc(path);
        _nextReloadCheck = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
    }

    /// <summary>How many principals the file holds.</summary>
    public int Count => _entries.Count;

    /// <summary>Opens the file at <paramref name="path"/>, creating an empty one if absent.</summary>
    public static async Task<PrincipalFile> OpenOrCreateAsync(string path, IRootKeyProvider root, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(root);
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            // Creating is a write: under the lock, and only if no other writer created it meanwhile.
            using var writerLock = await AcquireWriterLockAsync(path, cancellationToken).ConfigureAwait(false);
            if (!File.Exists(path))
            {
                var key = SecretBytes.Create(32, 0, static (buffer, _) => RandomNumberGenerator.Fill(buffer));
                var wrapped = await root.WrapAsync(key, FileKeyContext, cancellationToken).ConfigureAwait(false);
                var file = new PrincipalFile(path, key, wrapped, []);
                await file.SaveAsync(cancellationToken).ConfigureAwait(false);
                return file;
            }
        }

        var document = await ReadDocumentAsync(path, cancellationToken).ConfigureAwait(false);
        var fileKey = await root.UnwrapAsync(document.WrappedFileKey, FileKeyContext, cancellationToken).ConfigureAwait(false);
        return new PrincipalFile(path, fileKey, document.WrappedFileKey, document.Principals);
    }

    /// <summary>
    /// Creates a principal with a fresh access key id (<c>AKIA</c> + 16 characters) and secret access
    /// key (40 characters), saves the file, and returns the credentials. The secret is returned once,
    /// for the caller to hand to the user; the caller disposes it.
    /// </summary>
    public async Task<(KmsPrincipal Principal, SecretBytes SecretAccessKey)> CreateAsync(string accountId, string userName, CancellationToken cancellationToken = default)
    {
        if (accountId is not { Length: 12 } || !accountId.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("An account id is 12 digits.", nameof(accountId));
        }

        ArgumentException.ThrowIfNullOrEmpty(userName);
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var accessKeyId = "AKIA" + RandomNumberGenerator.GetString(Alphabet, 16);
        var secretBytes = GC.AllocateArray<byte>(30, pinned: true);
        var secretText = GC.AllocateArray<byte>(40, pinned: true);
        try
        {
            RandomNumberGenerator.Fill(secretBytes);
            var chars = GC.AllocateArray<char>(40, pinned: true);
            if (!Convert.TryToBase64Chars(secretBytes, chars, out _))
            {
                throw new InvalidOperationException("Could not encode the secret access key.");
            }

            Encoding.ASCII.GetBytes(chars, secretText);
            Array.Clear(chars);
            var sealedSecret = Seal(accessKeyId, secretText);
            var entry = new Entry(accessKeyId, accountId, userName, sealedSecret);
            await WriteAsync(
                entries =>
                {
                    entries[accessKeyId] = entry;
                    return true;
                },
                cancellationToken).ConfigureAwait(false);

            return (new KmsPrincipal(accessKeyId, accountId, userName), SecretBytes.Copy(secretText));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secretBytes);
            CryptographicOperations.ZeroMemory(secretText);
        }
    }

    /// <summary>Deletes the principal with <paramref name="accessKeyId"/> and saves the file; false when absent.</summary>
    public async Task<bool> DeleteAsync(string accessKeyId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accessKeyId);
        return await WriteAsync(entries => entries.TryRemove(accessKeyId, out _), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The principals in the file (public data only).</summary>
    public IReadOnlyList<KmsPrincipal> List() => _entries.Values.Select(e => new KmsPrincipal(e.AccessKeyId, e.AccountId, e.UserName)).OrderBy(p => p.AccessKeyId, StringComparer.Ordinal).ToList();

    /// <summary>A copy of the secret access key of <paramref name="accessKeyId"/>, or null; the caller disposes it.</summary>
    public SecretBytes? RevealSecret(string accessKeyId) => _entries.TryGetValue(accessKeyId, out var entry) ? Open(entry) : null;

    /// <inheritdoc />
    public async ValueTask<(KmsPrincipal Principal, SecretBytes SecretAccessKey)?> FindAsync(string accessKeyId, CancellationToken cancellationToken = default)
    {
        await ReloadIfChangedAsync(cancellationToken).ConfigureAwait(false);
        if (accessKeyId is null || !_entries.TryGetValue(accessKeyId, out var entry))
        {
            return null;
        }

        return (new KmsPrincipal(entry.AccessKeyId, entry.AccountId, entry.UserName), Open(entry));
    }

    /// <summary>Reloads the principals when the file's modification time changed (checked at most once per second).</summary>
    private async ValueTask ReloadIfChangedAsync(CancellationToken cancellationToken)
    {
        var now = Stopwatch.GetTimestamp();
        var due = Volatile.Read(ref _nextReloadCheck);
        if (now < due || Interlocked.CompareExchange(ref _nextReloadCheck, now + Stopwatch.Frequency, due) != due)
        {
            return;
        }

        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var writeTime = File.GetLastWriteTimeUtc(_path);
            if (writeTime == _loadedWriteTime)
            {
                return;
            }

            PrincipalDocument? document;
            try
            {
                document = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(_path, cancellationToken).ConfigureAwait(false), PrincipalFileJsonContext.Default.PrincipalDocument);
            }
            catch (Exception e) when (e is IOException or JsonException)
            {
                return; // keep the principals loaded; the next check tries again
            }

            // A file sealed under another file key is not ours to read: keep what is loaded.
            if (document is not { Version: 1 } || !document.WrappedFileKey.AsSpan().SequenceEqual(_wrappedFileKey))
            {
                return;
            }

            Replace(document);
            _loadedWriteTime = writeTime;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// One write: under this instance's gate and the file's writer lock, re-reads the file (another
    /// process may have changed it), applies <paramref name="change"/> to the entries, and saves them
    /// if it returns true. Returns what <paramref name="change"/> returned.
    /// </summary>
    private async Task<bool> WriteAsync(Func<ConcurrentDictionary<string, Entry>, bool> change, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var writerLock = await AcquireWriterLockAsync(_path, cancellationToken).ConfigureAwait(false);
            if (File.Exists(_path))
            {
                var document = await ReadDocumentAsync(_path, cancellationToken).ConfigureAwait(false);
                if (!document.WrappedFileKey.AsSpan().SequenceEqual(_wrappedFileKey))
                {
                    throw new InvalidOperationException($"The principals file '{_path}' was replaced by one sealed under another file key; reopen it.");
                }

                Replace(document);
            }

            if (!change(_entries))
            {
                return false;
            }

            await SaveAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// The exclusive writer lock of the file at <paramref name="path"/>: <c>&lt;path&gt;.lock</c> opened
    /// with <see cref="FileShare.None"/> (flock on Unix), retried until <see cref="LockTimeout"/>.
    /// Disposing releases it. The lock file stays (removing it would race with the next writer).
    /// </summary>
    private static async Task<FileStream> AcquireWriterLockAsync(string path, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path + ".lock", options);
            }
            catch (IOException) when (waited.Elapsed < LockTimeout)
            {
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<PrincipalDocument> ReadDocumentAsync(string path, CancellationToken cancellationToken)
    {
        var document = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), PrincipalFileJsonContext.Default.PrincipalDocument)
            ?? throw new InvalidOperationException($"The principals file '{path}' is empty or malformed.");
        return document.Version == 1
            ? document
            : throw new InvalidOperationException($"The principals file '{path}' has version {document.Version}; this build reads version 1.");
    }

    /// <summary>Makes the loaded entries exactly those of <paramref name="document"/>.</summary>
    private void Replace(PrincipalDocument document)
    {
        var current = document.Principals.ToDictionary(e => e.AccessKeyId, StringComparer.Ordinal);
        foreach (var gone in _entries.Keys.Where(k => !current.ContainsKey(k)).ToList())
        {
            _entries.TryRemove(gone, out _);
        }

        foreach (var (id, entry) in current)
        {
            _entries[id] = entry;
        }
    }

    /// <summary>Wipes the file key.</summary>
    public void Dispose()
    {
        _fileKey.Dispose();
        _writeGate.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"PrincipalFile({_path}, {_entries.Count} principals)";

    private byte[] Seal(string accessKeyId, ReadOnlySpan<byte> secret)
    {
        var sealedSecret = new byte[NonceLength + TagLength + secret.Length];
        RandomNumberGenerator.Fill(sealedSecret.AsSpan(0, NonceLength));
        using var aes = new AesGcm(_fileKey.Span, TagLength);
        aes.Encrypt(sealedSecret.AsSpan(0, NonceLength), secret, sealedSecret.AsSpan(NonceLength + TagLength), sealedSecret.AsSpan(NonceLength, TagLength), Encoding.UTF8.GetBytes(accessKeyId));
        return sealedSecret;
    }

    private SecretBytes Open(Entry entry) => SecretBytes.Create(
        entry.SealedSecret.Length - NonceLength - TagLength,
        (key: _fileKey, entry),
        static (plaintext, state) =>
        {
            var s = state.entry.SealedSecret.AsSpan();
            using var aes = new AesGcm(state.key.Span, TagLength);
            aes.Decrypt(s[..NonceLength], s[(NonceLength + TagLength)..], s.Slice(NonceLength, TagLength), plaintext, Encoding.UTF8.GetBytes(state.entry.AccessKeyId));
        });

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        var document = new PrincipalDocument(1, _wrappedFileKey, _entries.Values.OrderBy(e => e.AccessKeyId, StringComparer.Ordinal).ToList());
        var bytes = JsonSerializer.SerializeToUtf8Bytes(document, PrincipalFileJsonContext.Default.PrincipalDocument);
        var temporary = _path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var stream = new FileStream(temporary, options);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, _path, overwrite: true);
        _loadedWriteTime = File.GetLastWriteTimeUtc(_path);
    }

    internal sealed record Entry(string AccessKeyId, string AccountId, string UserName, byte[] SealedSecret);

    internal sealed record PrincipalDocument(int Version, byte[] WrappedFileKey, List<Entry> Principals);
}

/// <summary>JSON for <see cref="PrincipalFile"/>.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(PrincipalFile.PrincipalDocument))]
internal sealed partial class PrincipalFileJsonContext : JsonSerializerContext;

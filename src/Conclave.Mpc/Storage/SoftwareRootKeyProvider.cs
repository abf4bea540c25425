using System.Diagnostics;
using System.Security.Cryptography;
using Conclave.Crypto;

namespace Conclave.Mpc.Storage;

/// <summary>
/// A root-key provider over a 32-byte key kept in a file readable only by its owner (mode 0600).
/// FOR DEVELOPMENT AND THE EMBEDDED SYSTEM ONLY: the root key sits on the same disk as the data it
/// protects, so it guards against a copied database but not against someone who can read the node's
/// files. Production nodes use an HSM (<see cref="Pkcs11RootKeyProvider"/>).
/// <para>
/// The file is created with a fresh key from <see cref="RandomNumberGenerator"/> if it does not exist
/// (written to a temporary 0600 file, flushed, then moved into place, so a crash never leaves a
/// truncated key under the real name). An existing file is refused if it is not exactly 32 bytes or
/// if group or others have any permission on it.
/// </para>
/// Wrapping is AES-256-GCM with a random 96-bit nonce; the associated data is a fixed label followed
/// by the caller's context. Wrapped layout (version 1): <c>0x01 | nonce (12) | tag (16) | ciphertext (32)</c>.
/// </summary>
[DebuggerDisplay("SoftwareRootKeyProvider({KeyFilePath})")]
public sealed class SoftwareRootKeyProvider : IRootKeyProvider, IDisposable
{
    /// <summary>Bytes in the root key and in the data keys it wraps.</summary>
    public const int KeyLength = 32;

    private const byte FormatVersion = 1;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int WrappedLength = 1 + NonceLength + TagLength + KeyLength;
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private static ReadOnlySpan<byte> WrapLabel => "conclave/software-root-key/wrap/v1\0"u8;

    private readonly SecretBytes _rootKey;

    private SoftwareRootKeyProvider(string keyFilePath, SecretBytes rootKey)
    {
        KeyFilePath = keyFilePath;
        _rootKey = rootKey;
    }

    /// <summary>The full path of the key file.</summary>
    public string KeyFilePath { get; }

    /// <summary>
    /// Loads the root key from <paramref name="keyFilePath"/>, creating the file (mode 0600, fresh
    /// random key) if it does not exist. Throws <see cref="InvalidOperationException"/> if an existing
    /// file has the wrong size or permissions looser than 0600, and
    /// <see cref="PlatformNotSupportedException"/> on Windows (no Unix file modes to check).
    /// </summary>
    public static async Task<SoftwareRootKeyProvider> OpenOrCreateAsync(string keyFilePath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyFilePath);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The software root key provider relies on Unix file permissions (mode 0600) and does not run on Windows.");
        }

        var path = Path.GetFullPath(keyFilePath);
        if (!File.Exists(path))
        {
            await CreateKeyFileAsync(path, cancellationToken).ConfigureAwait(false);
        }

        var rootKey = await LoadKeyFileAsync(path, cancellationToken).ConfigureAwait(false);
        return new SoftwareRootKeyProvider(path, rootKey);
    }

    /// <inheritdoc />
    public ValueTask<byte[]> WrapAsync(SecretBytes dataKey, ReadOnlyMemory<byte> context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataKey);
        if (dataKey.Length != KeyLength)
        {
            throw new ArgumentException($"A data key is {KeyLength} bytes.", nameof(dataKey));
        }

        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_rootKey.IsDisposed, this);
        var wrapped = new byte[WrappedLength];
        wrapped[0] = FormatVersion;
        var nonce = wrapped.AsSpan(1, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_rootKey.Span, TagLength);
        aes.Encrypt(nonce, dataKey.Span, wrapped.AsSpan(1 + NonceLength + TagLength), wrapped.AsSpan(1 + NonceLength, TagLength), AssociatedData(context.Span));
        return ValueTask.FromResult(wrapped);
    }

    /// <inheritdoc />
    public ValueTask<SecretBytes> UnwrapAsync(ReadOnlyMemory<byte> wrappedKey, ReadOnlyMemory<byte> context, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_rootKey.IsDisposed, this);
        if (wrappedKey.Length != WrappedLength || wrappedKey.Span[0] != FormatVersion)
        {
            throw new CryptographicException($"The wrapped data key is malformed (expected {WrappedLength} bytes of format version {FormatVersion}).");
        }

        var associatedData = AssociatedData(context.Span);
        try
        {
            var dataKey = SecretBytes.Create(
                KeyLength,
                (rootKey: _rootKey, wrappedKey, associatedData),
                static (plaintext, state) =>
                {
                    var w = state.wrappedKey.Span;
                    using var aes = new AesGcm(state.rootKey.Span, TagLength);
                    aes.Decrypt(w.Slice(1, NonceLength), w[(1 + NonceLength + TagLength)..], w.Slice(1 + NonceLength, TagLength), plaintext, state.associatedData);
                });
            return ValueTask.FromResult(dataKey);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new CryptographicException(
                $"The data key could not be unwrapped with the root key in '{KeyFilePath}': that is not the root key it was wrapped with, or the wrapped key or its context was altered.",
                e);
        }
    }

    /// <summary>Wipes the root key from memory.</summary>
    public void Dispose() => _rootKey.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"SoftwareRootKeyProvider({KeyFilePath})";

    private static byte[] AssociatedData(ReadOnlySpan<byte> context)
    {
        var associatedData = new byte[WrapLabel.Length + context.Length];
        WrapLabel.CopyTo(associatedData);
        context.CopyTo(associatedData.AsSpan(WrapLabel.Length));
        return associatedData;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static async Task CreateKeyFileAsync(string path, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(path)!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Convert.ToHexString(RandomNumberGenerator.GetBytes(8))}.tmp");
        var key = GC.AllocateArray<byte>(KeyLength, pinned: true);
        try
        {
            RandomNumberGenerator.Fill(key);
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 0, // no internal buffer keeping a copy of the key
                UnixCreateMode = OwnerOnly,
            };
            var stream = new FileStream(temporary, options);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(key, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            try
            {
                // Not overwriting: if another process created the key file meanwhile, keep theirs.
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            File.Delete(temporary);
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static async Task<SecretBytes> LoadKeyFileAsync(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.Read, BufferSize = 0 });
        await using (stream.ConfigureAwait(false))
        {
            var mode = File.GetUnixFileMode(stream.SafeFileHandle);
            if ((mode & GroupOrOther) != 0)
            {
                throw new InvalidOperationException(
                    $"Refusing the root key file '{path}': its permissions ({Octal(mode)}) let group or others access it; it must be owner-only (0600). Check who may have read it, then run: chmod 600 '{path}'.");
            }

            if (stream.Length != KeyLength)
            {
                throw new InvalidOperationException(
                    $"Refusing the root key file '{path}': it holds {stream.Length} bytes, but a root key file holds exactly {KeyLength} bytes. It is not a root key file, or it was truncated or altered.");
            }

            var buffer = GC.AllocateArray<byte>(KeyLength, pinned: true);
            try
            {
                await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
                return SecretBytes.Copy(buffer);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(buffer);
            }
        }
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0x1FF, 8).PadLeft(3, '0');
}

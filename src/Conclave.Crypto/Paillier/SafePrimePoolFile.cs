using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Conclave.Crypto.BigNumbers;
using Conclave.Crypto.Native;

namespace Conclave.Crypto.Paillier;

/// <summary>
/// The on-disk form of a <see cref="SafePrimePool"/>:
/// <code>
/// file      = version (1 byte, 0x01) ‖ nonce (12) ‖ ciphertext ‖ tag (16)
/// plaintext = for each prime: uint32 big-endian length ‖ big-endian magnitude (exactly ⌈bits/8⌉ bytes)
/// AAD       = "conclave/safe-prime-pool/v1" ‖ version ‖ uint32 big-endian prime bits
/// </code>
/// encrypted with AES-256-GCM under the pool's storage key. Every plaintext buffer is pinned and
/// wiped in <c>finally</c>; no exception message names a prime or key byte.
/// </summary>
internal static class SafePrimePoolFile
{
    internal const byte Version = 1;
    internal const int NonceLength = 12;
    internal const int TagLength = 16;
    internal const int HeaderLength = 1 + NonceLength;

    /// <summary>A pool file never grows near this; a bigger file is refused before it is read.</summary>
    private const long MaxFileLength = 16 << 20;

    private static readonly byte[] Label = Encoding.ASCII.GetBytes("conclave/safe-prime-pool/v1");

    private static UnixFileMode OwnerOnly => UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Encrypts <paramref name="primes"/> into the file format. The nonce always comes from
    /// <see cref="RandomNumberGenerator"/>, not from an injected source: a replaying test source would
    /// repeat nonces under one key, which breaks GCM.
    /// </summary>
    internal static byte[] Encrypt(IReadOnlyList<GmpInteger> primes, int bits, ReadOnlySpan<byte> key)
    {
        var width = EntryWidth(bits);
        var plaintext = GC.AllocateArray<byte>(checked(primes.Count * (4 + width)), pinned: true);
        try
        {
            for (var i = 0; i < primes.Count; i++)
            {
                var entry = plaintext.AsSpan(i * (4 + width), 4 + width);
                BinaryPrimitives.WriteUInt32BigEndian(entry, (uint)width);
                primes[i].WriteBytes(entry[4..]);
            }

            var file = new byte[HeaderLength + plaintext.Length + TagLength];
            file[0] = Version;
            var nonce = file.AsSpan(1, NonceLength);
            RandomNumberGenerator.Fill(nonce);
            using var aes = new AesGcm(key, TagLength);
            aes.Encrypt(nonce, plaintext, file.AsSpan(HeaderLength, plaintext.Length), file.AsSpan(HeaderLength + plaintext.Length), AssociatedData(bits));
            return file;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>
    /// Decrypts and validates a pool file: every entry must be a distinct safe prime of exactly
    /// <paramref name="bits"/> bits with its two top bits set (as <see cref="SafePrimes.Generate"/>
    /// makes them). Anything else throws <see cref="CryptographicException"/>.
    /// </summary>
    internal static List<GmpInteger> Decrypt(ReadOnlySpan<byte> file, int bits, ReadOnlySpan<byte> key)
    {
        if (file.Length < HeaderLength + TagLength)
        {
            throw new CryptographicException("The safe-prime pool file is too short to be valid (truncated).");
        }

        if (file[0] != Version)
        {
            throw new CryptographicException($"The safe-prime pool file has unsupported format version {file[0]}.");
        }

        var ciphertext = file[HeaderLength..^TagLength];
        var plaintext = GC.AllocateArray<byte>(ciphertext.Length, pinned: true);
        var primes = new List<GmpInteger>();
        try
        {
            using (var aes = new AesGcm(key, TagLength))
            {
                try
                {
                    aes.Decrypt(file.Slice(1, NonceLength), ciphertext, file[^TagLength..], plaintext, AssociatedData(bits));
                }
                catch (AuthenticationTagMismatchException e)
                {
                    throw new CryptographicException(
                        "The safe-prime pool file failed authentication: wrong storage key, a different prime size, or the file was modified or truncated.",
                        e);
                }
            }

            var width = EntryWidth(bits);
            var rest = plaintext.AsSpan();
            while (!rest.IsEmpty)
            {
                if (rest.Length < 4 + width || BinaryPrimitives.ReadUInt32BigEndian(rest) != (uint)width)
                {
                    throw new CryptographicException($"The safe-prime pool file is malformed at entry {primes.Count}.");
                }

                var p = GmpInteger.FromBytes(rest.Slice(4, width));
                primes.Add(p);
                if (!IsWellFormed(p, bits))
                {
                    throw new CryptographicException($"The safe-prime pool file holds a value (entry {primes.Count - 1}) that is not a {bits}-bit safe prime.");
                }

                for (var j = 0; j < primes.Count - 1; j++)
                {
                    if (primes[j].CompareTo(p) == 0)
                    {
                        throw new CryptographicException($"The safe-prime pool file holds the same prime twice (entries {j} and {primes.Count - 1}).");
                    }
                }

                rest = rest[(4 + width)..];
            }

            return primes;
        }
        catch
        {
            foreach (var p in primes)
            {
                p.Dispose();
            }

            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Reads and decrypts <paramref name="path"/>; a missing file is an empty pool.</summary>
    internal static List<GmpInteger> Load(string path, int bits, ReadOnlySpan<byte> key)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return [];
        }

        if (info.Length > MaxFileLength)
        {
            throw new CryptographicException("The safe-prime pool file is too large to be valid.");
        }

        return Decrypt(File.ReadAllBytes(path), bits, key);
    }

    /// <summary>
    /// Replaces <paramref name="path"/> atomically: writes <c>path.tmp</c> (mode 0600 from creation
    /// on Unix), flushes it to disk, renames it over <paramref name="path"/> and fsyncs the directory,
    /// so after a crash the file is either the old or the new content, and the new one is durable
    /// once this returns.
    /// </summary>
    internal static async Task WriteAtomicallyAsync(string path, byte[] content, CancellationToken cancellationToken = default)
    {
        var temp = TempPath(path);
        File.Delete(temp); // a leftover from a crash; CreateNew below then applies the 0600 mode
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        var stream = new FileStream(temp, options);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true); // fsync; .NET has no asynchronous form of it
        }

        File.Move(temp, path, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(path)!);
    }

    /// <summary>
    /// Takes the pool's exclusive lock file <c>path.lock</c> (an advisory lock held while the stream
    /// is open), so a second pool on the same file, in this process or another, is refused.
    /// </summary>
    internal static FileStream AcquireLock(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            return new FileStream(path + ".lock", options);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new IOException($"Another safe-prime pool already uses '{path}'.", e);
        }
    }

    /// <summary>Narrows an existing pool file (and removes a stale temporary file) before first use.</summary>
    internal static void PrepareExisting(string path)
    {
        File.Delete(TempPath(path));
        if (!OperatingSystem.IsWindows() && File.Exists(path) && File.GetUnixFileMode(path) != OwnerOnly)
        {
            File.SetUnixFileMode(path, OwnerOnly);
        }
    }

    private static string TempPath(string path) => path + ".tmp";

    private static int EntryWidth(int bits) => (bits + 7) / 8;

    private static bool IsWellFormed(GmpInteger p, int bits)
    {
        if (p.BitLength != bits)
        {
            return false;
        }

        using var top = GmpInteger.ShiftRight(p, bits - 2);
        return top.CompareTo(3) == 0 && SafePrimes.IsSafePrime(p);
    }

    private static byte[] AssociatedData(int bits)
    {
        var aad = new byte[Label.Length + 1 + 4];
        Label.CopyTo(aad, 0);
        aad[Label.Length] = Version;
        BinaryPrimitives.WriteUInt32BigEndian(aad.AsSpan(Label.Length + 1), (uint)bits);
        return aad;
    }

    /// <summary>fsync of the directory so the rename itself survives a power loss (Linux; elsewhere a no-op).</summary>
    private static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = PosixNative.Open(directory, PosixNative.OpenReadOnlyCloseOnExec);
        if (fd < 0)
        {
            throw new IOException($"Could not open '{directory}' to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (PosixNative.Fsync(fd) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno != PosixNative.InvalidArgument)
                {
                    throw new IOException($"Could not flush directory '{directory}' (errno {errno}).");
                }
            }
        }
        finally
        {
            _ = PosixNative.Close(fd);
        }
    }
}

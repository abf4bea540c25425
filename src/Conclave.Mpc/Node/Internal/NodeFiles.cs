using System.Security.Cryptography;

namespace Conclave.Mpc.Node.Internal;

/// <summary>Writes files atomically (temporary file, flush, move into place) with a given Unix mode.</summary>
internal static class NodeFiles
{
    /// <summary>Read and write for the owner only (0600).</summary>
    public const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Owner rwx only (0700), for data directories.</summary>
    public const UnixFileMode OwnerDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Public files (0644): certificates, membership, configs.</summary>
    public const UnixFileMode PublicFile = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Group or other permission bits.</summary>
    public const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Writes <paramref name="contents"/> to <paramref name="path"/> with <paramref name="mode"/>,
    /// never overwriting an existing file (throws <see cref="IOException"/> if it exists).
    /// </summary>
    public static async Task WriteNewAsync(string path, ReadOnlyMemory<byte> contents, UnixFileMode mode, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Node data files rely on Unix file permissions (0700/0600) and are not supported on Windows.");
        }

        var directory = Path.GetDirectoryName(path)!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Convert.ToHexString(RandomNumberGenerator.GetBytes(8))}.tmp");
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 0,
                UnixCreateMode = mode,
            };
            var stream = new FileStream(temporary, options);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(contents, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: false);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Creates <paramref name="path"/> as a 0700 directory, or checks an existing one is not open to group or others.</summary>
    public static void EnsureOwnerOnlyDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Node data files rely on Unix file permissions (0700/0600) and are not supported on Windows.");
        }

        if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path, OwnerDirectory);
            File.SetUnixFileMode(path, OwnerDirectory); // CreateDirectory's mode is filtered by the umask
            return;
        }

        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupOrOther) != 0)
        {
            throw new InvalidOperationException(
                $"Refusing the node data directory '{path}': its permissions ({Octal(mode)}) let group or others in; it must be owner-only (0700). Run: chmod 700 '{path}'.");
        }
    }

    /// <summary>The mode as four octal digits.</summary>
    public static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0x1FF, 8).PadLeft(3, '0');
}

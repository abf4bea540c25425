using System.Runtime.InteropServices;

namespace Conclave.Crypto.Native;

/// <summary>
/// P/Invoke binding to glibc (Debian <c>libc6</c>) for what .NET does not expose: fsync of a
/// directory, which makes a rename durable (.NET refuses to open a directory as a file handle).
/// </summary>
internal static partial class PosixNative
{
    private const string Lib = "libc.so.6";

    /// <summary>O_RDONLY | O_CLOEXEC (Linux values).</summary>
    internal const int OpenReadOnlyCloseOnExec = 0x80000;

    /// <summary>EINVAL: the file system does not support fsync on this descriptor.</summary>
    internal const int InvalidArgument = 22;

    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags);

    [LibraryImport(Lib, EntryPoint = "fsync", SetLastError = true)]
    internal static partial int Fsync(int fd);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);
}

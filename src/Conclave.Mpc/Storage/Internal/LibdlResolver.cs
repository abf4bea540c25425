using System.Reflection;
using System.Runtime.InteropServices;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Conclave.Mpc.Storage.Internal;

/// <summary>
/// Pkcs11Interop 5.3 P/Invokes <c>dlopen</c> from "libdl". Since glibc 2.34 only <c>libdl.so.2</c>
/// exists (no unversioned <c>libdl.so</c> without the dev package), so the runtime cannot find it.
/// This maps "libdl" to "libdl.so.2" for the Pkcs11Interop assembly, once per process.
/// </summary>
internal static class LibdlResolver
{
    private static int _registered;

    /// <summary>Registers the resolver; tolerates being called again or another resolver already set.</summary>
    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref _registered, 1) != 0)
        {
            return;
        }

        try
        {
            NativeLibrary.SetDllImportResolver(typeof(IPkcs11Library).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // A resolver is already set for Pkcs11Interop (by the host or a test): keep it.
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName == "libdl" && OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libdl.so.2", out var handle))
        {
            return handle;
        }

        return IntPtr.Zero; // default probing
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Conclave.Mpc.Storage;

[assembly: AssemblyFixture(typeof(Conclave.Mpc.Tests.Storage.SoftHsmToken))]

namespace Conclave.Mpc.Tests.Storage;

/// <summary>
/// Real SoftHSM2 tokens in a temporary directory, shared by every test of the assembly: SoftHSM
/// reads <c>SOFTHSM2_CONF</c> once, at C_Initialize, so the whole process must agree on it.
/// <see cref="SlotId"/> is the token the tests use; <see cref="SpareSlotId"/> is a second token
/// that nothing logs in to except the wrong-PIN test.
/// </summary>
public sealed partial class SoftHsmToken : IDisposable
{
    /// <summary>The SoftHSM2 module installed by scripts/deps.</summary>
    public const string LibraryPath = "/usr/lib/softhsm/libsofthsm2.so";

    /// <summary>User PIN of both tokens.</summary>
    public const string Pin = "user-pin-5813";

    /// <summary>Label of the main token.</summary>
    public const string TokenLabel = "conclave-test";

    private const string SoPin = "so-pin-2147";

    private readonly string _directory;

    public SoftHsmToken()
    {
        if (!File.Exists(LibraryPath))
        {
            throw new InvalidOperationException($"SoftHSM2 is not installed ({LibraryPath} is missing): run scripts/deps.");
        }

        _directory = Path.Combine(Path.GetTempPath(), "conclave-softhsm-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(_directory, "tokens"));
        var config = Path.Combine(_directory, "softhsm2.conf");
        File.WriteAllText(config, $"directories.tokendir = {Path.Combine(_directory, "tokens")}\nobjectstore.backend = file\nlog.level = ERROR\n");
        SetNativeEnvironment("SOFTHSM2_CONF", config);
        SlotId = InitToken(config, TokenLabel);
        SpareSlotId = InitToken(config, TokenLabel + "-spare");
    }

    /// <summary>Slot id SoftHSM assigned to the main token.</summary>
    public ulong SlotId { get; }

    /// <summary>Slot id of the spare token.</summary>
    public ulong SpareSlotId { get; }

    /// <summary>Options for the main token and a key label unique to the caller.</summary>
    public Pkcs11RootKeyOptions Options(string keyLabel) => new()
    {
        LibraryPath = LibraryPath,
        Pin = Pin,
        Slot = SlotId.ToString(CultureInfo.InvariantCulture),
        KeyLabel = keyLabel,
    };

    /// <summary>A fresh key label, so that tests running in parallel never share a key by accident.</summary>
    public static string NewKeyLabel(string purpose) => $"{purpose}-{Guid.NewGuid():N}";

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a file still open by the module must not fail the run
        }
    }

    private static ulong InitToken(string config, string label)
    {
        var output = Run(config, "--init-token", "--free", "--label", label, "--pin", Pin, "--so-pin", SoPin);
        var match = ReassignedSlot().Match(output);
        return match.Success
            ? ulong.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"Could not find the slot of the new token in softhsm2-util's output: {output}");
    }

    private static string Run(string config, params string[] arguments)
    {
        var start = new ProcessStartInfo("softhsm2-util")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["SOFTHSM2_CONF"] = config;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("softhsm2-util did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var output = stdout.GetAwaiter().GetResult() + stderr;
        return process.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"softhsm2-util {arguments[0]} failed ({process.ExitCode}): {output}");
    }

    /// <summary>
    /// SoftHSM calls getenv in C_Initialize, and on Unix <see cref="Environment.SetEnvironmentVariable(string, string)"/>
    /// changes only the runtime's copy of the environment: set both.
    /// </summary>
    private static void SetNativeEnvironment(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        if (SetEnv(name, value, 1) != 0)
        {
            throw new InvalidOperationException($"setenv({name}) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int SetEnv(string name, string value, int overwrite);

    [GeneratedRegex(@"reassigned to slot (\d+)")]
    private static partial Regex ReassignedSlot();
}

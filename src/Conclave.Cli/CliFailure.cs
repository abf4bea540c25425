using System.Security.Cryptography;

namespace Conclave.Cli;

/// <summary>Which exceptions a setup command reports as a one-line failure (exit 1).</summary>
internal static class CliFailure
{
    internal static bool IsExpected(Exception e) =>
        e is InvalidOperationException or ArgumentException or IOException or UnauthorizedAccessException
            or CryptographicException or PlatformNotSupportedException;

    /// <summary>The message on one line (no secret is ever put in these messages).</summary>
    internal static string OneLine(Exception e) => e.Message.ReplaceLineEndings(" ");
}

using Microsoft.Extensions.Logging;

namespace Conclave.Cli;

/// <summary>
/// Logging of the long-running commands: one line per event on stderr (stdout stays for the
/// banner and the <c>ready</c> line), Conclave events from Information, framework chatter from
/// Warning. Events carry session, wallet and node ids and reasons, never secrets.
/// </summary>
internal static class CliLogging
{
    internal static ILoggerFactory Create() => LoggerFactory.Create(builder => builder
        .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
        .AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
            o.UseUtcTimestamp = true;
        })
        .AddFilter("Microsoft", LogLevel.Warning)
        .AddFilter("Grpc", LogLevel.Warning)
        .AddFilter("Conclave", LogLevel.Information));
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace Conclave.Cli.Tests.Up;

/// <summary>A <c>conclave</c> child process whose output lines can be awaited; killed (with its children) on dispose.</summary>
internal sealed partial class ConclaveProcess : IDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _all = [];

    public ConclaveProcess(params string[] arguments)
        : this(null, arguments)
    {
    }

    /// <summary>Starts <c>conclave</c> with <paramref name="environment"/> added to (or replacing in) this process's environment.</summary>
    public ConclaveProcess(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "conclave.dll");
        var psi = new ProcessStartInfo("dotnet", [dll, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }

        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_all)
            {
                return string.Join('\n', _all);
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A base port b with b+1..b+count all free on 127.0.0.1 (as `cluster init --base-port` needs).</summary>
    public static int FreeBasePort(int count)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var b = System.Security.Cryptography.RandomNumberGenerator.GetInt32(20000, 60000);
            if (Enumerable.Range(b + 1, count).All(IsFree))
            {
                return b;
            }
        }

        throw new InvalidOperationException("No free port range found.");
    }

    /// <summary>Waits for an output line containing <paramref name="text"/>.</summary>
    public async Task WaitForLineAsync(string text, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(cts.Token);
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            throw new TimeoutException($"No line containing '{text}' within {timeout}. Output so far:\n{Output}");
        }
    }

    /// <summary>
    /// Sends SIGINT (Ctrl-C) and waits for the exit code. When this test process itself ignores
    /// SIGINT (a runner started in the background by a non-interactive shell), children inherit the
    /// ignored disposition and .NET keeps it ignored, so SIGTERM (the other stop signal the CLI
    /// handles the same way) is sent instead.
    /// </summary>
    public async Task<int> InterruptAsync(TimeSpan timeout)
    {
        Assert.Equal(0, Kill(_process.Id, SigintIgnored() ? 15 : 2));
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Waits for the process to end by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    private static bool SigintIgnored()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (2 - 1))) != 0;
    }

    /// <summary>SIGKILLs every process whose command line contains <paramref name="text"/>.</summary>
    public static int KillWhereCommandLineContains(string text)
    {
        var killed = 0;
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(text, StringComparison.Ordinal) && Kill(pid, 9) == 0)
                {
                    killed++;
                }
            }
            catch (IOException)
            {
                // the process ended meanwhile
            }
            catch (UnauthorizedAccessException)
            {
                // not ours
            }
        }

        return killed;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_all)
        {
            _all.Add(line);
        }

        _lines.Writer.TryWrite(line);
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}

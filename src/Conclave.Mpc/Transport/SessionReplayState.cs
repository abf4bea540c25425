using System.Collections.Concurrent;

namespace Conclave.Mpc.Transport;

/// <summary>One active session on an <see cref="EnvelopeOpener"/>: a replay window per sender.</summary>
internal sealed class SessionReplayState
{
    private readonly ConcurrentDictionary<string, ReplayWindow> _windows = new(StringComparer.Ordinal);
    private volatile bool _closed;

    /// <summary>Whether the session was closed (checked under each window's lock before accepting).</summary>
    public bool IsClosed => _closed;

    /// <summary>The window of <paramref name="sender"/> (a listed, authenticated member), created on first use.</summary>
    public ReplayWindow WindowFor(string sender) => _windows.GetOrAdd(sender, static (_, self) => new ReplayWindow(self), this);

    /// <summary>Marks the session closed: nothing more is accepted.</summary>
    public void Close() => _closed = true;
}

namespace Conclave.Mpc.Transport;

/// <summary>
/// Anti-replay state for one (session, sender): the highest accepted sequence and a bitmap of the
/// <see cref="Size"/> sequences up to it (as in IPsec/DTLS, RFC 6479 style ring indexing).
/// A sequence above the highest is new; one already marked is a replay; one
/// <see cref="Size"/> or more below the highest is out of the window. Thread-safe.
/// </summary>
internal sealed class ReplayWindow
{
    /// <summary>Window size in sequences (a multiple of 64).</summary>
    public const int Size = 1024;

    private readonly ulong[] _bits = new ulong[Size / 64];
    private readonly Lock _lock = new();
    private readonly SessionReplayState _session;
    private ulong _highest;
    private bool _any;

    public ReplayWindow(SessionReplayState session)
    {
        _session = session;
    }

    /// <summary>Whether <paramref name="sequence"/> would be accepted now (no state change).</summary>
    public DropReason Check(ulong sequence)
    {
        lock (_lock)
        {
            return CheckCore(sequence);
        }
    }

    /// <summary>Accepts <paramref name="sequence"/> if it is new, in the window, and the session is still open.</summary>
    public DropReason TryAccept(ulong sequence)
    {
        lock (_lock)
        {
            if (_session.IsClosed)
            {
                return DropReason.ForeignSession;
            }

            var reason = CheckCore(sequence);
            if (reason != DropReason.None)
            {
                return reason;
            }

            if (!_any || sequence > _highest)
            {
                var advance = _any ? sequence - _highest : ulong.MaxValue;
                if (advance >= Size)
                {
                    Array.Clear(_bits);
                }
                else
                {
                    // Slots for _highest+1 .. sequence held sequences that just left the window.
                    for (var s = _highest + 1; s <= sequence; s++)
                    {
                        ClearBit(s);
                    }
                }

                _highest = sequence;
                _any = true;
            }

            SetBit(sequence);
            return DropReason.None;
        }
    }

    private DropReason CheckCore(ulong sequence)
    {
        if (!_any || sequence > _highest)
        {
            return DropReason.None;
        }

        if (_highest - sequence >= Size)
        {
            return DropReason.OutOfWindow;
        }

        return IsSet(sequence) ? DropReason.Replay : DropReason.None;
    }

    private bool IsSet(ulong sequence) => (_bits[(int)(sequence % Size / 64)] & (1UL << (int)(sequence % 64))) != 0;

    private void SetBit(ulong sequence) => _bits[(int)(sequence % Size / 64)] |= 1UL << (int)(sequence % 64);

    private void ClearBit(ulong sequence) => _bits[(int)(sequence % Size / 64)] &= ~(1UL << (int)(sequence % 64));
}

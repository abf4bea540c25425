namespace Conclave.Mpc.Transport.Grpc;

/// <summary>Limits and listening options of a <see cref="GrpcNodeHost"/>.</summary>
public sealed record GrpcNodeHostOptions
{
    /// <summary>The defaults.</summary>
    public static GrpcNodeHostOptions Default { get; } = new();

    /// <summary>
    /// Where to listen, as <c>ip:port</c>; <see langword="null"/>: the node's address in the
    /// membership. Port 0 picks a free port (see <see cref="GrpcNodeHost.Port"/>), for tests.
    /// </summary>
    public string? ListenAddress { get; init; }

    /// <summary>Whether to listen on, and connect to, addresses that are not loopback. Off by default.</summary>
    public bool AllowNonLoopback { get; init; }

    /// <summary>Envelopes waiting on the inbox; a delivery beyond that is dropped and counted.</summary>
    public int InboxCapacity { get; init; } = 4096;

    /// <summary>Largest envelope accepted or sent, in bytes.</summary>
    public int MaxEnvelopeBytes { get; init; } = 1024 * 1024;

    /// <summary>Largest control request or reply body, in bytes.</summary>
    public int MaxControlBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>Deadline of one envelope delivery.</summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait for a TCP connection to a peer.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(3);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(InboxCapacity, 1, nameof(InboxCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEnvelopeBytes, 1, nameof(MaxEnvelopeBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxControlBodyBytes, 1, nameof(MaxControlBodyBytes));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SendTimeout, TimeSpan.Zero, nameof(SendTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
    }
}

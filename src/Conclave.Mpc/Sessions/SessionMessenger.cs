using System.Threading.Channels;
using Conclave.Mpc.Transport;
using Conclave.Threshold;

namespace Conclave.Mpc.Sessions;

/// <summary>
/// One node's view of one session (from <see cref="SessionRouter.OpenSession"/>): seals outgoing
/// payloads with <see cref="EnvelopeSealer"/>, numbering them 1, 2, … per recipient, and collects
/// opened incoming messages by (round, sender). Disposing closes the session on this node (its
/// envelopes are dropped as <see cref="DropReason.ForeignSession"/> from then on) and wipes any
/// message not yet taken.
/// </summary>
/// <remarks>
/// Sending is thread-safe; <see cref="ReceiveRoundAsync"/> must not run concurrently with itself.
/// Messages of rounds not yet asked for are kept until asked for or until disposal. Of two
/// authentic messages from one sender for one round the first is kept and the second is wiped.
/// </remarks>
public sealed class SessionMessenger : IDisposable
{
    private readonly SessionRouter _router;
    private readonly ChannelReader<OpenedMessage> _inbox;
    private readonly Dictionary<(int Round, string Sender), OpenedMessage> _pending = [];
    private readonly Dictionary<string, ulong> _sequences = new(StringComparer.Ordinal);
    private readonly Lock _sequenceLock = new();
    private bool _disposed;

    internal SessionMessenger(SessionRouter router, SessionId session, ChannelReader<OpenedMessage> inbox)
    {
        _router = router;
        Session = session;
        _inbox = inbox;
    }

    /// <summary>The session.</summary>
    public SessionId Session { get; }

    /// <summary>Told how long each <see cref="ReceiveRoundAsync"/> waited (round number, time); for metrics.</summary>
    internal Action<int, TimeSpan>? RoundObserver { get; set; }

    /// <summary>This node's id.</summary>
    public string NodeId => _router.NodeId;

    /// <summary>This node's identity (signs <see cref="EchoBroadcast"/> statements).</summary>
    internal NodeIdentity Identity => _router.Identity;

    /// <summary>The cluster membership (verifies other nodes' <see cref="EchoBroadcast"/> statements).</summary>
    internal ClusterMembership Membership => _router.Membership;

    /// <summary>Seals <paramref name="payload"/> for <paramref name="recipientNodeId"/> under <paramref name="round"/> and sends it.</summary>
    /// <exception cref="ArgumentException">The recipient is this node or is not a listed member.</exception>
    public async Task SendAsync(string recipientNodeId, int round, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(recipientNodeId);
        if (string.Equals(recipientNodeId, NodeId, StringComparison.Ordinal))
        {
            throw new ArgumentException("A node does not send to itself.", nameof(recipientNodeId));
        }

        if (!_router.Membership.TryGetMember(recipientNodeId, out var recipient))
        {
            throw new ArgumentException($"Node {recipientNodeId} is not a listed member.", nameof(recipientNodeId));
        }

        var envelope = EnvelopeSealer.Seal(_router.Identity, recipient.Identity, Session, round, NextSequence(recipientNodeId), payload.Span);
        await _router.Transport.SendAsync(recipientNodeId, envelope, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends the same payload to each of <paramref name="recipientNodeIds"/>, each in its own envelope,
    /// all at once (over gRPC each delivery waits for its peer's acknowledgement, so sending one after
    /// another would add a round trip per recipient).
    /// </summary>
    public Task SendToAllAsync(IEnumerable<string> recipientNodeIds, int round, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recipientNodeIds);
        return Task.WhenAll(recipientNodeIds.Select(recipient => SendAsync(recipient, round, payload, cancellationToken)));
    }

    /// <summary>
    /// Waits for one message of <paramref name="round"/> from each of <paramref name="senderNodeIds"/>.
    /// The caller owns the returned messages and must dispose them (that wipes their payloads).
    /// </summary>
    /// <exception cref="SessionTimeoutException">Not every sender delivered within <paramref name="timeout"/>; it names those that did not.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public async Task<IReadOnlyDictionary<string, OpenedMessage>> ReceiveRoundAsync(
        int round, IReadOnlyCollection<string> senderNodeIds, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(senderNodeIds);
        ArgumentOutOfRangeException.ThrowIfNegative(round);
        var wanted = new HashSet<string>(senderNodeIds, StringComparer.Ordinal);
        var result = new Dictionary<string, OpenedMessage>(StringComparer.Ordinal);
        foreach (var sender in wanted)
        {
            if (_pending.Remove((round, sender), out var early))
            {
                result[sender] = early;
            }
        }

        var started = _router.TimeProvider.GetTimestamp();
        using var timeoutSource = new CancellationTokenSource(timeout, _router.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            while (result.Count < wanted.Count)
            {
                var message = await _inbox.ReadAsync(linked.Token).ConfigureAwait(false);
                if (message.Round == round && wanted.Contains(message.Sender) && !result.ContainsKey(message.Sender))
                {
                    result[message.Sender] = message;
                }
                else if (message.Round == round && result.ContainsKey(message.Sender))
                {
                    message.Dispose(); // a second message for this round: the first stands
                }
                else if (!_pending.TryAdd((message.Round, message.Sender), message))
                {
                    message.Dispose();
                }
            }

            RoundObserver?.Invoke(round, _router.TimeProvider.GetElapsedTime(started));
            return result;
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            DisposeAll(result.Values);
            var missing = wanted.Where(s => !result.ContainsKey(s)).Order(StringComparer.Ordinal).ToList();
            throw new SessionTimeoutException(Session.ToString(), round, missing, timeout);
        }
        catch
        {
            DisposeAll(result.Values);
            throw;
        }
    }

    /// <summary>Closes the session on this node and wipes every message not yet taken.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _router.CloseSession(Session);
        DisposeAll(_pending.Values);
        _pending.Clear();
    }

    /// <inheritdoc />
    public override string ToString() => $"SessionMessenger({NodeId}, session {Session})";

    private static void DisposeAll(IEnumerable<OpenedMessage> messages)
    {
        foreach (var message in messages)
        {
            message.Dispose();
        }
    }

    private ulong NextSequence(string recipient)
    {
        lock (_sequenceLock)
        {
            _sequences.TryGetValue(recipient, out var last);
            _sequences[recipient] = ++last;
            return last;
        }
    }
}

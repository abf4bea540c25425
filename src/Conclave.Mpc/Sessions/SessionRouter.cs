using System.Collections.Concurrent;
using System.Threading.Channels;
using Conclave.Mpc.Transport;
using Conclave.Threshold;

namespace Conclave.Mpc.Sessions;

/// <summary>
/// One node's receiving side: reads its <see cref="ITransport.Inbox"/>, opens each envelope with
/// the node's <see cref="EnvelopeOpener"/> (which counts and drops anything forged, replayed,
/// out of window, misaddressed or of a session not active here) and hands accepted messages to
/// the <see cref="SessionMessenger"/> of their session. Sessions are opened with
/// <see cref="OpenSession"/> and closed by disposing their messenger.
/// </summary>
/// <remarks>
/// A session must be opened on a node before its peers send to it: envelopes that arrive earlier
/// are dropped as <see cref="DropReason.ForeignSession"/> (the sender then times out).
/// </remarks>
public sealed class SessionRouter
{
    private readonly ConcurrentDictionary<SessionId, Channel<OpenedMessage>> _sessions = new();

    /// <summary>Creates the router of one node; identity, opener and transport must all belong to that node.</summary>
    /// <exception cref="ArgumentException">The opener or transport belongs to another node.</exception>
    public SessionRouter(NodeIdentity identity, ClusterMembership membership, EnvelopeOpener opener, ITransport transport, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(membership);
        ArgumentNullException.ThrowIfNull(opener);
        ArgumentNullException.ThrowIfNull(transport);
        if (!string.Equals(opener.NodeId, identity.NodeId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The opener belongs to {opener.NodeId}, not {identity.NodeId}.", nameof(opener));
        }

        if (!string.Equals(transport.NodeId, identity.NodeId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The transport belongs to {transport.NodeId}, not {identity.NodeId}.", nameof(transport));
        }

        Identity = identity;
        Membership = membership;
        Opener = opener;
        Transport = transport;
        TimeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>This node's id.</summary>
    public string NodeId => Identity.NodeId;

    /// <summary>The node's opener (its <see cref="EnvelopeOpener.DropCounts"/> are the drop metrics).</summary>
    public EnvelopeOpener Opener { get; }

    internal NodeIdentity Identity { get; }

    internal ClusterMembership Membership { get; }

    internal ITransport Transport { get; }

    internal TimeProvider TimeProvider { get; }

    /// <summary>Receives until the inbox completes or <paramref name="cancellationToken"/> fires (then throws <see cref="OperationCanceledException"/>).</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        await foreach (var envelope in Transport.Inbox.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            Deliver(envelope);
        }
    }

    /// <summary>Activates <paramref name="session"/> on this node and returns its messenger (dispose it to close the session).</summary>
    /// <exception cref="InvalidOperationException">The session is already open here, or was closed before.</exception>
    public SessionMessenger OpenSession(SessionId session)
    {
        if (session.Bytes.IsEmpty)
        {
            throw new ArgumentException("The session id is the default value.", nameof(session));
        }

        var inbox = Channel.CreateUnbounded<OpenedMessage>(new UnboundedChannelOptions { SingleReader = true });
        if (!_sessions.TryAdd(session, inbox))
        {
            throw new InvalidOperationException($"Session {session} is already open on node {NodeId}.");
        }

        try
        {
            Opener.AddSession(session);
        }
        catch
        {
            _sessions.TryRemove(session, out _);
            throw;
        }

        return new SessionMessenger(this, session, inbox.Reader);
    }

    internal void CloseSession(SessionId session)
    {
        Opener.CloseSession(session);
        if (_sessions.TryRemove(session, out var inbox))
        {
            inbox.Writer.TryComplete();
            while (inbox.Reader.TryRead(out var message))
            {
                message.Dispose();
            }
        }
    }

    private void Deliver(byte[] envelope)
    {
        if (!Opener.TryOpen(envelope, out var message, out _))
        {
            return; // counted by the opener under its reason
        }

        if (_sessions.TryGetValue(message.Session, out var inbox) && inbox.Writer.TryWrite(message))
        {
            return;
        }

        // Active in the opener but not opened through this router, or closed meanwhile.
        message.Dispose();
    }
}

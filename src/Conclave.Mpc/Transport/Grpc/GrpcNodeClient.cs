using Conclave.Mpc.Coordination;
using Grpc.Core;

namespace Conclave.Mpc.Transport.Grpc;

/// <summary>
/// Another node's <see cref="INodeControl"/>, reached with control calls over this node's
/// <see cref="GrpcNodeHost"/> (mutual TLS pinned to the membership). A node that cannot be reached
/// or does not answer in time surfaces as <see cref="MpcErrorCode.NoQuorum"/> naming it.
/// </summary>
public sealed class GrpcNodeClient : INodeControl
{
    private readonly GrpcNodeHost _host;

    /// <summary>Creates the client for <paramref name="nodeId"/> through <paramref name="host"/>.</summary>
    public GrpcNodeClient(GrpcNodeHost host, string nodeId)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        _host = host;
        NodeId = nodeId;
    }

    /// <inheritdoc />
    public string NodeId { get; }

    /// <summary>How long a control call other than run may take (default 30 s).</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a keygen or reshare run may take (default 15 min: CGGMP21 aux info may have to generate safe primes).</summary>
    public TimeSpan KeygenRunTimeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a sign run may take (default 2 min).</summary>
    public TimeSpan SignRunTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <inheritdoc />
    public Task PrepareAsync(SessionRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(ControlMessages.Prepare, Encode(request), CallTimeout, cancellationToken);

    /// <inheritdoc />
    public async Task<SessionOutcome> RunAsync(SessionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var timeout = request.Kind is SessionRequest.KeygenKind or SessionRequest.ReshareKind ? KeygenRunTimeout : SignRunTimeout;
        var reply = await CallAsync(ControlMessages.Run, Encode(request), timeout, cancellationToken).ConfigureAwait(false);
        return reply.Outcome is { } outcome && string.Equals(outcome.NodeId, NodeId, StringComparison.Ordinal)
            ? outcome
            : throw new MpcRequestException(MpcErrorCode.ProtocolAbort, $"Node {NodeId} answered the run without its own outcome.", [NodeId]);
    }

    /// <inheritdoc />
    public Task CommitAsync(SessionRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(ControlMessages.Commit, Encode(request), CallTimeout, cancellationToken);

    /// <inheritdoc />
    public Task AbortAsync(SessionRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(ControlMessages.Abort, Encode(request), CallTimeout, cancellationToken);

    /// <inheritdoc />
    public async Task<WalletInfo?> GetWalletAsync(string walletId, CancellationToken cancellationToken = default)
    {
        var body = ControlMessages.Encode(new WalletQuery(walletId), ControlJsonContext.Default.WalletQuery);
        var reply = await CallAsync(ControlMessages.Wallet, body, CallTimeout, cancellationToken).ConfigureAwait(false);
        return reply.Wallet;
    }

    /// <inheritdoc />
    public async Task<NodeHealth> HealthAsync(CancellationToken cancellationToken = default)
    {
        var reply = await CallAsync(ControlMessages.Health, [], CallTimeout, cancellationToken).ConfigureAwait(false);
        return reply.Health ?? throw Unreachable("answered the health probe without a status");
    }

    /// <inheritdoc />
    public override string ToString() => $"GrpcNodeClient({NodeId})";

    private static byte[] Encode(SessionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ControlMessages.Encode(request, ControlJsonContext.Default.SessionRequest);
    }

    private async Task<ControlReply> CallAsync(string method, byte[] body, TimeSpan timeout, CancellationToken cancellationToken)
    {
        byte[] reply;
        try
        {
            reply = await _host.CallAsync(NodeId, method, body, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.PermissionDenied or StatusCode.Unimplemented)
        {
            throw new MpcRequestException(MpcErrorCode.Internal, $"Node {NodeId} refused the control call {method} ({e.StatusCode}).");
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            // Unavailable, DeadlineExceeded, a stream reset when the peer dies mid-call (Internal,
            // Unknown, Aborted, Cancelled): the node is gone as far as this session is concerned.
            throw Unreachable(e.StatusCode == StatusCode.DeadlineExceeded ? $"did not answer {method} within {timeout.TotalSeconds:0} s" : $"is unreachable ({e.StatusCode})");
        }
        catch (ObjectDisposedException)
        {
            throw new MpcRequestException(MpcErrorCode.NoQuorum, "This node is shutting down.");
        }

        return ControlMessages.Decode(reply, ControlJsonContext.Default.ControlReply).ThrowIfError();
    }

    private MpcRequestException Unreachable(string what) => new(MpcErrorCode.NoQuorum, $"Node {NodeId} {what}.", [NodeId]);
}

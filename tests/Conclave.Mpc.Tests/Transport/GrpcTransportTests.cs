using System.Security.Cryptography;
using System.Text;
using Conclave.Mpc.Transport;
using Conclave.Mpc.Transport.Grpc;
using Grpc.Core;

namespace Conclave.Mpc.Tests.Transport;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // NodeKeyStore relies on Unix file modes
public sealed class GrpcTransportTests
{
    private static readonly string[] Abc = ["node-a", "node-b", "node-c"];

    [Fact]
    public async Task Three_hosts_exchange_envelopes_that_arrive_intact_on_the_right_inbox()
    {
        await using var nodes = await GrpcTestNodes.CreateAsync(Abc);
        var membership = nodes.Membership(Abc);
        var a = await nodes.StartAsync("node-a", membership);
        var b = await nodes.StartAsync("node-b", membership);
        var c = await nodes.StartAsync("node-c", membership);
        GrpcTestNodes.Connect(a, b, c);

        var ab = RandomNumberGenerator.GetBytes(1000);
        var bc = RandomNumberGenerator.GetBytes(70_000);
        var ca = RandomNumberGenerator.GetBytes(1);
        var ac = RandomNumberGenerator.GetBytes(33);
        await a.Transport.SendAsync("node-b", ab, TestContext.Current.CancellationToken);
        await b.Transport.SendAsync("node-c", bc, TestContext.Current.CancellationToken);
        await c.Transport.SendAsync("node-a", ca, TestContext.Current.CancellationToken);
        await a.Transport.SendAsync("node-c", ac, TestContext.Current.CancellationToken);

        Assert.Equal(ab, await ReadAsync(b));
        Assert.Equal(ca, await ReadAsync(a));
        var atC = new[] { await ReadAsync(c), await ReadAsync(c) };
        Assert.Contains(atC, e => e.AsSpan().SequenceEqual(bc));
        Assert.Contains(atC, e => e.AsSpan().SequenceEqual(ac));
        Assert.All(new[] { a, b, c }, h => Assert.Equal(0, h.SendFailures));
        Assert.All(new[] { a, b, c }, h => Assert.False(h.Transport.Inbox.TryRead(out _)));
    }

    [Fact]
    public async Task A_control_call_reaches_the_handler_with_the_authenticated_caller_id_and_returns_its_reply()
    {
        await using var nodes = await GrpcTestNodes.CreateAsync(Abc);
        var membership = nodes.Membership(Abc);
        var a = await nodes.StartAsync("node-a", membership, new EchoHandler());
        var b = await nodes.StartAsync("node-b", membership);
        var c = await nodes.StartAsync("node-c", membership);
        GrpcTestNodes.Connect(a, b, c);

        var reply = await b.CallAsync("node-a", "echo", "hello"u8.ToArray(), TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Equal("node-b|echo|hello", Encoding.ASCII.GetString(reply));
        reply = await c.CallAsync("node-a", "echo", ReadOnlyMemory<byte>.Empty, TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Equal("node-c|echo|", Encoding.ASCII.GetString(reply));

        var failed = await Assert.ThrowsAsync<RpcException>(() => b.CallAsync("node-a", "fail", ReadOnlyMemory<byte>.Empty, TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
        Assert.Equal(StatusCode.FailedPrecondition, failed.StatusCode);
        Assert.Equal("not now", failed.Status.Detail);
        var crashed = await Assert.ThrowsAsync<RpcException>(() => b.CallAsync("node-a", "crash", ReadOnlyMemory<byte>.Empty, TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
        Assert.Equal(StatusCode.Internal, crashed.StatusCode);
        Assert.DoesNotContain("secret", crashed.Status.Detail, StringComparison.Ordinal);
        var none = await Assert.ThrowsAsync<RpcException>(() => a.CallAsync("node-b", "echo", ReadOnlyMemory<byte>.Empty, TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
        Assert.Equal(StatusCode.Unimplemented, none.StatusCode);
    }

    [Fact]
    public async Task A_client_whose_certificate_no_member_pins_is_refused_and_nothing_is_delivered()
    {
        await using var nodes = await GrpcTestNodes.CreateAsync([.. Abc, "node-x"]);
        var a = await nodes.StartAsync("node-a", nodes.Membership(Abc));

        // node-x believes in a membership listing itself and node-a (with node-a's true pin); node-a's does not list node-x.
        var x = await nodes.StartAsync("node-x", nodes.Membership(["node-a", "node-x"]), new EchoHandler());
        GrpcTestNodes.Connect(a, x);

        await x.Transport.SendAsync("node-a", [1, 2, 3], TestContext.Current.CancellationToken);
        var call = await Assert.ThrowsAsync<RpcException>(() => x.CallAsync("node-a", "echo", ReadOnlyMemory<byte>.Empty, TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));

        Assert.Equal(1, x.SendFailures);
        Assert.NotEqual(StatusCode.OK, call.StatusCode);
        Assert.True(a.RefusedClients >= 1);
        Assert.False(a.Transport.Inbox.TryRead(out _));
    }

    [Fact]
    public async Task A_member_whose_pin_in_the_servers_membership_is_wrong_is_refused_as_a_client()
    {
        await using var nodes = await GrpcTestNodes.CreateAsync([.. Abc, "node-x"]);

        // node-a's membership pins node-x's certificate for node-b; node-b presents its own.
        var a = await nodes.StartAsync("node-a", nodes.Membership(Abc, new Dictionary<string, string> { ["node-b"] = "node-x" }));
        var b = await nodes.StartAsync("node-b", nodes.Membership(Abc));
        GrpcTestNodes.Connect(a, b);

        await b.Transport.SendAsync("node-a", [4, 5, 6], TestContext.Current.CancellationToken);

        Assert.Equal(1, b.SendFailures);
        Assert.True(a.RefusedClients >= 1);
        Assert.False(a.Transport.Inbox.TryRead(out _));
    }

    [Fact]
    public async Task A_server_presenting_a_certificate_other_than_its_pin_is_refused_by_the_client()
    {
        await using var nodes = await GrpcTestNodes.CreateAsync([.. Abc, "node-x"]);

        // node-a's membership pins node-x's certificate for node-b, so the real node-b's server certificate does not match.
        var a = await nodes.StartAsync("node-a", nodes.Membership(Abc, new Dictionary<string, string> { ["node-b"] = "node-x" }));
        var b = await nodes.StartAsync("node-b", nodes.Membership(Abc), new EchoHandler());
        GrpcTestNodes.Connect(a, b);

        await a.Transport.SendAsync("node-b", [7, 8, 9], TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<RpcException>(() => a.CallAsync("node-b", "echo", ReadOnlyMemory<byte>.Empty, TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));

        Assert.Equal(1, a.SendFailures);
        Assert.Equal(0, b.RefusedClients); // the client gave up before presenting anything node-b could refuse
        Assert.False(b.Transport.Inbox.TryRead(out _));
    }

    [Fact]
    public async Task Sending_to_a_down_or_unknown_peer_does_not_throw_and_is_counted()
    {
        await using var nodes = await GrpcTestNodes.CreateAsync(Abc);
        var membership = nodes.Membership(Abc);
        var a = await nodes.StartAsync("node-a", membership);
        var b = await nodes.StartAsync("node-b", membership);
        GrpcTestNodes.Connect(a, b);
        var port = b.Port;
        await b.DisposeAsync();

        await a.Transport.SendAsync("node-b", [1], TestContext.Current.CancellationToken); // stopped
        a.OverridePeerAddress("node-c", $"127.0.0.1:{port}");
        await a.Transport.SendAsync("node-c", [2], TestContext.Current.CancellationToken); // never started
        await a.Transport.SendAsync("node-z", [3], TestContext.Current.CancellationToken); // not a member

        Assert.Equal(3, a.SendFailures);
    }

    [Fact]
    public async Task Envelopes_beyond_the_inbox_capacity_or_the_size_limit_are_dropped_and_counted()
    {
        await using var nodes = await GrpcTestNodes.CreateAsync(Abc);
        var membership = nodes.Membership(Abc);
        var a = await nodes.StartAsync("node-a", membership, options: new GrpcNodeHostOptions { InboxCapacity = 2, MaxEnvelopeBytes = 100 });
        var b = await nodes.StartAsync("node-b", membership);
        GrpcTestNodes.Connect(a, b);

        for (var i = 0; i < 5; i++)
        {
            await b.Transport.SendAsync("node-a", [(byte)i], TestContext.Current.CancellationToken);
        }

        await b.Transport.SendAsync("node-a", new byte[101], TestContext.Current.CancellationToken); // refused by node-a's limit
        await a.Transport.SendAsync("node-b", new byte[101], TestContext.Current.CancellationToken); // refused by node-a's own limit before sending

        Assert.Equal(3, a.InboxDrops);
        Assert.Equal(1, b.SendFailures);
        Assert.Equal(1, a.SendFailures);
        Assert.Equal([0], await ReadAsync(a));
        Assert.Equal([1], await ReadAsync(a));
        Assert.False(a.Transport.Inbox.TryRead(out _));
        Assert.False(b.Transport.Inbox.TryRead(out _));
    }

    [Fact]
    public async Task A_version_1_membership_without_pins_is_refused_at_start_with_a_clear_error()
    {
        await using var nodes = await GrpcTestNodes.CreateAsync("node-a", "node-b");
        var v1 = new ClusterMembership(1, nodes.Keys.Values.Select((k, i) => new ClusterMember(k.PublicIdentity, $"127.0.0.1:{7101 + i}")));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => nodes.StartAsync("node-a", v1));
        Assert.Contains("version 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_refuses_a_membership_that_pins_another_certificate_for_itself_or_a_non_loopback_address()
    {
        await using var nodes = await GrpcTestNodes.CreateAsync("node-a", "node-b");
        var swapped = nodes.Membership(["node-a", "node-b"], new Dictionary<string, string> { ["node-a"] = "node-b", ["node-b"] = "node-a" });
        await Assert.ThrowsAsync<InvalidOperationException>(() => nodes.StartAsync("node-a", swapped));

        var membership = nodes.Membership(["node-a", "node-b"]);
        await Assert.ThrowsAsync<InvalidOperationException>(() => GrpcNodeHost.StartAsync(nodes.Keys["node-a"], membership, options: new GrpcNodeHostOptions { ListenAddress = "0.0.0.0:0" }, cancellationToken: TestContext.Current.CancellationToken));
    }

    private static async Task<byte[]> ReadAsync(GrpcNodeHost host)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(10));
        return await host.Transport.Inbox.ReadAsync(cts.Token);
    }

    private sealed class EchoHandler : IControlHandler
    {
        public Task<byte[]> HandleAsync(string callerNodeId, string method, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) => method switch
        {
            "fail" => throw new InvalidOperationException("not now"),
            "crash" => throw new FormatException("secret internals"),
            _ => Task.FromResult(Encoding.ASCII.GetBytes($"{callerNodeId}|{method}|{Encoding.ASCII.GetString(body.Span)}")),
        };
    }
}

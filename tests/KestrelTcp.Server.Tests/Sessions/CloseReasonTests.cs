using KestrelTcp.Protocols;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Sessions;

public sealed class CloseReasonTests
{
    private static readonly CommandActor Operator = new("test", null, SecurityRole.Operator, ActorKind.User);

    [Fact]
    public async Task KickClosesTheClientAndRecordsTheReason()
    {
        await using var server = await TestServer.StartAsync();
        await using var victim = await server.ConnectAsync();
        await using var bystander = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(2);
        var victimId = server.GetRequiredService<SessionRegistry>().All.Single(s => s.RemoteEndPoint!.ToString() == victim.LocalEndPoint).Id;

        var result = await server.GetRequiredService<SessionCommands>().KickAsync(Operator, [victimId], "misbehaving");

        Assert.Equal(CommandStatus.Ok, result.Status);
        Assert.True(await victim.WaitForCloseAsync());
        await server.WaitForSessionCountAsync(1);
        var closed = Assert.Single(server.GetRequiredService<SessionRegistry>().RecentlyClosed());
        Assert.Equal(victimId, closed.Id);
        Assert.Equal(CloseReason.Kicked, closed.CloseReason);
        Assert.Equal("misbehaving", closed.CloseDetail);
        Assert.NotNull(closed.ClosedAt);
    }

    [Fact]
    public async Task IdleSessionsAreClosedAfterTheIdleTimeout()
    {
        await using var server = await TestServer.StartAsync(Settings.Listener("idle", extra: ("IdleTimeout", "00:00:00.300")), includeDefaultListener: false);
        await using var client = await server.ConnectAsync("idle");

        Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
        await server.WaitForSessionCountAsync(0);
        Assert.Equal(CloseReason.IdleTimeout, server.GetRequiredService<SessionRegistry>().RecentlyClosed().Single().CloseReason);
    }

    [Fact]
    public async Task TrafficKeepsASessionFromIdlingOut()
    {
        await using var server = await TestServer.StartAsync(Settings.Listener("idle", "Echo", extra: ("IdleTimeout", "00:00:00.500")), includeDefaultListener: false);
        await using var client = await server.ConnectAsync("idle");

        // Ten round trips spaced over well past the timeout; each resets the idle clock.
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(150));
        for (var i = 0; i < 10; i++)
        {
            await client.SendLineAsync($"beat {i}");
            Assert.Equal($"beat {i}", await client.ReceiveLineAsync());
            await timer.WaitForNextTickAsync();
        }

        Assert.Equal(1, server.GetRequiredService<SessionRegistry>().Count);
    }

    [Fact]
    public async Task OversizeFrameClosesOnlyTheOffendingSession()
    {
        await using var server = await TestServer.StartAsync(Settings.Listener("echo", "Echo", extra: ("Framing:MaxFrameBytes", "16")), includeDefaultListener: false);
        await using var offender = await server.ConnectAsync("echo");
        await using var neighbour = await server.ConnectAsync("echo");
        await server.WaitForSessionCountAsync(2);

        await offender.SendAsync(new string('x', 100));

        Assert.True(await offender.WaitForCloseAsync());
        await server.WaitForSessionCountAsync(1);
        var closed = server.GetRequiredService<SessionRegistry>().RecentlyClosed().Single();
        Assert.Equal(CloseReason.FrameTooLarge, closed.CloseReason);
        Assert.Contains("16", closed.CloseDetail);

        await neighbour.SendLineAsync("still here");
        Assert.Equal("still here", await neighbour.ReceiveLineAsync());
    }

    [Fact]
    public async Task InvalidLengthClosesOnlyTheOffendingSession()
    {
        var settings = Settings.Listener("lp", "Echo", "LengthPrefixed", ("Framing:HeaderBytes", "2"), ("Framing:LengthIncludesHeader", "true"));
        await using var server = await TestServer.StartAsync(settings, includeDefaultListener: false);
        var codec = server.GetRequiredService<ListenerCatalog>().Find("lp")!.Codec;
        await using var offender = await server.ConnectAsync("lp");
        await using var neighbour = await server.ConnectAsync("lp");
        await server.WaitForSessionCountAsync(2);

        // A length that includes the header can never be below the header's own two bytes.
        await offender.SendAsync([0x00, 0x01]);

        Assert.True(await offender.WaitForCloseAsync());
        await server.WaitForSessionCountAsync(1);
        Assert.Equal(CloseReason.InvalidFrame, server.GetRequiredService<SessionRegistry>().RecentlyClosed().Single().CloseReason);

        await neighbour.SendFrameAsync(codec, "fine"u8.ToArray());
        Assert.Equal("fine"u8.ToArray(), await neighbour.ReceiveFrameAsync(codec));
    }

    [Fact]
    public async Task TruncatedFrameAtEndOfStreamIsRecorded()
    {
        var settings = Settings.Listener("lp", "Monitor", "LengthPrefixed");
        await using var server = await TestServer.StartAsync(settings, includeDefaultListener: false);
        await using var client = await server.ConnectAsync("lp");
        await client.SendAsync([0, 0, 0, 10, 1, 2, 3]);
        await server.WaitForSessionCountAsync(1);
        var session = server.GetRequiredService<SessionRegistry>().All.Single();
        await Eventually.WaitAsync(() => session.Snapshot().BytesIn == 7, TimeSpan.FromSeconds(5));
        client.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);

        await server.WaitForSessionCountAsync(0);
        var closed = server.GetRequiredService<SessionRegistry>().RecentlyClosed().Single();
        Assert.Equal(CloseReason.InvalidFrame, closed.CloseReason);
        Assert.Contains("7 bytes", closed.CloseDetail);
    }

    [Fact]
    public async Task AClientThatStopsReadingIsClosedAsSlowConsumerWhileOthersKeepFlowing()
    {
        var settings = Settings.Listener("mon", "Monitor", "Raw", ("OutboundQueueBytes", "65536"));
        await using var server = await TestServer.StartAsync(settings, includeDefaultListener: false);
        var stalled = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await stalled.ConnectAsync(server.TcpEndPoint("mon"));
        await using var stalledClient = new TestTcpClient(stalled);
        await using var healthy = await server.ConnectAsync("mon");
        await server.WaitForSessionCountAsync(2);
        var registry = server.GetRequiredService<SessionRegistry>();
        var stalledSession = registry.All.Single(s => s.RemoteEndPoint!.ToString() == stalled.LocalEndPoint!.ToString());
        var healthySession = registry.All.Single(s => s != stalledSession);

        // Keep queuing to the client that never reads until its queue overflows; bounded at 256 MiB.
        var chunk = new byte[16 * 1024];
        var result = SendResult.Queued;
        for (var sent = 0L; sent < 256L * 1024 * 1024 && result == SendResult.Queued; sent += chunk.Length)
        {
            result = stalledSession.Enqueue(chunk);
        }

        Assert.Equal(SendResult.SlowConsumer, result);
        await Eventually.WaitAsync(() => registry.RecentlyClosed().Any(s => s.CloseReason == CloseReason.SlowConsumer), TimeSpan.FromSeconds(10));
        Assert.Equal(stalledSession.Id, registry.RecentlyClosed().Single(s => s.CloseReason == CloseReason.SlowConsumer).Id);

        Assert.Equal(SendResult.Queued, healthySession.Enqueue("still flowing"u8));
        Assert.Equal("still flowing"u8.ToArray(), await healthy.ReceiveFrameAsync(new RawCodec()));
    }

    [Fact]
    public async Task ConnectionsOverTheLimitAreRefusedAndRecorded()
    {
        await using var server = await TestServer.StartAsync(Settings.Listener("small", "Echo", extra: ("MaxConnections", "2")), includeDefaultListener: false);
        await using var a = await server.ConnectAsync("small");
        await using var b = await server.ConnectAsync("small");
        await server.WaitForSessionCountAsync(2);

        await using var refused = await server.ConnectAsync("small");

        Assert.True(await refused.WaitForCloseAsync());
        var closed = server.GetRequiredService<SessionRegistry>().RecentlyClosed().Single();
        Assert.Equal(CloseReason.ConnectionLimit, closed.CloseReason);
        Assert.Equal(1, server.GetRequiredService<ListenerCatalog>().Find("small")!.RejectedTotal);
        await a.SendLineAsync("a works");
        Assert.Equal("a works", await a.ReceiveLineAsync());

        // A freed slot is available again.
        await b.DisposeAsync();
        await server.WaitForSessionCountAsync(1);
        await using var c = await server.ConnectAsync("small");
        await c.SendLineAsync("c works");
        Assert.Equal("c works", await c.ReceiveLineAsync());
    }

    [Fact]
    public async Task ShutdownFlushesQueuedFramesAndClosesSessionsWithServerShutdown()
    {
        await using var server = await TestServer.StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(2);
        var registry = server.GetRequiredService<SessionRegistry>();
        foreach (var session in registry.All)
        {
            session.Enqueue("goodbye"u8);
        }

        await server.StopAsync();

        Assert.Equal("goodbye", await a.ReceiveLineAsync());
        Assert.Equal("goodbye", await b.ReceiveLineAsync());
        Assert.True(await a.WaitForCloseAsync());
        Assert.True(await b.WaitForCloseAsync());
        Assert.Equal(0, registry.Count);
        Assert.All(registry.RecentlyClosed(), s => Assert.Equal(CloseReason.ServerShutdown, s.CloseReason));
        Assert.Equal(2, registry.RecentlyClosed().Length);
    }
}

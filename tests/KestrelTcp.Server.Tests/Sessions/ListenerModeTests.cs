using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Sessions;

public sealed class ListenerModeTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task EchoModeRepliesToTheSenderOnly()
    {
        await using var server = await TestServer.StartAsync(Settings.Listener("echo", "Echo"), includeDefaultListener: false);
        await using var a = await server.ConnectAsync("echo");
        await using var b = await server.ConnectAsync("echo");
        await server.WaitForSessionCountAsync(2);

        await a.SendLineAsync("ping");
        Assert.Equal("ping", await a.ReceiveLineAsync());
        Assert.True(await b.ReceivesNothingAsync(Quiet));
    }

    [Fact]
    public async Task BrokerModeRelaysEachFrameToEveryOtherSession()
    {
        await using var server = await TestServer.StartAsync(Settings.Listener("chat", "Broker"), includeDefaultListener: false);
        await using var a = await server.ConnectAsync("chat");
        await using var b = await server.ConnectAsync("chat");
        await using var c = await server.ConnectAsync("chat");
        await server.WaitForSessionCountAsync(3);

        await a.SendLineAsync("hi all");
        Assert.Equal("hi all", await b.ReceiveLineAsync());
        Assert.Equal("hi all", await c.ReceiveLineAsync());
        Assert.True(await a.ReceivesNothingAsync(Quiet));
    }

    [Fact]
    public async Task BrokerModeKeepsListenersApart()
    {
        var settings = Settings.Listener("one", "Broker").With(Settings.Listener("two", "Broker"));
        await using var server = await TestServer.StartAsync(settings, includeDefaultListener: false);
        await using var a = await server.ConnectAsync("one");
        await using var b = await server.ConnectAsync("one");
        await using var other = await server.ConnectAsync("two");
        await server.WaitForSessionCountAsync(3);

        await a.SendLineAsync("inside one");
        Assert.Equal("inside one", await b.ReceiveLineAsync());
        Assert.True(await other.ReceivesNothingAsync(Quiet));
    }

    [Fact]
    public async Task MonitorModeRecordsFramesWithoutReplying()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.SendLineAsync("telemetry 42");
        await server.WaitForSessionCountAsync(1);
        var session = server.GetRequiredService<KestrelTcp.Server.Sessions.SessionRegistry>().All.Single();
        await Eventually.WaitAsync(() => session.Snapshot().FramesIn == 1, TimeSpan.FromSeconds(5));

        var frame = Assert.Single(session.History.Snapshot());
        Assert.Equal("telemetry 42"u8.ToArray(), frame.Preview);
        Assert.True(await client.ReceivesNothingAsync(Quiet));
    }
}

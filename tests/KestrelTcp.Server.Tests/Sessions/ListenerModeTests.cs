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
    public async Task BrokerSessionsSendingToEachOtherAtOnceAllGetThrough()
    {
        // Each session's read loop fans out to the other's writer, which runs inline; neither may hold
        // its own history lock meanwhile, or the two would wait for each other forever.
        const int Lines = 3000;
        await using var server = await TestServer.StartAsync(Settings.Listener("chat", "Broker"), includeDefaultListener: false);
        await using var a = await server.ConnectAsync("chat");
        await using var b = await server.ConnectAsync("chat");
        await server.WaitForSessionCountAsync(2);

        var receivedByA = ReceiveLinesAsync(a, Lines);
        var receivedByB = ReceiveLinesAsync(b, Lines);

        // Many small writes from both sides at once: reads of a line or two, writers that keep going idle.
        static async Task SendLinesAsync(TestTcpClient client)
        {
            for (var i = 0; i < Lines; i += 2)
            {
                await client.SendAsync($"line {i}\nline {i + 1}\n");
            }
        }

        await Task.WhenAll(Task.Run(() => SendLinesAsync(a)), Task.Run(() => SendLinesAsync(b))).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(Lines, await receivedByA.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(Lines, await receivedByB.WaitAsync(TimeSpan.FromSeconds(20)));
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

    private static async Task<int> ReceiveLinesAsync(TestTcpClient client, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.Equal($"line {i}", await client.ReceiveLineAsync(TimeSpan.FromSeconds(20)));
        }

        return count;
    }
}

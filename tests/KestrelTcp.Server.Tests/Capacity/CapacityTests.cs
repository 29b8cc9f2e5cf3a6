using System.Net;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Capacity;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Capacity;

public sealed class CapacityTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task TheBusiestSessionsAreListedBusiestFirstByFramesAndByBytes()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient(TestRole.Viewer);
        await using var quiet = await server.ConnectAsync();
        await using var chatty = await server.ConnectAsync();
        await using var bulky = await server.ConnectAsync();
        var quietId = await server.SessionIdOfAsync(quiet);
        var chattyId = await server.SessionIdOfAsync(chatty);
        var bulkyId = await server.SessionIdOfAsync(bulky);

        await quiet.SendLineAsync("hi");
        for (var i = 0; i < 40; i++)
        {
            await chatty.SendLineAsync("x");
        }

        await bulky.SendLineAsync(new string('b', 5000));
        await WaitForFramesInAsync(server, (quietId, 1), (chattyId, 40), (bulkyId, 1));

        var capacity = await CapacityAsync(http);

        Assert.Equal(chattyId, capacity.Busiest.ByFrames[0].Id);
        Assert.Equal(new[] { bulkyId, chattyId, quietId }.Order(), capacity.Busiest.ByFrames.Select(s => s.Id).Order());
        Assert.Equal(bulkyId, capacity.Busiest.ByBytes[0].Id);
        Assert.Equal(5001, capacity.Busiest.ByBytes[0].Bytes);
        Assert.Equal("default", capacity.Busiest.ByBytes[0].Listener);
        Assert.Equal(bulky.LocalEndPoint, capacity.Busiest.ByBytes[0].RemoteEndPoint);
        Assert.Equal(40, capacity.Busiest.ByFrames[0].Frames);
        Assert.True(capacity.Busiest.ByFrames[0].FramesPerSecond > 0);
        Assert.True(capacity.Busiest.WindowSeconds > 0);
    }

    [Fact]
    public async Task AtMostTenSessionsAreListedAndAQuietSessionDropsOutAfterTwoMarks()
    {
        await using var server = await TestServer.StartAsync();
        var clients = new List<TestTcpClient>();
        try
        {
            var ids = new List<(string, long)>();
            for (var i = 0; i < 12; i++)
            {
                var client = await server.ConnectAsync();
                clients.Add(client);
                await client.SendLineAsync("frame");
                ids.Add((await server.SessionIdOfAsync(client), 1));
            }

            await WaitForFramesInAsync(server, [.. ids]);
            var activity = server.GetRequiredService<SessionActivity>();

            var before = activity.Busiest(CapacityMonitor.BusiestCount);
            Assert.Equal(10, before.ByFrames.Length);
            Assert.Equal(10, before.ByBytes.Length);

            // One mark: the older mark is still from before the frames, so they still count.
            activity.Mark();
            Assert.Equal(10, activity.Busiest(CapacityMonitor.BusiestCount).ByFrames.Length);

            // A second mark: nothing happened since the first, so nobody is busy.
            activity.Mark();
            Assert.Empty(activity.Busiest(CapacityMonitor.BusiestCount).ByFrames);

            // One session talks again and is the only one listed.
            await clients[3].SendLineAsync("again");
            var (talkerId, _) = ids[3];
            await WaitForFramesInAsync(server, (talkerId, 2));
            var after = activity.Busiest(CapacityMonitor.BusiestCount);
            var only = Assert.Single(after.ByFrames);
            Assert.Equal(talkerId, only.Id);
            Assert.Equal(1, only.Frames);
            Assert.Equal(6, only.Bytes);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task DescriptorsAndMemoryAreReportedAgainstTheirBounds()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient(TestRole.Viewer);
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(2);

        var capacity = await CapacityAsync(http);

        var descriptors = capacity.Descriptors;
        Assert.True(descriptors.Limit > 0, "the test machine has a descriptor limit");
        Assert.True(descriptors.Open > descriptors.OpenAtStart, $"{descriptors.Open} open now, {descriptors.OpenAtStart} at start");
        Assert.True(descriptors.Open < descriptors.Limit);
        Assert.Equal(2, descriptors.Sessions);
        Assert.True(descriptors.MaxSessions > 0 && descriptors.MaxSessions < descriptors.Limit);
        Assert.True(descriptors.HttpConnections >= 1, "this request's connection");
        Assert.True(descriptors.MaxHttpConnections > 0);

        var memory = capacity.Memory;
        Assert.True(memory.WorkingSetBytes > 0);
        Assert.True(memory.ManagedHeapBytes > 0);
        Assert.True(memory.AvailableBytes >= memory.WorkingSetBytes);
        Assert.Equal(server.GetRequiredService<KestrelTcp.Server.Hosting.MemoryBudget>().TotalBytes, memory.WorstCaseBytes);
        Assert.Equal(server.GetRequiredService<ListenerCatalog>().OutboundBudget.Limit, memory.OutboundLimitBytes);
        Assert.Equal(server.GetRequiredService<HistoryBudget>().MaxBytes, memory.HistoryLimitBytes);
    }

    [Fact]
    public async Task ConnectionsOverAListenersLimitShowAsRefusedByReason()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["KestrelTcp:Listeners:default:MaxConnections"] = "1" });
        using var http = server.CreateHttpClient(TestRole.Viewer);
        await using var admitted = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        await using var refused = await server.ConnectAsync();
        Assert.True(await refused.WaitForCloseAsync(Timeout), "the connection over the limit was closed");

        var capacity = await CapacityAsync(http);

        Assert.Equal(1, capacity.Rejections.Listeners.ConnectionLimit);
        Assert.True(capacity.Rejections.Total >= 1);
        var listener = Assert.Single(capacity.Listeners);
        Assert.Equal("default", listener.Name);
        Assert.Equal(1, listener.Sessions);
        Assert.Equal(1, listener.MaxConnections);
        Assert.Equal(1, listener.Rejections.ConnectionLimit);
    }

    [Fact]
    public async Task ConnectsPerSecondAndTheEventLoopsLoadMoveWithTraffic()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient(TestRole.Viewer);
        var monitor = server.GetRequiredService<CapacityMonitor>();
        monitor.Sample();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();
        await using var c = await server.ConnectAsync();
        for (var i = 0; i < 100; i++)
        {
            await a.SendLineAsync("load");
        }

        await WaitForFramesInAsync(server, (await server.SessionIdOfAsync(a), 100));
        await server.WaitForSessionCountAsync(3);
        monitor.Sample();

        var capacity = await CapacityAsync(http);

        Assert.True(capacity.ConnectsPerSecond > 0, $"{capacity.ConnectsPerSecond} connects/s");
        Assert.True(Assert.Single(capacity.Listeners).ConnectsPerSecond > 0);
        Assert.True(capacity.ThreadPool.Threads > 0);
        Assert.True(capacity.ThreadPool.CompletedPerSecond > 0);
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(Environment.ProcessorCount, capacity.EventLoops.Length);
            Assert.Equal(3, capacity.EventLoops.Sum(l => l.Connections));
            Assert.True(capacity.EventLoops.Sum(l => l.EventsPerSecond) > 0, "the reads were events of a loop");
            Assert.True(capacity.EventLoops.Sum(l => l.BusyPercent) > 0, "handling them took the loops some time");
            Assert.All(capacity.EventLoops, l => Assert.InRange(l.BusyPercent, 0, 100));
        }
    }

    [Fact]
    public async Task ManyRequestsInASecondShareOneAnswer()
    {
        await using var server = await TestServer.StartAsync();
        var monitor = server.GetRequiredService<CapacityMonitor>();

        var first = monitor.Current();
        var second = monitor.Current();

        Assert.Same(first, second);
    }

    private static async Task<CapacityInfo> CapacityAsync(HttpClient http)
    {
        var response = await http.GetAsync("/api/server");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var info = await response.ReadAsync<ServerInfo>();
        return info.Capacity ?? throw new InvalidOperationException("GET /api/server answered without its capacity.");
    }

    private static Task WaitForFramesInAsync(TestServer server, params (string Id, long Frames)[] sessions)
    {
        var registry = server.GetRequiredService<SessionRegistry>();
        return Eventually.WaitAsync(
            () => sessions.All(s => registry.TryGet(s.Id, out var session) && session.FramesIn >= s.Frames),
            Timeout,
            "the sessions counted the frames sent");
    }
}

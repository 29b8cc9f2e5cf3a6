using KestrelTcp.Dashboard.Tests.Helpers;
using KestrelTcp.Server.Dashboard;
using KestrelTcp.Server.Dashboard.Contracts;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelTcp.Dashboard.Tests;

/// <summary>The publisher against a recording hub context, on a real server with real sockets.</summary>
public sealed class DashboardPublisherTests
{
    [Fact]
    public async Task ASlowBrowserNeverHoldsUpOthersAndCatchesUpWithOneCoalescedDelta()
    {
        var hub = new RecordingHubContext();
        await using var server = await TestServer.StartAsync(configure: builder =>
            builder.Services.AddSingleton<IHubContext<DashboardHub, IDashboardClient>>(hub));
        var viewers = server.GetRequiredService<DashboardViewers>();
        var fast = hub.For("fast");
        var slow = hub.For("slow");
        viewers.Connect("fast");
        viewers.Connect("slow");
        await fast.WaitUntilAsync(m => m.OfType<DashboardSnapshot>().Any(), "the fast browser's snapshot");
        await slow.WaitUntilAsync(m => m.OfType<DashboardSnapshot>().Any(), "the slow browser's snapshot");

        // From here the slow browser takes a push and never finishes it.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        slow.Hold(release.Task);
        var stuckAt = slow.Messages.Count;
        var clients = new List<TestTcpClient> { await server.ConnectAsync() };
        await slow.WaitUntilAsync(m => m.Count > stuckAt, "the push the slow browser is stuck on");
        for (var i = 0; i < 5; i++)
        {
            clients.Add(await server.ConnectAsync());
        }

        await server.WaitForSessionCountAsync(6);
        var ids = server.SessionIds();
        await fast.WaitUntilAsync(m => Upserted(m).IsSupersetOf(ids), "the fast browser sees all six sessions");
        // Nothing more went to the stuck browser after the one flush it is stuck on (a flush may carry a
        // delta and a totals sample together), and it has not seen the later sessions.
        var whileStuck = slow.Messages.Skip(stuckAt).ToList();
        Assert.True(whileStuck.Count <= 2, $"{whileStuck.Count} pushes reached the stuck browser");
        Assert.True(whileStuck.OfType<SessionsDelta>().Count() <= 1);
        Assert.False(Upserted(slow.Messages).IsSupersetOf(ids));

        release.SetResult();
        await slow.WaitUntilAsync(m => Upserted(m).IsSupersetOf(ids), "the slow browser catches up");
        var catchUp = slow.Messages.Skip(stuckAt + 1).OfType<SessionsDelta>().ToList();
        Assert.Single(catchUp, d => d.Upserted.Count >= 5);
        Assert.True(catchUp.Count <= 2, $"caught up in {catchUp.Count} deltas");

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task SendsAResyncSnapshotWhenAViewerAsksForOne()
    {
        var hub = new RecordingHubContext();
        await using var server = await TestServer.StartAsync(configure: builder =>
            builder.Services.AddSingleton<IHubContext<DashboardHub, IDashboardClient>>(hub));
        var viewer = server.GetRequiredService<DashboardViewers>().Connect("browser");
        var browser = hub.For("browser");
        await browser.WaitUntilAsync(m => m.OfType<DashboardSnapshot>().Count() == 1, "the first snapshot");

        viewer.RequestSnapshot();

        await browser.WaitUntilAsync(m => m.OfType<DashboardSnapshot>().Count() == 2, "a second snapshot");
    }

    [Fact]
    public async Task SendsTheNewestWatchedFramesAndCountsTheOnesItCouldNotHold()
    {
        var (server, client, id, group) = await WatchOneSessionAsync("TrafficBufferFrames", "3");
        await using var serverScope = server;
        await using var clientScope = client;

        // The first batch is held in flight, so the next frames wait in the session's ring of three.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        group.Hold(release.Task);
        await client.SendLineAsync("first");
        await group.WaitUntilAsync(m => m.Count == 1, "the first batch");
        await client.SendAsync("a\nb\nc\nd\ne\n");
        Assert.True(server.GetRequiredService<SessionRegistry>().TryGet(id, out var session));
        await Eventually.WaitAsync(() => session.WatchRing?.Count == 6, TimeSpan.FromSeconds(10), "the six frames in the watch ring");
        await Task.Delay(600);
        Assert.Single(group.Messages);

        release.SetResult();
        await group.WaitUntilAsync(m => m.Count == 2, "the batch after the held one");
        var batches = group.Messages.Cast<TrafficBatch>().ToList();
        Assert.Equal(["first"], batches[0].Frames.Select(f => f.Text));
        Assert.Equal(0, batches[0].Dropped);
        Assert.Equal(["c", "d", "e"], batches[1].Frames.Select(f => f.Text));
        Assert.Equal(2, batches[1].Dropped);
        Assert.All(batches, b => Assert.Equal(id, b.SessionId));

        // Nothing new, nothing sent; the next frame comes alone, with nothing dropped.
        await Task.Delay(600);
        Assert.Equal(2, group.Messages.Count);
        await client.SendLineAsync("f");
        await group.WaitUntilAsync(m => m.Count == 3, "the next batch");
        var last = Assert.IsType<TrafficBatch>(group.Messages[2]);
        Assert.Equal(["f"], last.Frames.Select(f => f.Text));
        Assert.Equal(0, last.Dropped);
    }

    [Fact]
    public async Task CutsWatchedFramesToTheTrafficPreviewAndSaysSo()
    {
        var (server, client, id, group) = await WatchOneSessionAsync("TrafficPreviewBytes", "16");
        await using var serverScope = server;
        await using var clientScope = client;

        await client.SendLineAsync(new string('x', 10) + new string('y', 90));

        await group.WaitUntilAsync(m => m.Count == 1, "the batch");
        var frame = Assert.Single(Assert.IsType<TrafficBatch>(group.Messages[0]).Frames);
        Assert.Equal("xxxxxxxxxxyyyyyy", frame.Text);
        Assert.Equal(Convert.ToHexString("xxxxxxxxxxyyyyyy"u8), frame.Hex);
        Assert.True(frame.Truncated);
        Assert.Equal(100, frame.Length);
        Assert.Equal(FrameDirection.In, frame.Direction);
    }

    [Fact]
    public async Task ASessionRecordsWatchedFramesOnlyWhileSomeoneWatches()
    {
        var hub = new RecordingHubContext();
        await using var server = await TestServer.StartAsync(configure: builder =>
            builder.Services.AddSingleton<IHubContext<DashboardHub, IDashboardClient>>(hub));
        await using var client = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        var id = server.SessionIds()[0];
        Assert.True(server.GetRequiredService<SessionRegistry>().TryGet(id, out var session));
        var viewers = server.GetRequiredService<DashboardViewers>();
        viewers.Connect("one");
        viewers.Connect("two");
        Assert.Null(session.WatchRing);

        Assert.True(viewers.Watch("one", id).Ok);
        var ring = Assert.IsType<SessionHistory>(session.WatchRing);
        Assert.Equal(500, ring.Capacity);
        Assert.Equal(256 * 1024, ring.MaxBytes);
        Assert.True(viewers.Watch("two", id).Ok);
        Assert.Same(ring, session.WatchRing);
        await client.SendLineAsync("seen");

        // The frame is counted just before it is recorded: wait for the record itself.
        await Eventually.WaitAsync(() => ring.Count == 1, TimeSpan.FromSeconds(10), "the watched frame in the ring");

        Assert.True(viewers.Unwatch("one", id));
        Assert.Same(ring, session.WatchRing);
        viewers.Disconnect("two");
        Assert.Null(session.WatchRing);
        await client.SendLineAsync("unseen");
        await Eventually.WaitAsync(() => session.History.Count == 2, TimeSpan.FromSeconds(10), "the unwatched frame in the history");
        Assert.Equal(1, ring.Count);

        // Watching again starts a fresh ring: the publisher sends only what comes after.
        viewers.Connect("three");
        Assert.True(viewers.Watch("three", id).Ok);
        Assert.NotSame(ring, session.WatchRing);
        await client.SendLineAsync("again");
        var group = hub.For(DashboardGroups.Session(id));
        await group.WaitUntilAsync(m => m.OfType<TrafficBatch>().Any(b => b.Frames.Any(f => f.Text == "again")), "the frame after watching again");
        Assert.DoesNotContain(group.Messages.OfType<TrafficBatch>().SelectMany(b => b.Frames), f => f.Text == "unseen");
    }

    /// <summary>A server with one connected client whose session a browser ("browser") watches, with one
    /// dashboard setting changed; the group is where that session's traffic batches arrive.</summary>
    private static async Task<(TestServer Server, TestTcpClient Client, string Id, RecordingClient Group)> WatchOneSessionAsync(string setting, string value)
    {
        var hub = new RecordingHubContext();
        var server = await TestServer.StartAsync(
            new Dictionary<string, string?> { [$"KestrelTcp:Dashboard:{setting}"] = value },
            builder => builder.Services.AddSingleton<IHubContext<DashboardHub, IDashboardClient>>(hub));
        var client = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        var id = server.SessionIds()[0];
        var viewers = server.GetRequiredService<DashboardViewers>();
        viewers.Connect("browser");
        Assert.True(viewers.Watch("browser", id).Ok);
        return (server, client, id, hub.For(DashboardGroups.Session(id)));
    }

    private static HashSet<string> Upserted(IReadOnlyList<object> messages) =>
        [.. messages.OfType<SessionsDelta>().SelectMany(d => d.Upserted).Select(r => r.Id)];
}

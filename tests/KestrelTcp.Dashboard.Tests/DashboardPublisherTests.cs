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
    public async Task SendsTheNewestWatchedFramesAndCountsTheOnesTheRingCouldNotHold()
    {
        var (server, client, _, browser) = await WatchOneSessionAsync(new() { ["TrafficBufferFrames"] = "3" });
        await using var serverScope = server;
        await using var clientScope = client;

        await client.SendLineAsync("first");
        await browser.WaitUntilAsync(m => Batches(m).Count == 1, "the first batch");

        // Five frames in one read land in the ring of three before a flush takes them.
        await client.SendAsync("a\nb\nc\nd\ne\n");
        await browser.WaitUntilAsync(m => Batches(m).Sum(b => b.Frames.Count + b.Dropped) == 6, "the frames sent or counted");
        var batches = Batches(browser.Messages);
        Assert.Equal(["first"], batches[0].Frames.Select(f => f.Text));
        Assert.Equal(0, batches[0].Dropped);
        Assert.Equal(["c", "d", "e"], batches.Skip(1).SelectMany(b => b.Frames).Select(f => f.Text));
        Assert.Equal(2, batches.Sum(b => b.Dropped));

        // Nothing new, nothing sent; the next frame comes alone, with nothing dropped.
        var sent = batches.Count;
        await Task.Delay(600);
        Assert.Equal(sent, Batches(browser.Messages).Count);
        await client.SendLineAsync("f");
        await browser.WaitUntilAsync(m => Batches(m).Count == sent + 1, "the next batch");
        var last = Batches(browser.Messages)[^1];
        Assert.Equal(["f"], last.Frames.Select(f => f.Text));
        Assert.Equal(0, last.Dropped);
    }

    [Fact]
    public async Task DropsABrowsersFramesWhileItsBacklogIsFullAndTellsItHowMany()
    {
        // A first frame of 6,000 bytes costs 36,096 estimated bytes (text and hex as UTF-16, plus the
        // overhead) of the 65,536 allowed; the next frames, of 5,000 bytes (30,096), do not fit while it is held.
        var (server, client, id, browser) = await WatchOneSessionAsync(new()
        {
            ["TrafficPreviewBytes"] = "6000",
            ["MaxViewerBacklogBytes"] = "65536",
        });
        await using var serverScope = server;
        await using var clientScope = client;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        browser.Hold(release.Task);
        await client.SendLineAsync(new string('x', 6000));
        await browser.WaitUntilAsync(m => Batches(m).Count == 1, "the first batch");

        for (var i = 0; i < 4; i++)
        {
            await client.SendLineAsync(new string((char)('a' + i), 5000));
        }

        Assert.True(server.GetRequiredService<SessionRegistry>().TryGet(id, out var session));
        await Eventually.WaitAsync(() => session.WatchRing?.Count == 5, TimeSpan.FromSeconds(10), "the frames in the watch ring");
        await Task.Delay(600);
        Assert.Single(Batches(browser.Messages));

        release.SetResult();
        await client.SendLineAsync("after");
        await browser.WaitUntilAsync(m => Batches(m).Any(b => b.Frames.Any(f => f.Text == "after")), "the frame after the backlog emptied");
        var batches = Batches(browser.Messages);
        Assert.Equal(4, batches.Sum(b => b.Dropped));
        Assert.Equal(["after"], batches.Skip(1).SelectMany(b => b.Frames).Select(f => f.Text));
        Assert.Equal(4, server.GetRequiredService<DashboardViewers>().Find("browser")!.Traffic.DroppedFrames);
    }

    [Fact]
    public async Task CutsWatchedFramesToTheTrafficPreviewAndSaysSo()
    {
        var (server, client, _, browser) = await WatchOneSessionAsync(new() { ["TrafficPreviewBytes"] = "16" });
        await using var serverScope = server;
        await using var clientScope = client;

        await client.SendLineAsync(new string('x', 10) + new string('y', 90));

        await browser.WaitUntilAsync(m => Batches(m).Count == 1, "the batch");
        var frame = Assert.Single(Batches(browser.Messages)[0].Frames);
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
        var three = hub.For("three");
        await three.WaitUntilAsync(m => m.OfType<TrafficBatch>().Any(b => b.Frames.Any(f => f.Text == "again")), "the frame after watching again");
        Assert.DoesNotContain(three.Messages.OfType<TrafficBatch>().SelectMany(b => b.Frames), f => f.Text == "unseen");
    }

    /// <summary>A server with one connected client whose session a browser ("browser") watches, with
    /// some dashboard settings changed; the recording client is where that browser's pushes arrive.</summary>
    private static async Task<(TestServer Server, TestTcpClient Client, string Id, RecordingClient Browser)> WatchOneSessionAsync(Dictionary<string, string> settings)
    {
        var hub = new RecordingHubContext();
        var server = await TestServer.StartAsync(
            settings.ToDictionary(s => $"KestrelTcp:Dashboard:{s.Key}", s => (string?)s.Value),
            builder => builder.Services.AddSingleton<IHubContext<DashboardHub, IDashboardClient>>(hub));
        var client = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        var id = server.SessionIds()[0];
        var viewers = server.GetRequiredService<DashboardViewers>();
        viewers.Connect("browser");
        Assert.True(viewers.Watch("browser", id).Ok);
        return (server, client, id, hub.For("browser"));
    }

    private static List<TrafficBatch> Batches(IReadOnlyList<object> messages) => [.. messages.OfType<TrafficBatch>()];

    private static HashSet<string> Upserted(IReadOnlyList<object> messages) =>
        [.. messages.OfType<SessionsDelta>().SelectMany(d => d.Upserted).Select(r => r.Id)];
}

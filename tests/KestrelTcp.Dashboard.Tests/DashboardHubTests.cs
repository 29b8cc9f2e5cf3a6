using System.Text;
using KestrelTcp.Dashboard.Tests.Helpers;
using KestrelTcp.Server.Dashboard;
using KestrelTcp.Server.Dashboard.Contracts;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace KestrelTcp.Dashboard.Tests;

/// <summary>The dashboard hub, driven by the .NET SignalR client against a real server and real sockets.</summary>
public sealed class DashboardHubTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task SendsASnapshotOfLiveSessionsFirst()
    {
        await using var server = await TestServer.StartAsync();
        await using var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(2);

        await using var probe = await HubProbe.ConnectAsync(server);
        await probe.WaitUntilAsync(p => p.Snapshots == 1, "the snapshot");

        var snapshot = probe.LastSnapshot!;
        Assert.Equal(server.SessionIds().Order(), snapshot.Sessions.Select(s => s.Id).Order());
        Assert.Equal(0, probe.Deltas);
        var listener = Assert.Single(snapshot.Listeners);
        Assert.Equal("default", listener.Name);
        Assert.Equal(250, snapshot.Settings.FlushIntervalMilliseconds);
        Assert.All(snapshot.Sessions, s => Assert.Equal("default", s.Listener));
    }

    [Fact]
    public async Task PushesNewChangedAndClosedSessionsAsDeltas()
    {
        await using var server = await TestServer.StartAsync();
        await using var probe = await HubProbe.ConnectAsync(server);
        await probe.WaitUntilAsync(p => p.Snapshots == 1, "the snapshot");
        Assert.Empty(probe.LastSnapshot!.Sessions);

        var client = await server.ConnectAsync();
        await probe.WaitUntilAsync(p => p.Sessions.Count == 1, "the new session");
        var id = Assert.Single(probe.Sessions.Keys);
        Assert.Equal(client.LocalEndPoint, probe.Sessions[id].RemoteEndPoint);

        await client.SendLineAsync("ping");
        await probe.WaitUntilAsync(p => p.Sessions.TryGetValue(id, out var row) && row.FramesIn == 1 && row.BytesIn == 5, "the changed counters");

        await client.DisposeAsync();
        await probe.WaitUntilAsync(p => p.Closed.Any(c => c.Id == id), "the closed session");
        Assert.Empty(probe.Sessions);
        var closed = Assert.Single(probe.Closed);
        Assert.Equal(CloseReason.ClientClosed, closed.Reason);
        Assert.Equal(1, closed.FramesIn);
    }

    [Fact]
    public async Task CoalescesABurstOfTenThousandFramesIntoFewHubMessages()
    {
        const int Frames = 10_000;
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        var id = server.SessionIds()[0];
        await using var probe = await HubProbe.ConnectAsync(server);
        await probe.WaitUntilAsync(p => p.Snapshots == 1, "the snapshot");
        var watch = await probe.InvokeAsync<WatchResult>(nameof(DashboardHub.Watch), id);
        Assert.True(watch.Ok, watch.Error);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var burst = new StringBuilder();
        for (var i = 0; i < Frames; i++)
        {
            burst.Append("frame ").Append(i).Append('\n');
        }

        await client.SendAsync(burst.ToString());
        await probe.WaitUntilAsync(p => p.Sessions[id].FramesIn == Frames, "all frames counted");
        await probe.WaitUntilAsync(p => p.Frames(id).Count + p.Dropped(id) == Frames, "every frame delivered or counted as dropped");
        var elapsed = clock.Elapsed;

        // At most one delta and one traffic batch per 250 ms flush (plus the one in progress), however many frames.
        var flushes = (int)Math.Ceiling(elapsed.TotalMilliseconds / 250) + 2;
        Assert.InRange(probe.Deltas, 1, flushes);
        Assert.InRange(probe.TrafficBatches.Count, 1, flushes);
        var frames = probe.Frames(id);
        Assert.InRange(frames.Count, 1, 500 * flushes);
        Assert.Equal($"frame {Frames - 1}", frames[^1].Text);
        Assert.All(frames, f => Assert.Equal(FrameDirection.In, f.Direction));
    }

    [Fact]
    public async Task SendsTrafficOnlyToTheSessionsViewersUntilTheyUnwatch()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.SendLineAsync("before");
        await server.WaitForSessionCountAsync(1);
        var id = server.SessionIds()[0];
        await using var viewer = await HubProbe.ConnectAsync(server);
        await using var other = await HubProbe.ConnectAsync(server);
        await using var bystander = await HubProbe.ConnectAsync(server);

        var watch = await viewer.InvokeAsync<WatchResult>(nameof(DashboardHub.Watch), id);
        Assert.True(watch.Ok, watch.Error);
        Assert.Equal("before", Assert.Single(watch.History).Text);
        Assert.True((await other.InvokeAsync<WatchResult>(nameof(DashboardHub.Watch), id)).Ok);

        await client.SendLineAsync("one");
        await viewer.WaitUntilAsync(p => p.Frames(id).Any(f => f.Text == "one"), "the viewer gets the frame");
        var frame = viewer.Frames(id).Single(f => f.Text == "one");
        Assert.Equal("6F6E65", frame.Hex);
        Assert.Equal(3, frame.Length);
        Assert.Equal(FrameDirection.In, frame.Direction);

        await viewer.Connection.InvokeAsync(nameof(DashboardHub.Unwatch), id).WaitAsync(TimeSpan.FromSeconds(10));
        await client.SendLineAsync("two");
        await other.WaitUntilAsync(p => p.Frames(id).Any(f => f.Text == "two"), "the remaining viewer gets the next frame");

        // Anything for "two" would have reached the viewer before a delta that counts a later frame.
        await client.SendLineAsync("three");
        await viewer.WaitUntilAsync(p => p.Sessions[id].FramesIn == 4, "the delta for the later frame");
        Assert.DoesNotContain(viewer.Frames(id), f => f.Text is "two" or "three");
        await bystander.WaitUntilAsync(p => p.Sessions[id].FramesIn == 4, "the bystander's delta");
        Assert.Empty(bystander.TrafficBatches);
    }

    [Fact]
    public async Task RefusesToWatchAnUnknownSession()
    {
        await using var server = await TestServer.StartAsync();
        await using var probe = await HubProbe.ConnectAsync(server);

        var result = await probe.InvokeAsync<WatchResult>(nameof(DashboardHub.Watch), "no-such-session");

        Assert.False(result.Ok);
        Assert.Contains("no-such-session", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReleasesAViewersWatchesWhenItDisconnects()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        var viewers = server.GetRequiredService<DashboardViewers>();
        var probe = await HubProbe.ConnectAsync(server);
        Assert.True((await probe.InvokeAsync<WatchResult>(nameof(DashboardHub.Watch), server.SessionIds()[0])).Ok);
        Assert.Equal(1, viewers.Count);

        await probe.DisposeAsync();

        await Eventually.WaitAsync(() => viewers.Count == 0, TimeSpan.FromSeconds(10), "the viewer is forgotten");
    }

    [Fact]
    public async Task SendDeliversTextAndHexToTheChosenSocketsOnly()
    {
        await using var server = await TestServer.StartAsync();
        await using var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync();
        await using var third = await server.ConnectAsync();
        string[] ids = [await server.SessionIdOfAsync(first), await server.SessionIdOfAsync(second), await server.SessionIdOfAsync(third)];
        await using var probe = await HubProbe.ConnectAsync(server);

        var text = await probe.InvokeAsync<CommandReply>(nameof(DashboardHub.Send), new SendCommand([ids[0], ids[2]], "hello", null));
        Assert.True(text.Ok, text.Error);
        Assert.Equal(2, text.Sessions);
        Assert.Equal(5, text.Bytes);
        Assert.Equal("hello", await first.ReceiveLineAsync());
        Assert.Equal("hello", await third.ReceiveLineAsync());

        var hex = await probe.InvokeAsync<CommandReply>(nameof(DashboardHub.Send), new SendCommand([ids[1]], null, "00 01 fe:FF"));
        Assert.True(hex.Ok, hex.Error);
        Assert.Equal(new byte[] { 0x00, 0x01, 0xFE, 0xFF }, await second.ReceiveFrameAsync());
        Assert.True(await first.ReceivesNothingAsync(Quiet));
        Assert.True(await third.ReceivesNothingAsync(Quiet));
    }

    [Fact]
    public async Task RefusesAnInvalidPayloadOrAnUnknownSessionWithoutSendingAnything()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        var id = server.SessionIds()[0];
        await using var probe = await HubProbe.ConnectAsync(server);

        var badHex = await probe.InvokeAsync<CommandReply>(nameof(DashboardHub.Send), new SendCommand([id], null, "0x zz"));
        var newline = await probe.InvokeAsync<CommandReply>(nameof(DashboardHub.Send), new SendCommand([id], "two\nlines", null));
        var unknown = await probe.InvokeAsync<CommandReply>(nameof(DashboardHub.Send), new SendCommand([id, "gone"], "hi", null));

        Assert.False(badHex.Ok);
        Assert.Contains("hex", badHex.Error, StringComparison.OrdinalIgnoreCase);
        Assert.False(newline.Ok);
        Assert.False(unknown.Ok);
        Assert.Contains("gone", unknown.Error, StringComparison.Ordinal);
        Assert.True(await client.ReceivesNothingAsync(Quiet));
    }

    [Fact]
    public async Task TakesASendNamingTenThousandSessionsInOneMessage()
    {
        await using var server = await TestServer.StartAsync();
        await using var probe = await HubProbe.ConnectAsync(server);
        var ids = Enumerable.Range(0, 10_000).Select(i => $"0HNQB5SESSION{i:D5}").ToArray();

        // About 200 KB: far over SignalR's default 32 KB limit, which would close the connection.
        var reply = await probe.InvokeAsync<CommandReply>(nameof(DashboardHub.Send), new SendCommand(ids, "hello", null));

        Assert.False(reply.Ok);
        Assert.Contains("No live session", reply.Error, StringComparison.Ordinal);
        Assert.Equal(HubConnectionState.Connected, probe.Connection.State);
    }

    [Fact]
    public async Task BroadcastReachesEverySessionOfTheListenerAndNoOther()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["KestrelTcp:Listeners:other:Address"] = "127.0.0.1",
            ["KestrelTcp:Listeners:other:Port"] = "0",
            ["KestrelTcp:Listeners:other:Framing:Kind"] = "Line",
        });
        await using var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync();
        await using var elsewhere = await server.ConnectAsync("other");
        await server.WaitForSessionCountAsync(3);
        await using var probe = await HubProbe.ConnectAsync(server);

        var reply = await probe.InvokeAsync<CommandReply>(nameof(DashboardHub.Broadcast), new BroadcastCommand("default", "all hands", null));

        Assert.True(reply.Ok, reply.Error);
        Assert.Equal(2, reply.Sessions);
        Assert.Equal("all hands", await first.ReceiveLineAsync());
        Assert.Equal("all hands", await second.ReceiveLineAsync());
        Assert.True(await elsewhere.ReceivesNothingAsync(Quiet));
        var missing = await probe.InvokeAsync<CommandReply>(nameof(DashboardHub.Broadcast), new BroadcastCommand("nope", "x", null));
        Assert.False(missing.Ok);
    }

    [Fact]
    public async Task KickClosesTheChosenSocketsWithTheReason()
    {
        await using var server = await TestServer.StartAsync();
        await using var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync();
        await using var third = await server.ConnectAsync();
        string[] ids = [await server.SessionIdOfAsync(first), await server.SessionIdOfAsync(second), await server.SessionIdOfAsync(third)];
        await using var probe = await HubProbe.ConnectAsync(server);
        await probe.WaitUntilAsync(p => p.Snapshots == 1, "the snapshot");

        var reply = await probe.InvokeAsync<CommandReply>(nameof(DashboardHub.Kick), new KickCommand([ids[0], ids[1]], "maintenance"));

        Assert.True(reply.Ok, reply.Error);
        Assert.Equal(2, reply.Sessions);
        Assert.True(await first.WaitForCloseAsync());
        Assert.True(await second.WaitForCloseAsync());
        await probe.WaitUntilAsync(p => p.Closed.Count == 2, "both closes in a delta");
        Assert.All(probe.Closed, c =>
        {
            Assert.Equal(CloseReason.Kicked, c.Reason);
            Assert.Equal("maintenance", c.Detail);
        });
        Assert.Equal([ids[2]], probe.Sessions.Keys);
        Assert.True(await third.ReceivesNothingAsync(Quiet));
    }

    [Fact]
    public async Task LetsAViewerWatchButNotSendOrKick()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        var id = server.SessionIds()[0];
        await using var viewer = await HubProbe.ConnectAsync(server, TestRole.Viewer);

        var watch = await viewer.InvokeAsync<WatchResult>(nameof(DashboardHub.Watch), id);
        var send = await viewer.InvokeAsync<CommandReply>(nameof(DashboardHub.Send), new SendCommand([id], "hello", null));
        var kick = await viewer.InvokeAsync<CommandReply>(nameof(DashboardHub.Kick), new KickCommand([id], "no"));

        Assert.True(watch.Ok, watch.Error);
        Assert.False(send.Ok);
        Assert.False(kick.Ok);
        Assert.True(await client.ReceivesNothingAsync(Quiet));
        Assert.Equal(1, server.GetRequiredService<SessionRegistry>().Count);
    }

    [Fact]
    public async Task RefusesABrowserThatHasNotSignedIn()
    {
        await using var server = await TestServer.StartAsync();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => HubProbe.ConnectAsync(server, TestRole.Anonymous));

        Assert.Contains("401", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PushesTotalsWithRatesAboutOnceASecond()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await using var probe = await HubProbe.ConnectAsync(server);
        await probe.WaitUntilAsync(p => p.Snapshots == 1, "the snapshot");
        await probe.WaitUntilAsync(p => p.TotalsMessages >= 1, "a first totals sample");

        for (var i = 0; i < 50; i++)
        {
            await client.SendLineAsync("0123456789");
        }

        await probe.WaitUntilAsync(p => p.LastTotals!.FramesInPerSecond > 0, "a rate that counts the frames", TimeSpan.FromSeconds(5));
        var totals = probe.LastTotals!;
        Assert.Equal(1, totals.Sessions);
        Assert.True(totals.BytesInPerSecond > 0);
        var listener = Assert.Single(totals.Listeners);
        Assert.Equal("default", listener.Name);
        Assert.Equal(1, listener.Sessions);
    }

    [Fact]
    public async Task RefusesToStartWithAnInvalidFlushInterval()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["KestrelTcp:Dashboard:FlushInterval"] = "00:00:00",
        }));

        Assert.Contains("KestrelTcp:Dashboard:FlushInterval", error.ToString(), StringComparison.Ordinal);
    }
}

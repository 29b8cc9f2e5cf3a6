using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Cluster;

/// <summary>
/// Issue 12, points 3 and 7, the dashboard's half: two nodes on a real redis-server, and a browser (the
/// .NET SignalR client) on one of them. It gets the other node's sessions, with their node, as they open
/// and leave, then their close records; the whole cluster in its snapshot; the cluster-wide session count; the node list; and the
/// degraded state when Redis goes away and comes back. A burst of remote changes beyond the dashboard's
/// bound becomes one snapshot.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DashboardClusterTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ABrowserOnOneNodeGetsASessionOfAnotherNodeWithItsNodeAndItsRemovalWhenItCloses()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await TestServer.StartAsync(ClusterSettings.For(redis, "a"));
        await using var b = await TestServer.StartAsync(ClusterSettings.For(redis, "b"));
        await using var browser = await DashboardClusterProbe.ConnectAsync(a);
        await browser.WaitUntilAsync(p => p.Cluster is { Enabled: true, Degraded: null } c && c.Nodes.Count(n => n.State == NodeState.Up) == 2, "both nodes Up in the browser's node list", Timeout);
        Assert.Equal("a", browser.Read(p => p.Cluster!.LocalNode));
        Assert.Equal(["a", "b"], browser.Read(p => p.Cluster!.Nodes.Select(n => n.Name).ToList()));

        await using var onA = await a.ConnectAsync();
        await using var onB = await b.ConnectAsync();
        await a.WaitForSessionCountAsync(1);
        await b.WaitForSessionCountAsync(1);
        var idA = a.SessionIds().Single();
        var idB = b.SessionIds().Single();

        await browser.WaitUntilAsync(p => p.Sessions.TryGetValue(idB, out var row) && row.Node == "b", "node b's session in the table with node b", Timeout);
        await browser.WaitUntilAsync(p => p.Sessions.TryGetValue(idA, out var row) && row.Node == "a", "node a's own session with node a", Timeout);
        var remote = browser.Read(p => p.Sessions[idB]);
        Assert.Equal(onB.LocalEndPoint, remote.RemoteEndPoint);
        Assert.Equal("default", remote.Listener);
        // The counts are the cluster's: one session on each node.
        await browser.WaitUntilAsync(p => p.LastTotals is { Sessions: 2 } t && t.Listeners.Single().Sessions == 2, "cluster-wide totals of 2", Timeout);

        // A browser that connects now has both in its first snapshot.
        await using (var late = await DashboardClusterProbe.ConnectAsync(a))
        {
            await late.WaitUntilAsync(p => p.Snapshots.Count > 0, "the late browser's snapshot", Timeout);
            var snapshot = late.Read(p => p.Snapshots[0]);
            Assert.Equal("b", snapshot.Sessions.Single(s => s.Id == idB).Node);
            Assert.Equal("a", snapshot.Sessions.Single(s => s.Id == idA).Node);
            Assert.True(snapshot.Cluster.Enabled);
        }

        await onB.DisposeAsync();

        await browser.WaitUntilAsync(p => !p.Sessions.ContainsKey(idB) && p.Removed.Any(r => r.Id == idB), "node b's session removed", Timeout);
        Assert.Equal("b", browser.Read(p => p.Removed.Single(r => r.Id == idB).Node));
        Assert.True(browser.Read(p => p.Sessions.ContainsKey(idA)));

        // Then its close record, from node b's list in Redis: once, with its node and reason.
        await browser.WaitUntilAsync(p => p.Closed.Any(c => c.Id == idB), "node b's session in the recently closed list", Timeout);
        var closed = browser.Read(p => p.Closed.Single(c => c.Id == idB));
        Assert.Equal(("b", CloseReason.ClientClosed), (closed.Node, closed.Reason));
        Assert.Equal(1, browser.Read(p => p.Snapshots.Count));

        // A browser that connects now has it in its recently closed list too.
        await using var later = await DashboardClusterProbe.ConnectAsync(a);
        await later.WaitUntilAsync(p => p.Snapshots.Count > 0 && p.Closed.Any(c => c.Id == idB && c.Node == "b"), "the close record for a browser that connects later", Timeout);
        Assert.Single(later.Read(p => p.Closed.Where(c => c.Id == idB).ToList()));
    }

    [Fact]
    public async Task TheChartsRatesOnOneNodeCountTheTrafficOfAnotherNode()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await TestServer.StartAsync(ClusterSettings.For(redis, "a"));
        await using var b = await TestServer.StartAsync(ClusterSettings.For(redis, "b"));
        await using var browser = await DashboardClusterProbe.ConnectAsync(a);
        await using var onB = await b.ConnectAsync();
        await b.WaitForSessionCountAsync(1);

        // A device on node b talks steadily (20 lines every 50 ms, about 400 frames a second) until node
        // a's charts show it; node a itself has no session and no traffic at all.
        using var stop = new CancellationTokenSource(Timeout);
        var talking = Task.Run(async () =>
        {
            using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
            while (await pace.WaitForNextTickAsync(stop.Token))
            {
                await onB.SendAsync(string.Concat(Enumerable.Repeat("telemetry,1\n", 20)));
            }
        });

        await browser.WaitUntilAsync(
            p => p.LastTotals is { FramesInPerSecond: > 100, BytesInPerSecond: > 1000 } t && t.Listeners.Single().FramesInPerSecond > 100,
            "node b's frame and byte rates in node a's totals", Timeout);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => talking);
        Assert.Equal(0, a.GetRequiredService<SessionRegistry>().Count);

        // Once node b is quiet, its next heartbeats carry zero and node a's rates fall back to zero.
        await browser.WaitUntilAsync(p => p.LastTotals is { FramesInPerSecond: 0, BytesInPerSecond: 0 }, "the rates back at zero", Timeout);
    }

    [Fact]
    public async Task MoreRemoteChangesBetweenTwoFlushesThanTheBoundBecomeOneSnapshot()
    {
        const int Bound = 10;
        const int Devices = 40;
        await using var redis = await RedisServer.StartAsync();
        // Flushes 2 s apart: the 40 sessions opened at once reach node a within one or two flushes, so at
        // least one flush sees more than 10 of them change.
        await using var a = await TestServer.StartAsync(ClusterSettings.For(redis, "a", new Dictionary<string, string?>
        {
            ["KestrelTcp:Dashboard:MaxRemoteChanges"] = Bound.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["KestrelTcp:Dashboard:FlushInterval"] = "00:00:02",
        }));
        await using var b = await TestServer.StartAsync(ClusterSettings.For(redis, "b"));
        await using var browser = await DashboardClusterProbe.ConnectAsync(a);
        await browser.WaitUntilAsync(p => p.Cluster is { } c && c.Nodes.Count(n => n.State == NodeState.Up) == 2, "both nodes Up", Timeout);
        var snapshotsBefore = browser.Read(p => p.Snapshots.Count);

        var devices = await Task.WhenAll(Enumerable.Range(0, Devices).Select(_ => b.ConnectAsync()));
        try
        {
            await b.WaitForSessionCountAsync(Devices);
            var ids = b.SessionIds().ToHashSet();

            await browser.WaitUntilAsync(p => ids.All(p.Sessions.ContainsKey), "all 40 of node b's sessions in the browser", Timeout);
            var (snapshots, deltaRows) = browser.Read(p => (p.Snapshots.Count, p.Deltas.SelectMany(d => d.Upserted).Count(r => ids.Contains(r.Id))));
            Assert.True(snapshots > snapshotsBefore, $"no resync snapshot: {deltaRows} rows came in deltas");
            var last = browser.Read(p => p.Snapshots[^1]);
            Assert.Contains(last.Sessions, s => ids.Contains(s.Id) && s.Node == "b");
            // No delta carried more remote rows than the bound.
            Assert.All(browser.Read(p => p.Deltas.ToList()), d => Assert.True(d.Upserted.Count(r => r.Node == "b") <= Bound));
        }
        finally
        {
            foreach (var device in devices)
            {
                await device.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task BrowsersAreToldTheClusterViewIsDegradedWhenRedisStopsAndWholeWhenItReturns()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await TestServer.StartAsync(ClusterSettings.For(redis, "a"));
        await using var b = await TestServer.StartAsync(ClusterSettings.For(redis, "b"));
        await using var browser = await DashboardClusterProbe.ConnectAsync(a);
        await browser.WaitUntilAsync(p => p.Cluster is { Degraded: null } c && c.Nodes.Count(n => n.State == NodeState.Up) == 2, "a whole view of two nodes", Timeout);
        await using var onA = await a.ConnectAsync();
        await a.WaitForSessionCountAsync(1);

        await redis.StopAsync();

        await browser.WaitUntilAsync(p => p.ClusterPushes.Count > 0 && p.ClusterPushes[^1].Degraded is not null, "a degraded cluster status", Timeout);
        Assert.Contains("Redis", browser.Read(p => p.Cluster!.Degraded), StringComparison.Ordinal);
        // Node a still serves its own device, and the browser still gets its rows.
        var idA = a.SessionIds().Single();
        await onA.SendLineAsync("still here");
        await browser.WaitUntilAsync(p => p.Sessions.TryGetValue(idA, out var row) && row.FramesIn == 1, "node a's own session counting while degraded", Timeout);

        await redis.StartAgainAsync();

        await browser.WaitUntilAsync(p => p.Cluster is { Degraded: null } c && c.Nodes.Count(n => n.State == NodeState.Up) == 2, "a whole view again once Redis is back", Timeout);
    }

    [Fact]
    public async Task OnASingleNodeTheSnapshotSaysSoAndNoClusterStatusIsPushed()
    {
        await using var server = await TestServer.StartAsync();
        await using var device = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        await using var browser = await DashboardClusterProbe.ConnectAsync(server);

        await browser.WaitUntilAsync(p => p.Snapshots.Count > 0, "the snapshot");
        var snapshot = browser.Read(p => p.Snapshots[0]);
        Assert.False(snapshot.Cluster.Enabled);
        Assert.Empty(snapshot.Cluster.Nodes);
        Assert.Null(Assert.Single(snapshot.Sessions).Node);

        // Several flushes later (two totals samples are a second apart), still no cluster push, and rows
        // carry no node.
        await device.SendLineAsync("x");
        var first = browser.Read(p => p.LastTotals);
        await browser.WaitUntilAsync(p => p.LastTotals is { } t && t != first && p.Sessions.Values.Single().FramesIn == 1, "a later totals sample and the frame", TimeSpan.FromSeconds(10));
        await browser.WaitUntilAsync(p => p.LastTotals is { } t && t.Time > snapshot.Time + 1500, "a totals sample well after the snapshot", TimeSpan.FromSeconds(10));
        Assert.Empty(browser.Read(p => p.ClusterPushes));
        Assert.All(browser.Read(p => p.Deltas.SelectMany(d => d.Upserted).ToList()), r => Assert.Null(r.Node));
        Assert.All(browser.Read(p => p.Deltas.ToList()), d => Assert.Empty(d.Removed));
    }
}

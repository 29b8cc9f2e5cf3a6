using System.Net;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;
using static KestrelTcp.Server.Tests.Cluster.ClusterViewTests;
using static KestrelTcp.Server.Tests.Cluster.RemoteDrainTests;

namespace KestrelTcp.Server.Tests.Cluster;

/// <summary>
/// Issue 12, point 4, end to end on the real Redis directory (no test view): three clustered nodes on a
/// real redis-server, devices on node c, and send, multi-send, kick and broadcast taken by node a's API.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RealDirectoryRoutingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task SendsKicksAndBroadcastsTakenByOneNodeReachTheDevicesOfAnother()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartNodeAsync(redis, "node-a");
        await using var b = await StartNodeAsync(redis, "node-b");
        await using var c = await StartNodeAsync(redis, "node-c");
        await WaitForAllUpAsync(a, b, c);
        await using var first = await c.ConnectAsync();
        await using var second = await c.ConnectAsync();
        await using var onB = await b.ConnectAsync();
        var firstId = await c.SessionIdOfAsync(first);
        var secondId = await c.SessionIdOfAsync(second);
        using var http = a.CreateHttpClient();
        await WaitForAsync(http, "/api/sessions", (SessionPage p) => p.Total == 3, Timeout);

        using var one = await http.PostJsonAsync($"/api/sessions/{firstId}/send", new { text = "to the first" }).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.Accepted, one.StatusCode);
        Assert.Equal([firstId], (await one.ReadAsync<SendResponse>()).Sessions);
        Assert.Equal("to the first", await first.ReceiveLineAsync());

        using var many = await http.PostJsonAsync("/api/send", new { text = "to both", sessionIds = new[] { firstId, secondId } }).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.Accepted, many.StatusCode);
        Assert.Equal(new[] { firstId, secondId }.Order(StringComparer.Ordinal), (await many.ReadAsync<SendResponse>()).Sessions.Order(StringComparer.Ordinal));
        Assert.Equal("to both", await first.ReceiveLineAsync());
        Assert.Equal("to both", await second.ReceiveLineAsync());

        using var all = await http.PostJsonAsync("/api/listeners/default/broadcast", new { text = "everyone" }).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.Accepted, all.StatusCode);
        Assert.Equal(3, (await all.ReadAsync<SendResponse>()).Sessions.Count);
        Assert.Equal("everyone", await first.ReceiveLineAsync());
        Assert.Equal("everyone", await second.ReceiveLineAsync());
        Assert.Equal("everyone", await onB.ReceiveLineAsync());

        using var kick = await http.DeleteAsync($"/api/sessions/{secondId}?reason=e2e").WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.NoContent, kick.StatusCode);
        Assert.True(await second.WaitForCloseAsync());
        await c.WaitForSessionCountAsync(1, Timeout);
        Assert.Equal(CloseReason.Kicked, c.GetRequiredService<SessionRegistry>().RecentlyClosed().Single(s => s.Id == secondId).CloseReason);
        await WaitForAsync(http, "/api/sessions", (SessionPage p) => p.Total == 2 && p.Items.All(s => s.Id != secondId), Timeout);

        // Every row is on the node that took the request, naming the target nodes; none on the owners.
        var (rows, _) = await a.GetRequiredService<AuditLog>().ReadPageAsync(1, 50);
        Assert.Equal([AuditAction.Kick, AuditAction.Broadcast, AuditAction.Send, AuditAction.Send], rows.Select(r => r.Action));
        Assert.All(rows, r => Assert.Equal(AuditResult.Allowed, r.Result));
        Assert.Equal(["node-c"], rows[0].Nodes!);
        Assert.Contains("node-b", rows[1].Nodes!);
        Assert.Contains("node-c", rows[1].Nodes!);
        var (ownerRows, _) = await c.GetRequiredService<AuditLog>().ReadPageAsync(1, 50);
        Assert.Empty(ownerRows);
    }
}

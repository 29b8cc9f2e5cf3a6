using System.Net;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;
using static KestrelTcp.Server.Tests.Cluster.ClusterViewTests;

namespace KestrelTcp.Server.Tests.Cluster;

/// <summary>
/// Issue 12, point 6: <c>POST /api/nodes/{name}/drain</c> (Operator, audited) makes <c>/readyz</c> answer
/// 503 at once, refuses new devices, and closes the node's sessions no faster than the configured rate,
/// with reason Drained; the other nodes show it Draining.
/// </summary>
public sealed class NodeDrainTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task DrainAnswersReadyz503AndClosesTheSessionsNoFasterThanTheRate()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["KestrelTcp:DrainSessionsPerSecond"] = "20",
            ["KestrelTcp:Cluster:NodeName"] = "solo",
        });
        List<TestTcpClient> devices = [];
        for (var i = 0; i < 10; i++)
        {
            devices.Add(await server.ConnectAsync());
        }

        await server.WaitForSessionCountAsync(10);
        using var http = server.CreateHttpClient();
        using var anonymous = server.CreateAnonymousHttpClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/readyz")).StatusCode);

        using var response = await http.PostAsync("/api/nodes/solo/drain", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var drain = await response.ReadAsync<DrainResponse>();
        Assert.Equal(new DrainResponse("solo", 10, 20, false), drain);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await anonymous.GetAsync("/readyz")).StatusCode);
        Assert.Equal(NodeState.Draining, (await GetAsync<NodesPage>(http, "/api/nodes")).Nodes.Single().State);

        await server.WaitForSessionCountAsync(0, Timeout);
        var closed = (await GetAsync<SessionInfo[]>(http, "/api/sessions/closed")).Where(s => s.CloseReason == CloseReason.Drained).ToList();
        Assert.Equal(10, closed.Count);
        // 10 sessions at 20 a second: the first and the last close are at least 9/20 s apart (less a margin).
        var span = closed.Max(s => s.ClosedAt!.Value) - closed.Min(s => s.ClosedAt!.Value);
        Assert.True(span >= TimeSpan.FromMilliseconds(300), $"10 sessions closed within {span}");

        // A second drain starts nothing new; a new device is refused.
        using var again = await http.PostAsync("/api/nodes/solo/drain", null);
        Assert.True((await again.ReadAsync<DrainResponse>()).AlreadyDraining);
        await using var late = await server.ConnectAsync();
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await late.SendLineAsync("hello?");
            await late.ReceiveLineAsync(TimeSpan.FromSeconds(5));
        });
        foreach (var device in devices)
        {
            await device.DisposeAsync();
        }
    }

    [Fact]
    public async Task AViewerCannotDrainAndAnUnknownNodeIsNotFound()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["KestrelTcp:Cluster:NodeName"] = "solo" });
        using var viewer = server.CreateHttpClient(TestRole.Viewer);
        using var operatorClient = server.CreateHttpClient();

        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("/api/nodes/solo/drain", null)).StatusCode);
        using var missing = await operatorClient.PostAsync("/api/nodes/elsewhere/drain", null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("no node named 'elsewhere'", await missing.ProblemDetailAsync());

        using var anonymous = server.CreateAnonymousHttpClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/readyz")).StatusCode);
        var audit = await operatorClient.GetStringAsync("/api/audit");
        Assert.Contains("\"action\":\"Drain\"", audit);
        Assert.Contains("\"result\":\"Denied\"", audit);
        Assert.Contains("\"result\":\"NotFound\"", audit);
    }

    [Fact]
    public async Task TheOtherNodesShowADrainingNodeAsDraining()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await TestServer.StartAsync(ClusterSettings.For(redis, "node-a"));
        await using var b = await TestServer.StartAsync(ClusterSettings.For(redis, "node-b"));
        using var fromB = b.CreateHttpClient(TestRole.Viewer);
        await WaitForAsync(fromB, "/api/nodes", (NodesPage p) => p.Nodes.Count(n => n.State == NodeState.Up) == 2, Timeout);
        using var onA = a.CreateHttpClient();

        Assert.Equal(HttpStatusCode.Accepted, (await onA.PostAsync("/api/nodes/node-a/drain", null)).StatusCode);

        await WaitForAsync(fromB, "/api/nodes", (NodesPage p) => p.Nodes.Single(n => n.Name == "node-a").State == NodeState.Draining, Timeout);
        Assert.Equal(NodeState.Up, (await GetAsync<NodesPage>(fromB, "/api/nodes")).Nodes.Single(n => n.Name == "node-b").State);
    }
}

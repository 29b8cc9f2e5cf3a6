using System.Net;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Cluster.Routing;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;
using static KestrelTcp.Server.Tests.Cluster.ClusterViewTests;

namespace KestrelTcp.Server.Tests.Cluster;

/// <summary>
/// Issue 12, points 4 and 6: <c>POST /api/nodes/{name}/drain</c> taken by one node for another travels to
/// it over the command channel, on two real clustered nodes (the real Redis directory, a real
/// redis-server). The target drains as if its own API had been asked; 202 only once it answered; no
/// answer is 504, nobody listening is 503, both naming the node; the row is written first, by the node
/// that took the request, naming the target.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RemoteDrainTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ADrainTakenByOneNodeDrainsTheOtherAndAnswers202WithWhatItStarted()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartNodeAsync(redis, "node-a");
        await using var b = await StartNodeAsync(redis, "node-b", new Dictionary<string, string?> { ["KestrelTcp:DrainSessionsPerSecond"] = "20" });
        await WaitForAllUpAsync(a, b);
        List<TestTcpClient> devices = [];
        for (var i = 0; i < 5; i++)
        {
            devices.Add(await b.ConnectAsync());
        }

        await b.WaitForSessionCountAsync(5);
        using var onA = a.CreateHttpClient();
        using var anonymousB = b.CreateAnonymousHttpClient();
        using var anonymousA = a.CreateAnonymousHttpClient();

        using var response = await onA.PostAsync("/api/nodes/node-b/drain", null).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(new DrainResponse("node-b", 5, 20, AlreadyDraining: false), await response.ReadAsync<DrainResponse>());

        // The drain had started on b when a answered: b's /readyz is 503 at once, a's stays 200.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await anonymousB.GetAsync("/readyz").WaitAsync(Timeout)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymousA.GetAsync("/readyz").WaitAsync(Timeout)).StatusCode);
        await b.WaitForSessionCountAsync(0, Timeout);
        var closed = b.GetRequiredService<SessionRegistry>().RecentlyClosed().ToList();
        Assert.Equal(5, closed.Count(s => s.CloseReason == CloseReason.Drained));
        foreach (var device in devices)
        {
            Assert.True(await device.WaitForCloseAsync());
            await device.DisposeAsync();
        }

        await WaitForAsync(onA, "/api/nodes", (NodesPage p) => p.Nodes.Single(n => n.Name == "node-b").State == NodeState.Draining, Timeout);
        Assert.Equal(NodeState.Up, (await GetAsync<NodesPage>(onA, "/api/nodes")).Nodes.Single(n => n.Name == "node-a").State);

        // One row, on the node that took the request, naming the target; none on the target.
        var (rows, _) = await a.GetRequiredService<AuditLog>().ReadPageAsync(1, 50);
        var row = Assert.Single(rows, r => r.Action == AuditAction.Drain);
        Assert.Equal(AuditResult.Allowed, row.Result);
        Assert.Equal(["node-b"], row.Nodes!);
        Assert.Contains("node-b", row.Detail, StringComparison.Ordinal);
        var (ownerRows, _) = await b.GetRequiredService<AuditLog>().ReadPageAsync(1, 50);
        Assert.DoesNotContain(ownerRows, r => r.Action == AuditAction.Drain);

        // Asked again: the target answers that its drain already runs.
        using var again = await onA.PostAsync("/api/nodes/node-b/drain", null).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.True((await again.ReadAsync<DrainResponse>()).AlreadyDraining);
    }

    [Fact]
    public async Task ATargetThatDoesNotAnswerIsAGatewayTimeoutNamingItAndTheRowIsWrittenFirst()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartNodeAsync(redis, "node-a");
        await using var b = await StartNodeAsync(redis, "node-b");
        await WaitForAllUpAsync(a, b);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var taken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        b.GetRequiredService<NodeRequestHandler>().BeforeHandle = async request =>
        {
            if (request.Kind == NodeRequestKind.Drain)
            {
                taken.TrySetResult();
                await release.Task;
            }
        };
        using var onA = a.CreateHttpClient();
        using var anonymousB = b.CreateAnonymousHttpClient();

        using var response = await onA.PostAsync("/api/nodes/node-b/drain", null).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        var (detail, node) = await CommandRoutingTests.ProblemAsync(response);
        Assert.Equal("node-b", node);
        Assert.Contains("Node node-b did not answer the Drain", detail, StringComparison.Ordinal);
        await taken.Task.WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.OK, (await anonymousB.GetAsync("/readyz").WaitAsync(Timeout)).StatusCode);
        var (rows, _) = await a.GetRequiredService<AuditLog>().ReadPageAsync(1, 50);
        var row = Assert.Single(rows, r => r.Action == AuditAction.Drain);
        Assert.Equal((AuditResult.Allowed, "node-b"), (row.Result, Assert.Single(row.Nodes!)));

        // A 504 says "may or may not": the target that answers late still carries the drain out.
        release.TrySetResult();
        await Eventually.WaitAsync(() => b.GetRequiredService<NodeDrain>().Started, Timeout, "node-b starts the late drain");
        Assert.Equal(0, a.GetRequiredService<CommandChannel>().Pending);
    }

    [Fact]
    public async Task AStoppedTargetIsServiceUnavailableNamingItAndAnUnknownNodeIsNotFound()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartNodeAsync(redis, "node-a");
        var b = await StartNodeAsync(redis, "node-b");
        await WaitForAllUpAsync(a, b);
        await b.DisposeAsync();
        using var onA = a.CreateHttpClient();

        using var stopped = await onA.PostAsync("/api/nodes/node-b/drain", null).WaitAsync(Timeout);
        using var unknown = await onA.PostAsync("/api/nodes/node-z/drain", null).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, stopped.StatusCode);
        var (detail, node) = await CommandRoutingTests.ProblemAsync(stopped);
        Assert.Equal("node-b", node);
        Assert.Contains("Node node-b is not reachable", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("no node named 'node-z'", await unknown.ProblemDetailAsync(), StringComparison.Ordinal);
        Assert.False(a.GetRequiredService<NodeDrain>().Started);
        var (rows, _) = await a.GetRequiredService<AuditLog>().ReadPageAsync(1, 50);
        Assert.Contains(rows, r => r.Action == AuditAction.Drain && r.Result == AuditResult.NotFound);
        Assert.Equal(["node-b"], Assert.Single(rows, r => r.Action == AuditAction.Drain && r.Result == AuditResult.Allowed).Nodes!);
    }

    [Fact]
    public async Task AViewerCannotDrainAnotherNode()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartNodeAsync(redis, "node-a");
        await using var b = await StartNodeAsync(redis, "node-b");
        await WaitForAllUpAsync(a, b);
        using var viewer = a.CreateHttpClient(TestRole.Viewer);

        using var response = await viewer.PostAsync("/api/nodes/node-b/drain", null).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(b.GetRequiredService<NodeDrain>().Started);
    }

    /// <summary>A node of a real cluster: the real Redis directory, a short command timeout.</summary>
    internal static async Task<TestServer> StartNodeAsync(RedisServer redis, string name, IDictionary<string, string?>? more = null)
    {
        var settings = ClusterSettings.For(redis, name, more);
        settings["KestrelTcp:Cluster:CommandTimeout"] = "00:00:01.5";
        var server = await TestServer.StartAsync(settings);
        await server.GetRequiredService<CommandChannel>().Subscribed.WaitAsync(Timeout);
        return server;
    }

    internal static async Task WaitForAllUpAsync(params TestServer[] nodes)
    {
        foreach (var node in nodes)
        {
            using var http = node.CreateHttpClient(TestRole.Viewer);
            await WaitForAsync(http, "/api/nodes", (NodesPage p) => p.Nodes.Count(n => n.State == NodeState.Up) == nodes.Length, Timeout);
        }
    }
}

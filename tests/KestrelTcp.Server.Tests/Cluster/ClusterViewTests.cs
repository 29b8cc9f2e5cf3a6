using System.Net;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Cluster;

/// <summary>
/// Issue 12, points 2 and 3: two nodes on a real redis-server show one view. A device connected to one
/// node is listed, looked up, filtered and counted on the other, with the node that holds it; when it
/// leaves, it leaves the other node's list and shows in its recently closed.
/// </summary>
public sealed class ClusterViewTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private RedisServer _redis = null!;
    private TestServer _a = null!;
    private TestServer _b = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _a = await TestServer.StartAsync(ClusterSettings.For(_redis, "node-a"));
        _b = await TestServer.StartAsync(ClusterSettings.For(_redis, "node-b"));
        foreach (var node in new[] { _a, _b })
        {
            using var http = node.CreateHttpClient(TestRole.Viewer);
            await WaitForAsync(http, "/api/nodes", (NodesPage p) => p.Nodes.Count(n => n.State == NodeState.Up) == 2);
        }
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task EveryNodeListsTheOthersWithStateAndAddress()
    {
        using var http = _a.CreateHttpClient(TestRole.Viewer);
        var page = await WaitForAsync(http, "/api/nodes", (NodesPage p) => p.Nodes.Count == 2 && p.Degraded is null && p.Nodes.All(n => n.Address is not null));

        Assert.True(page.Clustered);
        Assert.Equal("node-a", page.Node);
        Assert.Equal(["node-a", "node-b"], page.Nodes.Select(n => n.Name));
        Assert.All(page.Nodes, n => Assert.Equal(NodeState.Up, n.State));
        var b = page.Nodes.Single(n => n.Name == "node-b");
        Assert.False(b.Local);
        Assert.Equal(_b.HttpAddress.Port, new Uri(b.Address!).Port);
        Assert.True(page.Nodes.Single(n => n.Name == "node-a").Local);
    }

    [Fact]
    public async Task ASessionOnOneNodeIsListedOnTheOtherWithItsNode()
    {
        await using var device = await _b.ConnectAsync();
        await _b.WaitForSessionCountAsync(1);
        var id = _b.SessionIds().Single();
        using var http = _a.CreateHttpClient(TestRole.Viewer);

        var page = await WaitForAsync(http, "/api/sessions", (SessionPage p) => p.Items.Any(s => s.Id == id));
        var listed = page.Items.Single(s => s.Id == id);
        Assert.Equal("node-b", listed.Node);
        Assert.Equal("default", listed.Listener);
        Assert.Equal(device.LocalEndPoint, listed.RemoteEndPoint);
        Assert.Null(page.Degraded);

        // Filtered by node, by search, and fetched by id, from the node that does not hold it.
        Assert.Equal([id], (await GetAsync<SessionPage>(http, "/api/sessions?node=node-b")).Items.Select(s => s.Id));
        Assert.Empty((await GetAsync<SessionPage>(http, "/api/sessions?node=node-a")).Items);
        Assert.Equal([id], (await GetAsync<SessionPage>(http, $"/api/sessions?q={((IPEndPoint)device.Socket.LocalEndPoint!).Port}")).Items.Select(s => s.Id));
        Assert.Equal("node-b", (await GetAsync<SessionInfo>(http, $"/api/sessions/{id}")).Node);

        // The listener counts it on its node.
        var listeners = await GetAsync<ListenerInfo[]>(http, "/api/listeners");
        var counts = Assert.Single(listeners).SessionsByNode!;
        Assert.Equal(1, counts["node-b"]);
        Assert.Equal(0, counts["node-a"]);
    }

    [Fact]
    public async Task LocalAndRemoteSessionsAreSortedAndPagedTogether()
    {
        await using var onA = await _a.ConnectAsync();
        await using var onB1 = await _b.ConnectAsync();
        await using var onB2 = await _b.ConnectAsync();
        await _a.WaitForSessionCountAsync(1);
        await _b.WaitForSessionCountAsync(2);
        await onB1.SendLineAsync(new string('x', 100));
        using var http = _a.CreateHttpClient(TestRole.Viewer);

        await WaitForAsync(http, "/api/sessions", (SessionPage p) => p.Total == 3 && p.Items.Any(s => s.BytesIn > 0));
        var first = await GetAsync<SessionPage>(http, "/api/sessions?sort=-bytesIn&pageSize=2&page=1");
        var second = await GetAsync<SessionPage>(http, "/api/sessions?sort=-bytesIn&pageSize=2&page=2");

        Assert.Equal(3, first.Total);
        Assert.Equal("node-b", first.Items[0].Node);
        Assert.True(first.Items[0].BytesIn >= 101);
        Assert.Single(second.Items);
        Assert.Equal(3, first.Items.Concat(second.Items).Select(s => s.Id).Distinct().Count());
        Assert.Equal(["node-a", "node-b"], first.Items.Concat(second.Items).Select(s => s.Node!).Distinct().Order());
    }

    [Fact]
    public async Task ASessionThatClosesLeavesTheOtherNodesViewAndShowsInItsClosedList()
    {
        var device = await _b.ConnectAsync();
        await _b.WaitForSessionCountAsync(1);
        var id = _b.SessionIds().Single();
        using var http = _a.CreateHttpClient(TestRole.Viewer);
        await WaitForAsync(http, "/api/sessions", (SessionPage p) => p.Items.Any(s => s.Id == id));

        await device.DisposeAsync();

        await WaitForAsync(http, "/api/sessions", (SessionPage p) => p.Items.All(s => s.Id != id));
        var closed = await WaitForAsync(http, "/api/sessions/closed", (SessionInfo[] c) => c.Any(s => s.Id == id));
        var entry = closed.Single(s => s.Id == id);
        Assert.Equal("node-b", entry.Node);
        Assert.NotNull(entry.ClosedAt);
        Assert.NotNull(entry.CloseReason);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/sessions/{id}")).StatusCode);
    }

    [Fact]
    public async Task AnUnknownNodeFilterIsABadRequestThatNamesIt()
    {
        using var http = _a.CreateHttpClient(TestRole.Viewer);

        using var response = await http.GetAsync("/api/sessions?node=nowhere");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("there is no node named 'nowhere'", await response.ProblemDetailAsync());
    }

    [Fact]
    public async Task CountersOfARemoteSessionAreRefreshed()
    {
        await using var device = await _b.ConnectAsync();
        await _b.WaitForSessionCountAsync(1);
        var id = _b.SessionIds().Single();
        using var http = _a.CreateHttpClient(TestRole.Viewer);
        await WaitForAsync(http, "/api/sessions", (SessionPage p) => p.Items.Any(s => s.Id == id));

        await device.SendLineAsync("hello");

        await WaitForAsync(http, $"/api/sessions?node=node-b", (SessionPage p) => p.Items.Any(s => s.Id == id && s.FramesIn == 1 && s.BytesIn == 6));
    }

    internal static async Task<T> GetAsync<T>(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path).WaitAsync(Timeout);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadAsync<T>();
    }

    /// <summary>Reads <paramref name="path"/> until <paramref name="done"/> holds (the view converges
    /// asynchronously), failing after the timeout with the last answer.</summary>
    internal static async Task<T> WaitForAsync<T>(HttpClient http, string path, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(25));
        T last;
        do
        {
            last = await GetAsync<T>(http, path);
            if (done(last))
            {
                return last;
            }
        }
        while (DateTime.UtcNow < deadline && await timer.WaitForNextTickAsync());

        throw new TimeoutException($"{path} did not reach the expected state; last answer: {System.Text.Json.JsonSerializer.Serialize(last, Json.Options)}");
    }
}

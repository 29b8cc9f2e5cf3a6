using System.Net;
using System.Text.Json;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Cluster.Routing;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Cluster;

/// <summary>Commands taken by one node reach devices on another, over a real redis-server.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CommandRoutingTests
{
    [Fact]
    public async Task SendTakenByOneNodeReachesTheDeviceOnTheOwnerAndOnlyTheTakingNodeAuditsIt()
    {
        await using var cluster = await ClusterHarness.StartAsync();
        await using var a = await cluster.StartNodeAsync("a");
        await using var b = await cluster.StartNodeAsync("b");
        await using var device = await b.ConnectAsync();
        var id = await b.SessionIdOfAsync(device);
        cluster.Directory.Claim("b", id);

        using var http = a.CreateHttpClient();
        using var response = await http.PostJsonAsync($"/api/sessions/{id}/send", new { text = "routed" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.ReadAsync<SendResponse>();
        Assert.Equal([id], body.Sessions);
        var node = Assert.Single(body.Nodes!);
        Assert.Equal(("b", NodeOutcomeStatus.Accepted), (node.Node, node.Status));
        Assert.Equal("routed", await device.ReceiveLineAsync());

        var (rows, _) = await a.GetRequiredService<AuditLog>().ReadPageAsync(1, 50);
        var row = Assert.Single(rows, r => r.Action == AuditAction.Send);
        Assert.Equal(AuditResult.Allowed, row.Result);
        Assert.Equal([id], row.Sessions);
        Assert.Equal(["b"], row.Nodes!);
        var (ownerRows, _) = await b.GetRequiredService<AuditLog>().ReadPageAsync(1, 50);
        Assert.DoesNotContain(ownerRows, r => r.Action == AuditAction.Send);
    }

    [Fact]
    public async Task MultiSendAcrossNodesSaysPerNodeWhatWasAcceptedAndWhatWasNot()
    {
        await using var cluster = await ClusterHarness.StartAsync();
        await using var a = await cluster.StartNodeAsync("a");
        await using var b = await cluster.StartNodeAsync("b");
        await using var onA = await a.ConnectAsync();
        await using var onB = await b.ConnectAsync();
        var idA = await a.SessionIdOfAsync(onA);
        var idB = await b.SessionIdOfAsync(onB);
        cluster.Directory.Claim("b", idB);
        cluster.Directory.AddNode("gone");
        cluster.Directory.Claim("gone", "session-on-gone");

        using var http = a.CreateHttpClient();
        using var response = await http.PostJsonAsync("/api/send", new { text = "many", sessionIds = new[] { idA, idB, "session-on-gone" } });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.ReadAsync<SendResponse>();
        Assert.Equal(new[] { idA, idB }.Order(), body.Sessions.Order());
        Assert.DoesNotContain("session-on-gone", body.Failed.Keys);
        var gone = Assert.Single(body.Nodes!, n => n.Node == "gone");
        Assert.Equal(NodeOutcomeStatus.Unreachable, gone.Status);
        Assert.Equal(["session-on-gone"], gone.Sessions);
        Assert.Contains("gone", gone.Error, StringComparison.Ordinal);
        Assert.Equal(NodeOutcomeStatus.Accepted, Assert.Single(body.Nodes!, n => n.Node == "b").Status);
        Assert.Equal("many", await onA.ReceiveLineAsync());
        Assert.Equal("many", await onB.ReceiveLineAsync());

        var (rows, _) = await a.GetRequiredService<AuditLog>().ReadPageAsync(1, 50);
        Assert.Equal(["a", "b", "gone"], Assert.Single(rows, r => r.Action == AuditAction.Send).Nodes!);
    }

    [Fact]
    public async Task KickTakenByOneNodeDisconnectsTheDeviceOnTheOwner()
    {
        await using var cluster = await ClusterHarness.StartAsync();
        await using var a = await cluster.StartNodeAsync("a");
        await using var b = await cluster.StartNodeAsync("b");
        await using var device = await b.ConnectAsync();
        var id = await b.SessionIdOfAsync(device);
        cluster.Directory.Claim("b", id);

        using var http = a.CreateHttpClient();
        using var response = await http.DeleteAsync($"/api/sessions/{id}?reason=maintenance");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(await device.WaitForCloseAsync());
        var closed = Assert.Single(b.GetRequiredService<SessionRegistry>().RecentlyClosed(), s => s.Id == id);
        Assert.Equal(CloseReason.Kicked, closed.CloseReason);
        Assert.Equal("maintenance", closed.CloseDetail);
        var (rows, _) = await a.GetRequiredService<AuditLog>().ReadPageAsync(1, 50);
        Assert.Equal(["b"], Assert.Single(rows, r => r.Action == AuditAction.Kick).Nodes!);
    }

    [Fact]
    public async Task BroadcastCoversTheListenerOnEveryUpNode()
    {
        await using var cluster = await ClusterHarness.StartAsync();
        await using var a = await cluster.StartNodeAsync("a");
        await using var b = await cluster.StartNodeAsync("b");
        await using var c = await cluster.StartNodeAsync("c");
        await using var onA = await a.ConnectAsync();
        await using var onB = await b.ConnectAsync();
        await using var onC = await c.ConnectAsync();
        var ids = new[] { await a.SessionIdOfAsync(onA), await b.SessionIdOfAsync(onB), await c.SessionIdOfAsync(onC) };

        using var http = a.CreateHttpClient();
        using var response = await http.PostJsonAsync("/api/listeners/default/broadcast", new { text = "all" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.ReadAsync<SendResponse>();
        Assert.Equal(ids.Order(), body.Sessions.Order());
        Assert.All(body.Nodes!, n => Assert.Equal(NodeOutcomeStatus.Accepted, n.Status));
        foreach (var device in new[] { onA, onB, onC })
        {
            Assert.Equal("all", await device.ReceiveLineAsync());
        }

        var (rows, _) = await a.GetRequiredService<AuditLog>().ReadPageAsync(1, 50);
        Assert.Equal(["a", "b", "c"], Assert.Single(rows, r => r.Action == AuditAction.Broadcast).Nodes!);
    }

    [Fact]
    public async Task SessionAndMessagesOfAnotherNodeAreFetchedFreshFromTheOwner()
    {
        await using var cluster = await ClusterHarness.StartAsync();
        await using var a = await cluster.StartNodeAsync("a");
        await using var b = await cluster.StartNodeAsync("b");
        await using var device = await b.ConnectAsync();
        var id = await b.SessionIdOfAsync(device);
        cluster.Directory.Claim("b", id);
        await device.SendLineAsync("hello from b");
        await Eventually.WaitAsync(() => b.GetRequiredService<SessionRegistry>().TryGet(id, out var s) && s.FramesIn == 1, TimeSpan.FromSeconds(10));

        using var http = a.CreateHttpClient();
        using var session = await http.GetAsync($"/api/sessions/{id}");
        using var messages = await http.GetAsync($"/api/sessions/{id}/messages?limit=10");

        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        var info = await session.ReadAsync<SessionInfo>();
        Assert.Equal(("b", 1L), (info.Node, info.FramesIn));
        Assert.Equal(device.LocalEndPoint, info.RemoteEndPoint);
        Assert.Equal(HttpStatusCode.OK, messages.StatusCode);
        Assert.Equal("hello from b", Assert.Single(await messages.ReadAsync<MessageInfo[]>()).Text);
    }

    [Fact]
    public async Task ASendToAStoppedOwnerIsServiceUnavailableNamingItAndNothingIsReportedSent()
    {
        await using var cluster = await ClusterHarness.StartAsync();
        await using var a = await cluster.StartNodeAsync("a");
        var b = await cluster.StartNodeAsync("b");
        await using var device = await b.ConnectAsync();
        var id = await b.SessionIdOfAsync(device);
        cluster.Directory.Claim("b", id);
        await b.StopAsync();

        using var http = a.CreateHttpClient();
        using var send = await http.PostJsonAsync($"/api/sessions/{id}/send", new { text = "lost" });
        using var get = await http.GetAsync($"/api/sessions/{id}");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, send.StatusCode);
        var (detail, node) = await ProblemAsync(send);
        Assert.Equal("b", node);
        Assert.Contains("Node b is not reachable", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, get.StatusCode);
        Assert.Equal("b", (await ProblemAsync(get)).Node);
    }

    [Fact]
    public async Task AnOwnerThatNeverAnswersIsAGatewayTimeoutNamingIt()
    {
        await using var cluster = await ClusterHarness.StartAsync();
        await using var a = await cluster.StartNodeAsync("a");
        var taken = await cluster.StartSilentNodeAsync("mute");
        cluster.Directory.Claim("mute", "session-on-mute");

        using var http = a.CreateHttpClient();
        using var send = await http.PostJsonAsync("/api/sessions/session-on-mute/send", new { text = "into the void" });
        using var kick = await http.DeleteAsync("/api/sessions/session-on-mute");
        using var messages = await http.GetAsync("/api/sessions/session-on-mute/messages");

        foreach (var response in new[] { send, kick, messages })
        {
            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
            var (detail, node) = await ProblemAsync(response);
            Assert.Equal("mute", node);
            Assert.Contains("Node mute did not answer", detail, StringComparison.Ordinal);
        }

        lock (taken)
        {
            Assert.Equal(3, taken.Count);
        }

        Assert.Equal(0, a.GetRequiredService<CommandChannel>().Pending);
    }

    [Fact]
    public async Task WithRedisDownACommandForAnotherNodeFailsAtOnceSayingSo()
    {
        await using var cluster = await ClusterHarness.StartAsync();
        await using var a = await cluster.StartNodeAsync("a");
        await using var onA = await a.ConnectAsync();
        var idA = await a.SessionIdOfAsync(onA);
        cluster.Directory.AddNode("b");
        cluster.Directory.Claim("b", "session-on-b");
        await cluster.Redis.StopAsync();
        var channel = a.GetRequiredService<ClusterRedis>();
        await Eventually.WaitAsync(() => !channel.IsConnected, TimeSpan.FromSeconds(20), "the node sees Redis gone");

        using var http = a.CreateHttpClient();
        http.Timeout = TimeSpan.FromSeconds(10);
        using var remote = await http.PostJsonAsync("/api/sessions/session-on-b/send", new { text = "x" });
        using var local = await http.PostJsonAsync($"/api/sessions/{idA}/send", new { text = "still served" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, remote.StatusCode);
        var (detail, node) = await ProblemAsync(remote);
        Assert.Equal("b", node);
        Assert.Contains("Redis", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, local.StatusCode);
        Assert.Equal("still served", await onA.ReceiveLineAsync());
    }

    [Fact]
    public async Task CommandsBeyondMaxPendingCommandsAreRefusedAsTooManyInFlight()
    {
        await using var cluster = await ClusterHarness.StartAsync();
        await using var a = await cluster.StartNodeAsync("a", new Dictionary<string, string?> { ["KestrelTcp:Cluster:MaxPendingCommands"] = "1" });
        await cluster.StartSilentNodeAsync("mute");
        cluster.Directory.Claim("mute", "session-on-mute");
        using var http = a.CreateHttpClient();

        var first = http.PostJsonAsync("/api/sessions/session-on-mute/send", new { text = "one" });
        await Eventually.WaitAsync(() => a.GetRequiredService<CommandChannel>().Pending == 1, TimeSpan.FromSeconds(10));
        using var second = await http.PostJsonAsync("/api/sessions/session-on-mute/send", new { text = "two" });
        using var firstResponse = await first;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.Contains("Too many commands in flight", (await ProblemAsync(second)).Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.GatewayTimeout, firstResponse.StatusCode);
    }

    [Fact]
    public async Task ACommandLargerThanMaxCommandBytesIsRefusedBeforeItTravels()
    {
        await using var cluster = await ClusterHarness.StartAsync();
        await using var a = await cluster.StartNodeAsync("a", new Dictionary<string, string?> { ["KestrelTcp:Cluster:MaxCommandBytes"] = "65536" });
        var taken = await cluster.StartSilentNodeAsync("far");
        var ids = Enumerable.Range(0, 1000).Select(i => $"far-session-{i:D4}-{new string('x', 80)}").ToArray();
        foreach (var id in ids)
        {
            cluster.Directory.Claim("far", id);
        }

        using var http = a.CreateHttpClient();
        using var response = await http.PostJsonAsync("/api/send", new { text = "x", sessionIds = ids });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("KestrelTcp:Cluster:MaxCommandBytes", await response.ProblemDetailAsync(), StringComparison.Ordinal);
        lock (taken)
        {
            Assert.Empty(taken);
        }
    }

    [Fact]
    public async Task RepliesForUnknownRequestsAreDroppedAndCounted()
    {
        await using var cluster = await ClusterHarness.StartAsync();
        await using var a = await cluster.StartNodeAsync("a");
        var redis = await cluster.ConnectAsync();
        var channel = a.GetRequiredService<CommandChannel>();

        var receivers = await redis.GetSubscriber().PublishAsync(new ClusterKeys("kestreltcp").Replies("a"), """{"id":"nobody-asked","from":"x","status":"Ok"}""");

        Assert.Equal(1, receivers);
        await Eventually.WaitAsync(() => channel.DroppedReplies == 1, TimeSpan.FromSeconds(10));
    }

    internal static async Task<(string Detail, string? Node)> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        return (root.GetProperty("detail").GetString() ?? string.Empty, root.TryGetProperty("node", out var node) ? node.GetString() : null);
    }
}

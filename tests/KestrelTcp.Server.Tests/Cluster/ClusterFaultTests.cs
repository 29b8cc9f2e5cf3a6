using System.Diagnostics;
using System.Net;
using System.Text;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;
using static KestrelTcp.Server.Tests.Cluster.ClusterViewTests;

namespace KestrelTcp.Server.Tests.Cluster;

/// <summary>
/// Issue 12, points 1, 2, 5 and 7, with a real redis-server and a node run as a process of its own so
/// that it can be killed: a node killed with SIGKILL is Down and its sessions leave the view within the
/// node timeout; started again under its name it replaces its old entries; a second live node under the
/// same name does not start; Redis stopped and started again leaves every node serving its own devices,
/// says degraded, and rebuilds the view without a restart; a cookie from one node signs in on another.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class ClusterFaultTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ANodeKilledWithSigkillIsDownAndItsSessionsLeaveTheViewThenItsRestartReplacesThem()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await TestServer.StartAsync(ClusterSettings.For(redis, "node-a"));
        var tcpPort = FreePort.Pick();
        var httpPort = FreePort.Pick();
        var data = Path.Combine(Path.GetTempPath(), "kestreltcp-tests", Guid.NewGuid().ToString("N"));
        var environment = ClusterSettings.AsEnvironment(ClusterSettings.For(redis, "node-c"));
        var output = new StringBuilder();
        using var http = a.CreateHttpClient(TestRole.Viewer);
        var c = LimitedServerProcess.Start(4096, tcpPort, httpPort, data, output, environment);
        try
        {
            await using (var device = await LimitedServerProcess.ConnectWhenServedAsync(tcpPort, c, output))
            {
                var listed = await WaitForAsync(http, "/api/sessions?node=node-c", (SessionPage p) => p.Total == 1, Timeout);
                var id = listed.Items[0].Id;

                var killedAt = Stopwatch.StartNew();
                c.Kill(entireProcessTree: true);
                await c.WaitForExitAsync().WaitAsync(Timeout);

                var nodes = await WaitForAsync(http, "/api/nodes", (NodesPage p) => p.Nodes.Any(n => n.Name == "node-c" && n.State == NodeState.Down), Timeout);
                Assert.Equal(0, nodes.Nodes.Single(n => n.Name == "node-c").Sessions);
                Assert.DoesNotContain(id, (await GetAsync<SessionPage>(http, "/api/sessions")).Items.Select(s => s.Id));
                // Node timeout 1.5 s and heartbeat 0.2 s in these settings: purged well inside 15 s.
                Assert.True(killedAt.Elapsed < TimeSpan.FromSeconds(15), $"purged after {killedAt.Elapsed}");

                // Started again under the same name: Up, with only what the new process holds.
                c.Dispose();
                c = LimitedServerProcess.Start(4096, tcpPort, httpPort, data, output, environment);
                await using var again = await LimitedServerProcess.ConnectWhenServedAsync(tcpPort, c, output);
                var after = await WaitForAsync(http, "/api/sessions?node=node-c", (SessionPage p) => p.Total == 1 && p.Items[0].Id != id, Timeout);
                Assert.DoesNotContain(id, after.Items.Select(s => s.Id));
                await WaitForAsync(http, "/api/nodes", (NodesPage p) => p.Nodes.Any(n => n.Name == "node-c" && n.State == NodeState.Up), Timeout);
            }
        }
        finally
        {
            if (!c.HasExited)
            {
                c.Kill(entireProcessTree: true);
            }

            c.Dispose();
        }
    }

    [Fact]
    public async Task ASecondLiveNodeUnderTheSameNameDoesNotStart()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var first = await TestServer.StartAsync(ClusterSettings.For(redis, "twin"));
        using var http = first.CreateHttpClient(TestRole.Viewer);
        await WaitForAsync(http, "/api/nodes", (NodesPage p) => p.Degraded is null, Timeout);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(ClusterSettings.For(redis, "twin")));

        var validation = Assert.IsType<Microsoft.Extensions.Options.OptionsValidationException>(error is AggregateException aggregate ? aggregate.InnerException : error);
        Assert.Contains("KestrelTcp:Cluster:NodeName 'twin' is in use by another live node", validation.Message);
        // The first node is still there and whole.
        Assert.Null((await GetAsync<NodesPage>(http, "/api/nodes")).Degraded);
    }

    [Fact]
    public async Task WithRedisDownEveryNodeServesItsOwnDevicesSaysDegradedAndRebuildsTheViewWhenRedisReturns()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await TestServer.StartAsync(ClusterSettings.For(redis, "node-a", Echo()));
        await using var b = await TestServer.StartAsync(ClusterSettings.For(redis, "node-b", Echo()));
        using var http = a.CreateHttpClient(TestRole.Viewer);
        await using var onA = await a.ConnectAsync();
        await using var onB = await b.ConnectAsync();
        await WaitForAsync(http, "/api/sessions", (SessionPage p) => p.Total == 2, Timeout);

        await redis.StopAsync();

        var degraded = await WaitForAsync(http, "/api/nodes", (NodesPage p) => p.Degraded is not null, Timeout);
        Assert.Contains("Redis", degraded.Degraded);
        Assert.NotNull((await GetAsync<SessionPage>(http, "/api/sessions")).Degraded);
        // Devices on both nodes are served; the API answers; a new device is taken.
        await onA.SendLineAsync("still here");
        Assert.Equal("still here", await onA.ReceiveLineAsync(Timeout));
        await onB.SendLineAsync("me too");
        Assert.Equal("me too", await onB.ReceiveLineAsync(Timeout));
        await using var late = await b.ConnectAsync();
        await late.SendLineAsync("new");
        Assert.Equal("new", await late.ReceiveLineAsync(Timeout));

        await redis.StartAgainAsync();

        // Redis came back empty: both nodes write their entries again and reload each other's.
        var whole = await WaitForAsync(http, "/api/sessions", (SessionPage p) => p.Degraded is null && p.Total == 3, TimeSpan.FromSeconds(30));
        Assert.Equal(2, whole.Items.Count(s => s.Node == "node-b"));
        using var fromB = b.CreateHttpClient(TestRole.Viewer);
        await WaitForAsync(fromB, "/api/sessions", (SessionPage p) => p.Degraded is null && p.Total == 3, TimeSpan.FromSeconds(30));
        await WaitForAsync(http, "/api/nodes", (NodesPage p) => p.Degraded is null && p.Nodes.Count(n => n.State == NodeState.Up) == 2, Timeout);
    }

    [Fact]
    public async Task ACookieFromOneNodeSignsInOnAnother()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await TestServer.StartAsync(ClusterSettings.For(redis, "node-a"));
        await using var b = await TestServer.StartAsync(ClusterSettings.For(redis, "node-b"));

        var cookie = await SignInCookieAsync(a);

        Assert.Equal(HttpStatusCode.OK, await StatusWithCookieAsync(b, cookie, "/api/sessions"));
        Assert.Equal(HttpStatusCode.OK, await StatusWithCookieAsync(a, cookie, "/api/sessions"));
    }

    [Fact]
    public async Task ACookieFromAnUnclusteredServerIsRefusedByAnother()
    {
        // The control for the test above: without the shared key ring the same request is refused.
        await using var a = await TestServer.StartAsync();
        await using var b = await TestServer.StartAsync();

        var cookie = await SignInCookieAsync(a);

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithCookieAsync(b, cookie, "/api/sessions"));
    }

    [Fact]
    public async Task AThousandBusySessionsCostAFewRedisCommandsASecondNotOneEach()
    {
        // Point 2's bound, measured with Redis's own command counters: 1,000 devices all sending all the
        // time on one node (counters interval 0.5 s, directory interval 50 ms in these settings).
        await using var redis = await RedisServer.StartAsync();
        await using var a = await TestServer.StartAsync(ClusterSettings.For(redis, "node-a"));
        List<TestTcpClient> devices = [];
        try
        {
            for (var i = 0; i < 1000; i++)
            {
                devices.Add(await a.ConnectAsync());
            }

            await a.WaitForSessionCountAsync(1000, Timeout);
            using var http = a.CreateHttpClient(TestRole.Viewer);
            await Eventually.WaitAsync(() => a.GetRequiredService<RedisClusterDirectory>().PublishedCount == 1000, Timeout, "all published");
            var before = await RedisCommandsAsync(redis);
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(3))
            {
                foreach (var device in devices)
                {
                    await device.SendLineAsync("tick");
                }
            }

            var after = await RedisCommandsAsync(redis);
            var perSecond = (after - before) / clock.Elapsed.TotalSeconds;
            // One batch (a MULTI of a handful of commands) per interval at most, plus the heartbeat:
            // far below the 1,000 a second that one write per session would be, let alone per frame.
            Assert.True(perSecond < 300, $"{perSecond:F0} Redis commands a second for 1,000 busy sessions");
            var session = (await GetAsync<SessionPage>(http, "/api/sessions?pageSize=1")).Items[0];
            Assert.True(session.FramesIn > 0);
        }
        finally
        {
            foreach (var device in devices)
            {
                await device.DisposeAsync();
            }
        }
    }

    private static Dictionary<string, string?> Echo() => new() { ["KestrelTcp:Listeners:default:Mode"] = "Echo" };

    private static async Task<string> SignInCookieAsync(TestServer server)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = server.HttpAddress };
        using var response = await http.PostJsonAsync("/auth/login", new { userName = server.OperatorUserName, password = server.OperatorPassword });
        Assert.True(response.IsSuccessStatusCode, $"sign-in: {(int)response.StatusCode}");
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), v => v.StartsWith(KestrelTcp.Server.Security.AuthSchemes.CookieName + "=", StringComparison.Ordinal));
        return setCookie[..setCookie.IndexOf(';', StringComparison.Ordinal)];
    }

    private static async Task<HttpStatusCode> StatusWithCookieAsync(TestServer server, string cookie, string path)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = server.HttpAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        using var response = await http.SendAsync(request).WaitAsync(Timeout);
        return response.StatusCode;
    }

    /// <summary>Every command Redis has run (INFO commandstats), minus the INFO calls themselves.</summary>
    private static async Task<long> RedisCommandsAsync(RedisServer redis)
    {
        await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.ConfigurationString + ",allowAdmin=true");
        var info = await connection.GetServer($"127.0.0.1:{redis.Port}").InfoRawAsync("commandstats");
        long total = 0;
        foreach (var line in info!.Split('\n'))
        {
            if (line.StartsWith("cmdstat_", StringComparison.Ordinal) && !line.StartsWith("cmdstat_info", StringComparison.Ordinal)
                && !line.StartsWith("cmdstat_ping", StringComparison.Ordinal) && !line.StartsWith("cmdstat_client", StringComparison.Ordinal))
            {
                var calls = line[(line.IndexOf("calls=", StringComparison.Ordinal) + 6)..];
                total += long.Parse(calls[..calls.IndexOf(',', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return total;
    }
}

using System.Diagnostics;
using System.Net;
using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Server.Tests.Security;
using KestrelTcp.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace KestrelTcp.Server.Tests.Cluster;

/// <summary>
/// Issue 12, point 5 ("API keys and lockouts work the same on every node"), on two real clustered nodes
/// and a real redis-server: failed sign-ins and invalid API keys on either node add up, a lock made on one
/// holds on the other, and with Redis gone each node still locks on its own count, within bounded waits.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SharedLockoutTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task FailedSignInsOnTwoNodesAddUpAndTheLockHoldsOnBoth()
    {
        var clock = new FakeTimeProvider();
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartNodeAsync(redis, "node-a", clock);
        await using var b = await StartNodeAsync(redis, "node-b", clock);
        using var onA = SecurityHttp.CreateBrowser(a);
        using var onB = SecurityHttp.CreateBrowser(b);

        await FailAsync(onA, a.OperatorUserName, 3);
        await FailAsync(onB, b.OperatorUserName, 1);
        using var fifth = await onB.LoginAsync(b.OperatorUserName, "wrong-again");
        using var rightOnA = await onA.LoginAsync(a.OperatorUserName, a.OperatorPassword);
        using var rightOnB = await onB.LoginAsync(b.OperatorUserName, b.OperatorPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, fifth.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, rightOnA.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, rightOnB.StatusCode);
        Assert.Contains("10 minutes", await rightOnA.ProblemDetailAsync().Within());
        Assert.False(rightOnA.Headers.Contains("Set-Cookie"));

        // Another name is not locked; the lock ends after its duration on both nodes.
        using var viewer = await onA.LoginAsync(a.ViewerUserName, a.ViewerPassword);
        Assert.Equal(HttpStatusCode.OK, viewer.StatusCode);
        clock.Advance(TimeSpan.FromMinutes(10));
        using var laterOnA = await onA.LoginAsync(a.OperatorUserName, a.OperatorPassword);
        using var laterOnB = await onB.LoginAsync(b.OperatorUserName, b.OperatorPassword);
        Assert.Equal(HttpStatusCode.OK, laterOnA.StatusCode);
        Assert.Equal(HttpStatusCode.OK, laterOnB.StatusCode);
    }

    [Fact]
    public async Task FourFailuresOnOneNodeAndFourOnTheOtherDoNotLockOnTheirOwnButDoTogether()
    {
        // Without sharing, 4 + 4 would never reach 5 on either node.
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartNodeAsync(redis, "node-a");
        await using var b = await StartNodeAsync(redis, "node-b");
        using var onA = SecurityHttp.CreateBrowser(a);
        using var onB = SecurityHttp.CreateBrowser(b);

        await FailAsync(onA, a.ViewerUserName, 2);
        await FailAsync(onB, b.ViewerUserName, 2);
        using var fifth = await onA.LoginAsync(a.ViewerUserName, "wrong-5");

        Assert.Equal(HttpStatusCode.TooManyRequests, fifth.StatusCode);
        Assert.Contains("locked", await fifth.ProblemDetailAsync().Within());
        using var refusedOnB = await onB.LoginAsync(b.ViewerUserName, b.ViewerPassword);
        Assert.Equal(HttpStatusCode.TooManyRequests, refusedOnB.StatusCode);
        Assert.Equal("600", Assert.Single(refusedOnB.Headers.GetValues("Retry-After")));
    }

    [Fact]
    public async Task InvalidApiKeysOnTwoNodesAddUpAndTheAddressIsRefusedOnBoth()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartNodeAsync(redis, "node-a");
        await using var b = await StartNodeAsync(redis, "node-b");
        using var badOnA = a.CreateAnonymousHttpClient();
        using var badOnB = b.CreateAnonymousHttpClient();
        badOnA.DefaultRequestHeaders.Add(AuthSchemes.ApiKeyHeader, "ktcp_guess");
        badOnB.DefaultRequestHeaders.Add(AuthSchemes.ApiKeyHeader, "ktcp_guess");

        for (var i = 0; i < 3; i++)
        {
            (await badOnA.GetAsync("/api/listeners").Within()).Dispose();
        }

        for (var i = 0; i < 2; i++)
        {
            (await badOnB.GetAsync("/api/listeners").Within()).Dispose();
        }

        using var refusedOnA = await badOnA.GetAsync("/api/listeners").Within();
        using var refusedOnB = await badOnB.GetAsync("/api/listeners").Within();
        using var good = b.CreateHttpClient();
        using var stillServed = await good.GetAsync("/api/listeners").Within();

        foreach (var refused in new[] { refusedOnA, refusedOnB })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("Too many invalid API keys", await refused.ProblemDetailAsync().Within());
            Assert.True(refused.Headers.Contains("Retry-After"));
        }

        Assert.Equal(HttpStatusCode.OK, stillServed.StatusCode);
    }

    [Fact]
    public async Task WithRedisStoppedANodeStillLocksOnItsOwnCountWithinTheCommandTimeout()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartNodeAsync(redis, "node-a");
        await redis.StopAsync();
        var connection = a.GetRequiredService<ClusterRedis>();
        await Eventually.WaitAsync(() => !connection.IsConnected, Timeout, "the node sees Redis gone");
        using var onA = SecurityHttp.CreateBrowser(a);

        var slowest = TimeSpan.Zero;
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            using var failed = await onA.LoginAsync(a.OperatorUserName, $"wrong-{i}");
            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
            statuses.Add(failed.StatusCode);
        }

        using var right = await onA.LoginAsync(a.OperatorUserName, a.OperatorPassword);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.True(a.GetRequiredService<RedisFailureStore>().Degraded);
        // Command timeout 1.5 s here; not connected means not asked at all.
        Assert.True(slowest < TimeSpan.FromSeconds(1.5), $"a failed sign-in took {slowest} with Redis down");
    }

    [Fact]
    public async Task ALockMadeOnAnotherNodeStillHoldsHereAfterRedisStops()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartNodeAsync(redis, "node-a");
        await using var b = await StartNodeAsync(redis, "node-b");
        using var onA = SecurityHttp.CreateBrowser(a);
        using var onB = SecurityHttp.CreateBrowser(b);
        await FailAsync(onB, b.OperatorUserName, 5);
        using var seenOnA = await onA.LoginAsync(a.OperatorUserName, a.OperatorPassword);
        Assert.Equal(HttpStatusCode.TooManyRequests, seenOnA.StatusCode);

        await redis.StopAsync();
        var connection = a.GetRequiredService<ClusterRedis>();
        await Eventually.WaitAsync(() => !connection.IsConnected, Timeout, "the node sees Redis gone");
        using var stillLocked = await onA.LoginAsync(a.OperatorUserName, a.OperatorPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, stillLocked.StatusCode);
    }

    [Fact]
    public async Task RedisHoldsShortKeysAndAtMostMaxFailuresPerKeyWhateverTheName()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartNodeAsync(redis, "node-a");
        using var onA = SecurityHttp.CreateBrowser(a);
        var longName = new string('\u00e9', 64) + "-and-more";
        await FailAsync(onA, longName, 4);
        await using var inspect = await ConnectionMultiplexer.ConnectAsync(redis.ConfigurationString);
        var server = inspect.GetServer(inspect.GetEndPoints().Single());

        var keys = server.Keys(pattern: "kestreltcp:lockout:*").Select(k => k.ToString()).ToList();

        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.True(System.Text.Encoding.UTF8.GetByteCount(k) <= 150, k));
        Assert.Contains(keys, k => k.StartsWith("kestreltcp:lockout:failures:sha256:", StringComparison.Ordinal));
        Assert.Contains(keys, k => k == "kestreltcp:lockout:failures:addr:127.0.0.1");
        foreach (var key in keys)
        {
            Assert.True(await inspect.GetDatabase().SortedSetLengthAsync(key) <= 5, key);
            Assert.True(await inspect.GetDatabase().KeyTimeToLiveAsync(key) is { } ttl && ttl <= TimeSpan.FromMinutes(key.Contains(":locked:", StringComparison.Ordinal) ? 10 : 5), key);
        }

        Assert.Equal(
            RedisFailureStore.KeyPart("user:" + longName.ToUpperInvariant()),
            RedisFailureStore.KeyPart("user:" + longName));
    }

    [Fact]
    public async Task ASingleNodeHasNoSharedStore()
    {
        await using var solo = await TestServer.StartAsync();

        Assert.False(solo.GetRequiredService<FailureThrottle>().Shared);
        Assert.Null(solo.App.Services.GetService<ISharedFailureStore>());
    }

    private static Task<TestServer> StartNodeAsync(RedisServer redis, string name, TimeProvider? clock = null)
    {
        var settings = ClusterSettings.For(redis, name);
        settings["KestrelTcp:Cluster:CommandTimeout"] = "00:00:01.5";
        return TestServer.StartAsync(settings, configure: clock is null ? null : b => b.Services.AddSingleton(clock));
    }

    private static async Task FailAsync(HttpClient browser, string userName, int times)
    {
        for (var i = 0; i < times; i++)
        {
            using var failed = await browser.LoginAsync(userName, $"wrong-{i}");
            Assert.NotEqual(HttpStatusCode.OK, failed.StatusCode);
        }
    }
}

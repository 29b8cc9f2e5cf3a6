using System.Net;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelTcp.Server.Tests.Security;

public sealed class LockoutTests
{
    [Fact]
    public async Task FiveFailuresLockTheUserEvenAgainstTheRightPasswordWithAClearMessage()
    {
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(clock);
        using var browser = SecurityHttp.CreateBrowser(server);

        for (var i = 0; i < 4; i++)
        {
            using var failed = await browser.LoginAsync(server.OperatorUserName, $"wrong-{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var fifth = await browser.LoginAsync(server.OperatorUserName, "wrong-5");
        using var right = await browser.LoginAsync(server.OperatorUserName, server.OperatorPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, fifth.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.Equal("600", Assert.Single(right.Headers.GetValues("Retry-After")));
        var detail = await right.ProblemDetailAsync().Within();
        Assert.Contains("locked", detail);
        Assert.Contains("10 minutes", detail);
        Assert.False(right.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task TheLockEndsAfterTenMinutes()
    {
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(clock);
        using var browser = SecurityHttp.CreateBrowser(server);
        await FailAsync(browser, server.OperatorUserName, 5);

        clock.Advance(TimeSpan.FromMinutes(9));
        using var stillLocked = await browser.LoginAsync(server.OperatorUserName, server.OperatorPassword);
        clock.Advance(TimeSpan.FromMinutes(1));
        using var unlocked = await browser.LoginAsync(server.OperatorUserName, server.OperatorPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, stillLocked.StatusCode);
        Assert.Contains("1 minute", await stillLocked.ProblemDetailAsync().Within());
        Assert.Equal(HttpStatusCode.OK, unlocked.StatusCode);
    }

    [Fact]
    public async Task FailuresOlderThanFiveMinutesDoNotCount()
    {
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(clock);
        using var browser = SecurityHttp.CreateBrowser(server);
        await FailAsync(browser, server.OperatorUserName, 4);

        clock.Advance(TimeSpan.FromMinutes(5));
        await FailAsync(browser, server.OperatorUserName, 4);
        using var right = await browser.LoginAsync(server.OperatorUserName, server.OperatorPassword);

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Fact]
    public async Task ALockedUserDoesNotLockOthers()
    {
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(clock);
        using var browser = SecurityHttp.CreateBrowser(server);
        await FailAsync(browser, server.OperatorUserName, 5);

        using var other = await browser.LoginAsync(server.ViewerUserName, server.ViewerPassword);

        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task RepeatedInvalidApiKeysFromOneAddressAreRefusedForAWhile()
    {
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(clock);
        using var bad = server.CreateAnonymousHttpClient();
        bad.DefaultRequestHeaders.Add(AuthSchemes.ApiKeyHeader, "ktcp_guess");
        for (var i = 0; i < 5; i++)
        {
            (await bad.GetAsync("/api/listeners").Within()).Dispose();
        }

        using var refused = await bad.GetAsync("/api/listeners").Within();
        clock.Advance(TimeSpan.FromMinutes(10));
        using var countedAgain = await bad.GetAsync("/api/listeners").Within();

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("Too many invalid API keys", await refused.ProblemDetailAsync().Within());
        Assert.True(refused.Headers.Contains("Retry-After"));
        Assert.Equal(HttpStatusCode.Unauthorized, countedAgain.StatusCode);
        Assert.Contains("not valid", await countedAgain.ProblemDetailAsync().Within());
        Assert.False(countedAgain.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task LockoutLimitsAreConfigurable()
    {
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(clock, new Dictionary<string, string?>
        {
            [$"{SecurityOptions.SectionName}:Lockout:MaxFailures"] = "2",
            [$"{SecurityOptions.SectionName}:Lockout:Duration"] = "00:01:00",
        });
        using var browser = SecurityHttp.CreateBrowser(server);

        using var first = await browser.LoginAsync(server.ViewerUserName, "wrong");
        using var second = await browser.LoginAsync(server.ViewerUserName, "wrong");
        clock.Advance(TimeSpan.FromMinutes(1));
        using var after = await browser.LoginAsync(server.ViewerUserName, server.ViewerPassword);

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Contains("1 minute", await second.ProblemDetailAsync().Within());
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    private static Task<TestServer> StartAsync(FakeTimeProvider clock, Dictionary<string, string?>? settings = null) =>
        TestServer.StartAsync(settings, configure: b => b.Services.AddSingleton<TimeProvider>(clock));

    private static async Task FailAsync(HttpClient browser, string userName, int times)
    {
        for (var i = 0; i < times; i++)
        {
            (await browser.LoginAsync(userName, $"wrong-{i}")).Dispose();
        }
    }
}

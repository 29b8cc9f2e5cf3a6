using System.Net;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Server.Tests.Security;
using KestrelTcp.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelTcp.Server.Tests.Reliability;

/// <summary>Issue #11 item 6: someone else's invalid API keys from an address must not lock out a valid key from it.</summary>
public sealed class ApiKeyLockoutTests
{
    [Fact]
    public async Task AValidKeyStillWorksFromAnAddressLockedByInvalidKeys()
    {
        var clock = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(configure: b => b.Services.AddSingleton<TimeProvider>(clock));
        using var bad = server.CreateAnonymousHttpClient();
        bad.DefaultRequestHeaders.Add(AuthSchemes.ApiKeyHeader, "ktcp_guess");
        for (var i = 0; i < 6; i++)
        {
            (await bad.GetAsync("/api/listeners").Within()).Dispose();
        }

        // Both keys come from the same loopback address as the guesses; the Viewer key has never been
        // seen before (not in the verified cache), the Operator key is asked twice.
        using var viewer = server.CreateHttpClient(TestRole.Viewer);
        using var viewerResponse = await viewer.GetAsync("/api/listeners").Within();
        using var operatorClient = server.CreateHttpClient();
        using var first = await operatorClient.GetAsync("/api/listeners").Within();
        using var second = await operatorClient.GetAsync("/api/listeners").Within();
        using var stillRefused = await bad.GetAsync("/api/listeners").Within();

        Assert.Equal(HttpStatusCode.OK, viewerResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, stillRefused.StatusCode);
        Assert.Contains("Too many invalid API keys", await stillRefused.ProblemDetailAsync().Within());
        Assert.True(stillRefused.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task InvalidKeysAreStillRefusedWithRetryAfterOnceTheAddressIsLocked()
    {
        var clock = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(configure: b => b.Services.AddSingleton<TimeProvider>(clock));
        using var good = server.CreateHttpClient();
        using var bad = server.CreateAnonymousHttpClient();
        bad.DefaultRequestHeaders.Add(AuthSchemes.ApiKeyHeader, "ktcp_guess");

        var statuses = new List<(HttpStatusCode Status, bool RetryAfter)>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await bad.GetAsync("/api/listeners").Within();
            statuses.Add((response.StatusCode, response.Headers.Contains("Retry-After")));

            // Valid requests in between neither count as failures nor reset the count.
            using var ok = await good.GetAsync("/api/listeners").Within();
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s.Status));
        Assert.Equal([false, false, false, false, false, true], statuses.Select(s => s.RetryAfter));
    }

    [Fact]
    public async Task UnseenKeysWaitForAPasswordCheckSlotWhileKnownKeysNeedNone()
    {
        var lockout = $"{SecurityOptions.SectionName}:Lockout";
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            [$"{lockout}:MaxConcurrentVerifications"] = "1",
            [$"{lockout}:VerificationWait"] = "00:00:00.200",
        });
        var gate = server.App.Services.GetRequiredService<PasswordVerificationGate>();
        using var operatorClient = server.CreateHttpClient();
        using var firstUse = await operatorClient.GetAsync("/api/listeners").Within();
        var verifiedOnce = gate.Verifications;

        // Hold the only slot, as a flood of wrong keys (or sign-ins) being hashed would.
        Assert.True(await gate.TryEnterAsync().Within());
        HttpResponseMessage known, unseen, bad;
        try
        {
            known = await operatorClient.GetAsync("/api/listeners").Within();
            using var viewer = server.CreateHttpClient(TestRole.Viewer);
            unseen = await viewer.GetAsync("/api/listeners").Within();
            using var guesser = server.CreateAnonymousHttpClient();
            guesser.DefaultRequestHeaders.Add(AuthSchemes.ApiKeyHeader, "ktcp_guess");
            bad = await guesser.GetAsync("/api/listeners").Within();
        }
        finally
        {
            gate.Exit();
        }

        using (known)
        using (unseen)
        using (bad)
        {
            Assert.Equal(HttpStatusCode.OK, firstUse.StatusCode);
            Assert.Equal(1, verifiedOnce);
            Assert.Equal(HttpStatusCode.OK, known.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, unseen.StatusCode);
            Assert.Equal("1", Assert.Single(unseen.Headers.GetValues("Retry-After")));
            Assert.Contains("being checked right now", await unseen.ProblemDetailAsync().Within());
            Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
            Assert.Equal(verifiedOnce, gate.Verifications);
        }

        using var viewerLater = server.CreateHttpClient(TestRole.Viewer);
        using var afterwards = await viewerLater.GetAsync("/api/listeners").Within();
        Assert.Equal(HttpStatusCode.OK, afterwards.StatusCode);
    }
}

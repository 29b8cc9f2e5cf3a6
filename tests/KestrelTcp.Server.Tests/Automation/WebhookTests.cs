using System.Diagnostics;
using System.Net;
using KestrelTcp.Server.Automation.Webhooks;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Automation;

public sealed class WebhookTests
{
    private const string Secret = "s3cret-for-tests";

    [Fact]
    public async Task ConnectIdentifiedAndDisconnectAreDeliveredInOrderWithAValidSignature()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await StartAsync(receiver.Url, new() { ["KestrelTcp:Listeners:default:Identify:Pattern"] = "^ID=(?<id>.+)$" });
        string sessionId;
        await using (var device = await server.ConnectAsync())
        {
            sessionId = await server.SessionIdOfAsync(device);
            await device.SendLineAsync("ID=42");
            var connect = await receiver.NextAsync();
            Assert.Equal("connect", connect.Type);
            Assert.Equal(sessionId, connect.Text("sessionId"));
            Assert.Equal("default", connect.Text("listener"));
            Assert.Equal(device.LocalEndPoint, connect.Text("remote"));
            Assert.True(connect.IsSignedWith(Secret));
            Assert.Equal(connect.Text("id"), connect.EventId);
            Assert.True(long.TryParse(connect.Timestamp, out _));

            var identified = await receiver.NextAsync();
            Assert.Equal(("identified", "42", sessionId), (identified.Type, identified.Text("deviceId"), identified.Text("sessionId")));
            Assert.True(identified.IsSignedWith(Secret));
        }

        var disconnect = await receiver.NextAsync();
        Assert.Equal(("disconnect", "42", sessionId, "ClientClosed"), (disconnect.Type, disconnect.Text("deviceId"), disconnect.Text("sessionId"), disconnect.Text("closeReason")));
        Assert.True(disconnect.IsSignedWith(Secret));
        Assert.False(disconnect.IsSignedWith("another secret"));

        var endpoint = server.GetRequiredService<WebhookDispatcher>().Find("hook")!;
        await Eventually.WaitAsync(() => endpoint.Describe().Delivered == 3, WebhookReceiver.Wait, "three deliveries counted");
        var log = endpoint.Deliveries();
        Assert.Equal(["disconnect", "identified", "connect"], log.Select(d => d.Type));
        Assert.All(log, d => Assert.True(d.Delivered && d.Status == 200 && d.Attempts == 1));
    }

    [Fact]
    public async Task ReceiverDownIsRetriedWithBackoffThenDroppedAndCounted()
    {
        var down = new Uri($"http://127.0.0.1:{FreePort.Pick()}/hook");
        await using var server = await StartAsync(down, new() { ["KestrelTcp:Webhooks:MaxAttempts"] = "3", ["KestrelTcp:Webhooks:InitialBackoff"] = "00:00:00.100" });
        var endpoint = server.GetRequiredService<WebhookDispatcher>().Find("hook")!;
        var started = Stopwatch.StartNew();
        await using var device = await server.ConnectAsync();

        await Eventually.WaitAsync(() => endpoint.Describe().DroppedAfterRetries == 1, WebhookReceiver.Wait, "the event dropped after its attempts");
        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(300), $"backoff 100 ms then 200 ms, but all done in {started.Elapsed}");
        var info = endpoint.Describe();
        Assert.Equal((0L, 2L), (info.Delivered, info.Retries));
        var delivery = Assert.Single(endpoint.Deliveries());
        Assert.Equal((false, 3, (int?)null), (delivery.Delivered, delivery.Attempts, delivery.Status));
        Assert.False(string.IsNullOrEmpty(delivery.Error));
    }

    [Fact]
    public async Task AFailingReceiverIsRetriedUntilItAnswers()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Statuses.Enqueue(500);
        receiver.Statuses.Enqueue(503);
        await using var server = await StartAsync(receiver.Url, new() { ["KestrelTcp:Webhooks:InitialBackoff"] = "00:00:00.020" });
        await using var device = await server.ConnectAsync();
        var first = await receiver.NextAsync();
        var second = await receiver.NextAsync();
        var third = await receiver.NextAsync();
        Assert.Equal(first.EventId, second.EventId);
        Assert.Equal(first.EventId, third.EventId);

        var endpoint = server.GetRequiredService<WebhookDispatcher>().Find("hook")!;
        await Eventually.WaitAsync(() => endpoint.Describe().Delivered == 1, WebhookReceiver.Wait, "delivered at the third attempt");
        Assert.Equal((true, 3, (int?)200), (endpoint.Deliveries()[0].Delivered, endpoint.Deliveries()[0].Attempts, endpoint.Deliveries()[0].Status));
    }

    [Fact]
    public async Task AFullQueueDropsAndCountsEventsWhileDevicesKeepWorking()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Hold = true;
        await using var server = await StartAsync(receiver.Url, new() { ["KestrelTcp:Webhooks:QueueCapacity"] = "16", ["KestrelTcp:Webhooks:Timeout"] = "00:00:30" });
        var endpoint = server.GetRequiredService<WebhookDispatcher>().Find("hook")!;
        var clients = new List<TestTcpClient>();
        try
        {
            clients.Add(await server.ConnectAsync());
            await receiver.NextAsync(); // The loop now waits on the held first delivery.
            for (var i = 0; i < 24; i++)
            {
                clients.Add(await server.ConnectAsync());
            }

            await server.WaitForSessionCountAsync(25);
            await Eventually.WaitAsync(() => endpoint.Describe().DroppedQueueFull == 8, WebhookReceiver.Wait, "24 events for a queue of 16");
            Assert.Equal(16, endpoint.Describe().Queued);

            // The devices are not slowed: a send to the last one arrives while the webhook is stuck.
            using var http = server.CreateHttpClient();
            var last = clients[^1];
            using var sent = await http.PostJsonAsync($"/api/sessions/{await server.SessionIdOfAsync(last)}/send", new { text = "still here" });
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
            Assert.Equal("still here", await last.ReceiveLineAsync());
        }
        finally
        {
            receiver.Release();
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task RuleEventsPublishedByOtherFeaturesAreDelivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await StartAsync(receiver.Url, new() { ["KestrelTcp:Webhooks:Endpoints:hook:Events"] = "rule" });
        await using (var ignored = await server.ConnectAsync())
        {
            await server.WaitForSessionCountAsync(1);
        }

        server.GetRequiredService<WebhookDispatcher>().Publish(new WebhookEvent(WebhookEvent.NewId(), WebhookEventKind.Rule, DateTimeOffset.UtcNow, "s1", "default", Rule: "heartbeat", Detail: "PING"));
        var rule = await receiver.NextAsync();
        Assert.Equal(("rule", "heartbeat", "PING"), (rule.Type, rule.Text("rule"), rule.Text("detail")));
        Assert.Equal(0, receiver.Count);
    }

    [Fact]
    public async Task AnAutoReplyRuleHitIsPostedAsARuleEventAfterTheSessionsConnect()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await StartAsync(receiver.Url, new() { ["KestrelTcp:Webhooks:Endpoints:hook:Events"] = "connect,rule" });
        var rule = await RulesHttp.CreateAsync(server, new { listener = "default", name = "heartbeat", matchKind = "Equals", pattern = "PING", reply = "PONG" });
        await using var client = await server.ConnectAsync();
        var sessionId = await server.SessionIdOfAsync(client);

        await client.SendLineAsync("PING");
        Assert.Equal("PONG", await client.ReceiveLineAsync());

        var connect = await receiver.NextAsync();
        Assert.Equal(("connect", sessionId), (connect.Type, connect.Text("sessionId")));
        var hit = await receiver.NextAsync();
        Assert.Equal(("rule", sessionId, "default"), (hit.Type, hit.Text("sessionId"), hit.Text("listener")));
        Assert.Equal((rule.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "heartbeat"), (hit.Text("rule"), hit.Text("detail")));
    }

    [Fact]
    public async Task WebhooksAreAddedListedWithoutSecretsAndRemovedThroughTheApi()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await StartAsync(receiver.Url, new() { ["KestrelTcp:Webhooks:MaxEndpoints"] = "2" });
        using var http = server.CreateHttpClient();
        using (var added = await http.PostJsonAsync("/api/webhooks", new { name = "second", url = receiver.Url, secret = "api-secret-value", events = new[] { "connect" } }))
        {
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }

        var listed = await (await http.GetAsync("/api/webhooks")).Content.ReadAsStringAsync();
        Assert.Contains("second", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("api-secret-value", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, listed, StringComparison.Ordinal);

        using (var third = await http.PostJsonAsync("/api/webhooks", new { name = "third", url = receiver.Url, secret = "x" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, third.StatusCode);
            Assert.Contains("KestrelTcp:Webhooks:MaxEndpoints", await third.ProblemDetailAsync(), StringComparison.Ordinal);
        }

        using (var configured = await http.DeleteAsync("/api/webhooks/hook"))
        {
            Assert.Equal(HttpStatusCode.Conflict, configured.StatusCode);
        }

        using (var removed = await http.DeleteAsync("/api/webhooks/second"))
        {
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }

        using var viewer = server.CreateHttpClient(TestRole.Viewer);
        using var refused = await viewer.PostJsonAsync("/api/webhooks", new { name = "v", url = receiver.Url, secret = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var deliveries = await viewer.GetAsync("/api/webhooks/hook/deliveries");
        Assert.Equal(HttpStatusCode.OK, deliveries.StatusCode);
    }

    public static TheoryData<string, string> BadWebhooks => new()
    {
        { """{"name":"a b","url":"http://127.0.0.1/x","secret":"x"}""", "name" },
        { """{"name":"a","url":"ftp://127.0.0.1/x","secret":"x"}""", "url" },
        { """{"name":"a","url":"not a url","secret":"x"}""", "url" },
        { """{"name":"a","url":"http://user:pw@127.0.0.1/x","secret":"x"}""", "url" },
        { """{"name":"a","url":"http://127.0.0.1/x"}""", "secret" },
        { """{"name":"a","url":"http://127.0.0.1/x","secret":"x","events":["connect","reboot"]}""", "events" },
    };

    [Theory]
    [MemberData(nameof(BadWebhooks))]
    public async Task InvalidWebhookIsRefusedWithAProblemNamingTheField(string body, string field)
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        using var response = await http.PostAsync("/api/webhooks", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(field, await response.ProblemDetailAsync(), StringComparison.Ordinal);
        Assert.Empty(server.GetRequiredService<WebhookDispatcher>().Describe());
    }

    [Fact]
    public async Task BadWebhookConfigurationStopsTheServerNamingTheSetting()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(new Uri("ftp://127.0.0.1/hook")));
        Assert.Contains("KestrelTcp:Webhooks:Endpoints:hook:Url", failure.ToString(), StringComparison.Ordinal);
    }

    private static Task<TestServer> StartAsync(Uri url, Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["KestrelTcp:Webhooks:Endpoints:hook:Url"] = url.ToString(),
            ["KestrelTcp:Webhooks:Endpoints:hook:Secret"] = Secret,
        };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return TestServer.StartAsync(settings);
    }
}

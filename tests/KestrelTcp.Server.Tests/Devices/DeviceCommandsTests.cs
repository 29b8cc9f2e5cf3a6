using System.Net;
using System.Net.Http.Json;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Devices;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Server.Tests.Security;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Devices;

public sealed class DeviceCommandsTests
{
    [Fact]
    public async Task ASendToAnOnlineDeviceReachesItsSessionAndAnOfflineOneIsRefusedUnlessQueued()
    {
        await using var server = await DeviceServer.StartAsync();
        using var http = server.CreateHttpClient();
        await using (var client = await server.ConnectAsync())
        {
            await client.SendLineAsync("ID=42");
            await DeviceServer.WaitForAsync(server, "42", d => d.Online);

            using var live = await http.PostAsJsonAsync("/api/devices/42/send", new { text = "hello" }).Within();

            Assert.Equal(HttpStatusCode.Accepted, live.StatusCode);
            Assert.Equal("hello", await client.ReceiveLineAsync());
        }

        await DeviceServer.WaitForAsync(server, "42", d => !d.Online);
        using var offline = await http.PostAsJsonAsync("/api/devices/42/send", new { text = "later" }).Within();
        using var unknown = await http.PostAsJsonAsync("/api/devices/nope/send", new { text = "x", queue = true }).Within();
        using var badPayload = await http.PostAsJsonAsync("/api/devices/42/send", new { hex = "zz", queue = true }).Within();
        using var badFrame = await http.PostAsJsonAsync("/api/devices/42/send", new { text = "two\nlines", queue = true }).Within();

        Assert.Equal(HttpStatusCode.Conflict, offline.StatusCode);
        Assert.Contains("queue", await offline.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badPayload.StatusCode);
        Assert.Contains("hex", await badPayload.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badFrame.StatusCode);
        Assert.Empty(server.GetRequiredService<DeviceRegistry>().Pending.List("42"));
    }

    [Fact]
    public async Task QueuedMessagesSurviveARestartAndAreDeliveredInOrderWhenTheDeviceIdentifies()
    {
        var data = Path.Combine(Path.GetTempPath(), "kestreltcp-tests", Guid.NewGuid().ToString("N"));
        await using (var server = await DeviceServer.StartAsync(dataPath: data, keepDataPath: true))
        {
            await RegisterAndLeaveAsync(server, "42");
            using var http = server.CreateHttpClient();
            foreach (var text in new[] { "one", "two", "three" })
            {
                using var queued = await http.PostAsJsonAsync("/api/devices/42/send", new { text, queue = true }).Within();
                Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
            }

            var pending = await http.GetFromJsonAsync<PendingMessage[]>("/api/devices/42/pending", Json.Options).Within();
            Assert.Equal(["one", "two", "three"], pending!.Select(p => p.Text));
            Assert.Equal(3, (await http.GetFromJsonAsync<DeviceInfo>("/api/devices/42", Json.Options).Within())!.Pending);
            var audited = await SecurityHttp.ReadAuditAsync(server, AuditAction.QueueSend);
            Assert.Equal(3, audited.Count(r => r.Result == AuditResult.Allowed && r.PayloadBytes is > 0));
        }

        await using var restarted = await DeviceServer.StartAsync(dataPath: data);
        await using var client = await restarted.ConnectAsync();
        await client.SendLineAsync("ID=42");

        Assert.Equal("one", await client.ReceiveLineAsync());
        Assert.Equal("two", await client.ReceiveLineAsync());
        Assert.Equal("three", await client.ReceiveLineAsync());
        var registry = restarted.GetRequiredService<DeviceRegistry>();
        await Eventually.WaitAsync(() => registry.Pending.CountFor("42") == 0, DeviceServer.Wait, "the delivered messages to leave the queue");
        Assert.Empty(registry.Pending.List("42"));
        Assert.Equal(0, registry.Pending.TotalBytes);
    }

    [Fact]
    public async Task ASendRightAfterTheDeviceComesBackArrivesAfterTheMessagesThatWaitedForIt()
    {
        await using var server = await DeviceServer.StartAsync();
        await RegisterAndLeaveAsync(server, "42");
        using var http = server.CreateHttpClient();
        foreach (var text in new[] { "one", "two" })
        {
            using var queued = await http.PostAsJsonAsync("/api/devices/42/send", new { text, queue = true }).Within();
            Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        }

        await using var client = await server.ConnectAsync();
        await client.SendLineAsync("ID=42");
        var sessions = server.GetRequiredService<KestrelTcp.Server.Sessions.SessionRegistry>();
        await Eventually.WaitAsync(() => sessions.Devices.TryGet("42", out _), DeviceServer.Wait, "the device to identify");

        // Whether or not the registry's writer has handed over the waiting messages yet, they come first.
        using var live = await http.PostAsJsonAsync("/api/devices/42/send", new { text = "three" }).Within();

        Assert.Equal(HttpStatusCode.Accepted, live.StatusCode);
        Assert.Equal("one", await client.ReceiveLineAsync());
        Assert.Equal("two", await client.ReceiveLineAsync());
        Assert.Equal("three", await client.ReceiveLineAsync());
    }

    [Fact]
    public async Task AQueuedMessageThatExpiresIsDroppedAndNotDelivered()
    {
        await using var server = await DeviceServer.StartAsync(new() { ["KestrelTcp:Devices:Pending:Expiry"] = "00:00:01" });
        await RegisterAndLeaveAsync(server, "42");
        using var http = server.CreateHttpClient();
        using var queued = await http.PostAsJsonAsync("/api/devices/42/send", new { text = "stale", queue = true }).Within();
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var registry = server.GetRequiredService<DeviceRegistry>();

        await Eventually.WaitAsync(() => registry.Pending.Expired == 1, DeviceServer.Wait, "the message to expire");

        Assert.Empty(await http.GetFromJsonAsync<PendingMessage[]>("/api/devices/42/pending", Json.Options).Within() ?? []);
        await using var client = await server.ConnectAsync();
        await client.SendLineAsync("ID=42");
        await DeviceServer.WaitForAsync(server, "42", d => d.Online);
        Assert.True(await client.ReceivesNothingAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task PendingMessagesCanBeCancelledOneByOneOrAllAtOnceAndAreAudited()
    {
        await using var server = await DeviceServer.StartAsync();
        await RegisterAndLeaveAsync(server, "42");
        using var http = server.CreateHttpClient();
        using var viewer = server.CreateHttpClient(TestRole.Viewer);
        var ids = new List<long>();
        foreach (var text in new[] { "a", "b", "c" })
        {
            using var queued = await http.PostAsJsonAsync("/api/devices/42/send", new { text, queue = true }).Within();
            ids.Add((await queued.ReadAsync<DeviceQueuedResponse>()).Queued.Id);
        }

        using var one = await http.DeleteAsync($"/api/devices/42/pending/{ids[1]}").Within();
        var left = await http.GetFromJsonAsync<PendingMessage[]>("/api/devices/42/pending", Json.Options).Within();
        using var again = await http.DeleteAsync($"/api/devices/42/pending/{ids[1]}").Within();
        using var denied = await viewer.DeleteAsync("/api/devices/42/pending").Within();
        using var all = await http.DeleteAsync("/api/devices/42/pending").Within();

        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(["a", "c"], left!.Select(p => p.Text));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal(2, (await all.ReadAsync<PendingCancelled>()).Cancelled);
        Assert.Equal(0, server.GetRequiredService<DeviceRegistry>().Pending.TotalBytes);
        var records = await SecurityHttp.ReadAuditAsync(server, AuditAction.CancelPending);
        Assert.Equal([AuditResult.Allowed, AuditResult.Denied, AuditResult.NotFound, AuditResult.Allowed], records.Select(r => r.Result));

        await using var client = await server.ConnectAsync();
        await client.SendLineAsync("ID=42");
        await DeviceServer.WaitForAsync(server, "42", d => d.Online);
        Assert.True(await client.ReceivesNothingAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Theory]
    [InlineData("MaxPerDevice", "2", 2, "MaxPerDevice")]
    [InlineData("MaxBytesPerDevice", "10", 2, "MaxBytesPerDevice")]
    [InlineData("MaxTotalBytes", "1024", 1, "MaxTotalBytes")]
    public async Task AMessageBeyondAPendingBoundIsRefusedNamingTheBound(string key, string value, int fits, string named)
    {
        await using var server = await DeviceServer.StartAsync(new() { [$"KestrelTcp:Devices:Pending:{key}"] = value });
        await RegisterAndLeaveAsync(server, "42");
        using var http = server.CreateHttpClient();
        var text = key == "MaxTotalBytes" ? new string('x', 600) : "12345";
        for (var i = 0; i < fits; i++)
        {
            using var queued = await http.PostAsJsonAsync("/api/devices/42/send", new { text, queue = true }).Within();
            Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        }

        using var refused = await http.PostAsJsonAsync("/api/devices/42/send", new { text, queue = true }).Within();

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains($"KestrelTcp:Devices:Pending:{named}", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(fits, server.GetRequiredService<DeviceRegistry>().Pending.CountFor("42"));
    }

    [Fact]
    public async Task SendAndKickByTagReachOnlyTheOnlineDevicesWithTheTagAndSayHowMany()
    {
        await using var server = await DeviceServer.StartAsync();
        await using var north1 = await server.ConnectAsync();
        await using var north2 = await server.ConnectAsync();
        await using var south = await server.ConnectAsync();
        await north1.SendLineAsync("ID=n1");
        await north2.SendLineAsync("ID=n2");
        await south.SendLineAsync("ID=s1");
        await RegisterAndLeaveAsync(server, "n3");
        using var http = server.CreateHttpClient();
        using var viewer = server.CreateHttpClient(TestRole.Viewer);
        foreach (var (id, tag) in new[] { ("n1", "north"), ("n2", "north"), ("n3", "north"), ("s1", "south") })
        {
            await DeviceServer.WaitForAsync(server, id, _ => true);
            using var tagged = await http.PatchAsJsonAsync($"/api/devices/{id}", new { tags = new[] { tag, "all" } }).Within();
            Assert.Equal(HttpStatusCode.OK, tagged.StatusCode);
        }

        using var sent = await http.PostAsJsonAsync("/api/tags/north/send", new { text = "north only" }).Within();
        using var none = await http.PostAsJsonAsync("/api/tags/nobody/send", new { text = "x" }).Within();
        using var badTag = await http.PostAsJsonAsync("/api/tags/not%20a%20tag/send", new { text = "x" }).Within();
        using var denied = await viewer.PostAsJsonAsync("/api/tags/north/send", new { text = "x" }).Within();

        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        var reached = await sent.ReadAsync<TagCommandResponse>();
        Assert.Equal((3, 2, 2), (reached.Devices, reached.Online, reached.Reached));
        Assert.Equal("north only", await north1.ReceiveLineAsync());
        Assert.Equal("north only", await north2.ReceiveLineAsync());
        Assert.True(await south.ReceivesNothingAsync(TimeSpan.FromMilliseconds(200)));
        Assert.Equal(0, (await none.ReadAsync<TagCommandResponse>()).Reached);
        Assert.Equal(HttpStatusCode.BadRequest, badTag.StatusCode);
        Assert.Contains("tag", await badTag.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);

        using var kicked = await http.PostAsync("/api/tags/north/kick?reason=maintenance", null).Within();

        Assert.Equal(HttpStatusCode.OK, kicked.StatusCode);
        Assert.Equal(2, (await kicked.ReadAsync<TagCommandResponse>()).Reached);
        Assert.True(await north1.WaitForCloseAsync());
        Assert.True(await north2.WaitForCloseAsync());
        Assert.True(await south.ReceivesNothingAsync(TimeSpan.FromMilliseconds(200)));
        var kicks = await SecurityHttp.ReadAuditAsync(server, AuditAction.Kick);
        Assert.Equal("maintenance", kicks[0].Detail);
        Assert.Equal(2, kicks[0].Sessions.Count);
    }

    /// <summary>Connects as <paramref name="deviceId"/>, waits for the registry to have it, and disconnects.</summary>
    private static async Task RegisterAndLeaveAsync(TestServer server, string deviceId)
    {
        await using (var client = await server.ConnectAsync())
        {
            await client.SendLineAsync($"ID={deviceId}");
            await DeviceServer.WaitForAsync(server, deviceId, d => d.Online);
        }

        await DeviceServer.WaitForAsync(server, deviceId, d => !d.Online);
    }
}

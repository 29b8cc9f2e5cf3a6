using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Server.Tests.Security;
using KestrelTcp.Testing;
using Microsoft.Extensions.Options;
using static KestrelTcp.Server.Tests.Devices.HistoryHarness;

namespace KestrelTcp.Server.Tests.Devices;

public sealed class HistoryTests
{
    [Fact]
    public async Task FramesOfADeviceAcrossTwoSessionsComeBackAsOneHistoryNewestFirst()
    {
        await using var server = await TestServer.StartAsync(Identifying("Echo"));
        var (first, firstId) = await server.ConnectDeviceAsync("42");
        await first.SendLineAsync("a1");
        await first.SendLineAsync("a2");
        Assert.Equal("ID=42", await first.ReceiveLineAsync());
        Assert.Equal("a1", await first.ReceiveLineAsync());
        Assert.Equal("a2", await first.ReceiveLineAsync());
        await first.DisposeAsync();
        await server.WaitForSessionCountAsync(0);

        var (second, secondId) = await server.ConnectDeviceAsync("42");
        await using (second)
        {
            await second.SendLineAsync("b1");
            Assert.Equal("ID=42", await second.ReceiveLineAsync());
            Assert.Equal("b1", await second.ReceiveLineAsync());
            await server.WaitWrittenAsync(10);

            using var http = server.CreateHttpClient(TestRole.Viewer);
            var all = await http.MessagesAsync("42");
            Assert.Equal(10, all.Items.Count);
            Assert.Null(all.NextBefore);
            Assert.True(all.Items.Zip(all.Items.Skip(1)).All(pair => pair.First.Id > pair.Second.Id), "newest first");
            Assert.Equal([secondId, firstId], all.Items.Select(m => m.SessionId).Distinct());

            var received = await http.MessagesAsync("42", "?direction=In");
            Assert.Equal(["b1", "ID=42", "a2", "a1", "ID=42"], received.Items.Select(m => m.Text));
            Assert.All(received.Items, m => Assert.Equal(FrameDirection.In, m.Direction));
            var sent = await http.MessagesAsync("42", "?direction=out");
            Assert.Equal(["b1", "ID=42", "a2", "a1", "ID=42"], sent.Items.Select(m => m.Text));
            Assert.Equal("6231", sent.Items[0].Hex);
            Assert.Equal(2, sent.Items[0].Length);
            Assert.Equal("default", sent.Items[0].Listener);

            Assert.Empty((await http.MessagesAsync("43")).Items);
        }
    }

    [Fact]
    public async Task HistorySurvivesARestartOfTheServerOnTheSameDataPath()
    {
        string dataPath;
        await using (var before = await TestServer.StartAsync(Identifying(), keepDataPath: true))
        {
            dataPath = before.DataPath;
            var (client, _) = await before.ConnectDeviceAsync("tracker-7");
            await using (client)
            {
                await client.SendLineAsync("lat=52.1,lon=4.3");
                await before.WaitWrittenAsync(2);
            }
        }

        // The second server deletes the data folder when it is disposed.
        await using var after = await TestServer.StartAsync(Identifying(), dataPath: dataPath);
        using var http = after.CreateHttpClient(TestRole.Viewer);
        var page = await http.MessagesAsync("tracker-7");
        Assert.Equal(["lat=52.1,lon=4.3", "ID=tracker-7"], page.Items.Select(m => m.Text));
    }

    [Fact]
    public async Task BeforeAndLimitPageThroughTheWholeHistoryWithoutGapsOrRepeats()
    {
        await using var server = await TestServer.StartAsync(Identifying());
        var (client, _) = await server.ConnectDeviceAsync("pager");
        await using (client)
        {
            await client.SendAsync(string.Concat(Enumerable.Range(1, 25).Select(i => $"m{i}\n")));
            await server.WaitWrittenAsync(26);
        }

        using var http = server.CreateHttpClient(TestRole.Viewer);
        var seen = new List<string>();
        var sizes = new List<int>();
        string query = "?limit=10";
        while (true)
        {
            var page = await http.MessagesAsync("pager", query);
            seen.AddRange(page.Items.Select(m => m.Text));
            sizes.Add(page.Items.Count);
            if (page.NextBefore is not { } next)
            {
                break;
            }

            query = $"?limit=10&before={next}";
        }

        Assert.Equal([.. Enumerable.Range(1, 25).Reverse().Select(i => $"m{i}"), "ID=pager"], seen);
        Assert.Equal([10, 10, 6], sizes);
        Assert.Equal(100, DeviceMessagesApi.DefaultLimit);
    }

    [Fact]
    public async Task TextSearchMatchesLiterallyAndTimeBoundsFilter()
    {
        await using var server = await TestServer.StartAsync(Identifying());
        var (client, _) = await server.ConnectDeviceAsync("dtu");
        await using (client)
        {
            await client.SendAsync("temp=21\nTEMP=22\n100%\na_b\naXb\nback\\slash\n");
            await server.WaitWrittenAsync(7);
        }

        using var http = server.CreateHttpClient(TestRole.Viewer);
        async Task<string[]> Find(string query) => [.. (await http.MessagesAsync("dtu", query)).Items.Select(m => m.Text)];

        Assert.Equal(["TEMP=22", "temp=21"], await Find("?q=temp"));
        Assert.Equal(["100%"], await Find("?q=%25"));
        Assert.Equal(["a_b"], await Find("?q=_"));
        Assert.Equal(["back\\slash"], await Find("?q=" + Uri.EscapeDataString("\\")));
        Assert.Empty(await Find("?q=nothing"));

        var now = DateTimeOffset.UtcNow;
        Assert.Equal(7, (await Find($"?from={Uri.EscapeDataString(now.AddMinutes(-5).ToString("O"))}&to={now.AddMinutes(5).ToUnixTimeMilliseconds()}")).Length);
        Assert.Empty(await Find($"?from={now.AddMinutes(5).ToUnixTimeMilliseconds()}"));
        Assert.Empty(await Find($"?to={Uri.EscapeDataString(now.AddMinutes(-5).ToString("O"))}"));
    }

    [Theory]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=1001", "limit")]
    [InlineData("?limit=ten", "limit")]
    [InlineData("?direction=Sideways", "direction")]
    [InlineData("?direction=1", "direction")]
    [InlineData("?from=yesterday", "from")]
    [InlineData("?to=2026-13-45", "to")]
    [InlineData("?from=2000&to=1000", "from must not be later")]
    [InlineData("?before=-1", "before")]
    [InlineData("?before=0", "before")]
    public async Task ABadParameterIsA400NamingIt(string query, string named)
    {
        await using var server = await TestServer.StartAsync(Identifying());
        using var http = server.CreateHttpClient(TestRole.Viewer);

        using var response = await http.GetAsync($"/api/devices/42/messages{query}").Within();
        using var export = await http.GetAsync($"/api/devices/42/messages/export{query.Replace("limit", "format", StringComparison.Ordinal).Replace("before", "format", StringComparison.Ordinal)}").Within();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(named, await response.ProblemDetailAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, export.StatusCode);
    }

    [Fact]
    public async Task ASearchLongerThanItsBoundAndAnUnknownExportFormatAre400()
    {
        await using var server = await TestServer.StartAsync(Identifying());
        using var http = server.CreateHttpClient(TestRole.Viewer);

        using var longSearch = await http.GetAsync($"/api/devices/42/messages?q={new string('x', 257)}").Within();
        using var xml = await http.GetAsync("/api/devices/42/messages/export?format=xml").Within();
        using var sessionsXml = await http.GetAsync("/api/sessions/export?format=xml").Within();
        using var longId = await http.GetAsync($"/api/devices/{new string('d', 129)}/messages").Within();

        Assert.StartsWith("q must be at most 256", await longSearch.ProblemDetailAsync(), StringComparison.Ordinal);
        Assert.StartsWith("format", await xml.ProblemDetailAsync(), StringComparison.Ordinal);
        Assert.StartsWith("format", await sessionsXml.ProblemDetailAsync(), StringComparison.Ordinal);
        Assert.StartsWith("id must be", await longId.ProblemDetailAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFrameLongerThanMaxFrameBytesIsStoredCutWithItsRealLength()
    {
        await using var server = await TestServer.StartAsync(Identifying().With($"{History}:MaxFrameBytes", "8"));
        var (client, _) = await server.ConnectDeviceAsync("cut");
        await using (client)
        {
            await client.SendLineAsync("0123456789ABCDEF");
            await server.WaitWrittenAsync(2);
        }

        using var http = server.CreateHttpClient(TestRole.Viewer);
        var newest = (await http.MessagesAsync("cut", "?limit=1")).Items.Single();
        Assert.Equal("01234567", newest.Text);
        Assert.Equal(16, newest.Length);
        Assert.True(newest.Truncated);
    }

    [Fact]
    public async Task WhenTheQueueIsFullFramesAreDroppedFromHistoryAndCountedAndTheDeviceIsNotSlowed()
    {
        await using var server = await TestServer.StartAsync(Identifying("Echo").With($"{History}:MaxQueuedFrames", "1"));
        var (client, sessionId) = await server.ConnectDeviceAsync("flood");
        await using (client)
        {
            Assert.Equal("ID=flood", await client.ReceiveLineAsync());
            const int Frames = 5000;
            await client.SendAsync(string.Concat(Enumerable.Range(0, Frames).Select(i => $"f{i}\n")));
            for (var i = 0; i < Frames; i++)
            {
                Assert.Equal($"f{i}", await client.ReceiveLineAsync());
            }

            // Every frame either reached the database or was counted as dropped (both directions: 2 × (1 + 5000)).
            var queue = server.Queue();
            var writer = server.Writer();
            await Eventually.WaitAsync(() => queue.Count == 0 && writer.Written + queue.Dropped == 2 * (Frames + 1), Wait, "every frame written or dropped");
            Assert.True(queue.Dropped > 0, "a queue of one frame cannot keep up with 5,000 frames in one read");

            using var http = server.CreateHttpClient(TestRole.Viewer);
            var info = await http.GetFromJsonAsync<ServerInfo>("/api/server", Json.Options).Within();
            Assert.Equal(queue.Dropped, info!.HistoryFramesDropped);
            Assert.Equal(writer.Written, info.HistoryFramesWritten);
            Assert.True(server.GetRequiredService<SessionRegistry>().TryGet(sessionId, out var session));
            Assert.Equal(Frames + 1, session.FramesIn);
        }
    }

    [Fact]
    public async Task UnidentifiedSessionsWriteNothing()
    {
        await using var server = await TestServer.StartAsync(Identifying("Echo"));
        await using var stranger = await server.ConnectAsync();
        var strangerId = await server.SessionIdOfAsync(stranger);
        await stranger.SendAsync(string.Concat(Enumerable.Range(0, 100).Select(i => $"anon{i}\n")));
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal($"anon{i}", await stranger.ReceiveLineAsync());
        }

        // Every frame in and out has been through the session's loops: none went to the archive.
        Assert.Equal(0, server.Queue().Accepted);
        Assert.True(server.GetRequiredService<SessionRegistry>().TryGet(strangerId, out var session));
        Assert.Null(session.Archive);

        var (device, _) = await server.ConnectDeviceAsync("known");
        await using (device)
        {
            Assert.Equal("ID=known", await device.ReceiveLineAsync());
            await server.WaitWrittenAsync(2);
            Assert.Equal(2, server.Queue().Accepted);
        }
    }

    [Fact]
    public async Task HistoryIsOffWhenNoListenerIdentifiesAndSaysSo()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient(TestRole.Viewer);

        using var response = await http.GetAsync("/api/devices/42/messages").Within();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Devices:History:Enabled", await response.ProblemDetailAsync(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(server.DataPath, "history.db")));
        Assert.Null(server.GetRequiredService<ListenerCatalog>().Find("default")!.Archive);
    }

    [Fact]
    public async Task ASessionNamedByAnOperatorIsArchivedWhenHistoryIsOn()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { [$"{History}:Enabled"] = "true" });
        await using var client = await server.ConnectAsync();
        var id = await server.SessionIdOfAsync(client);
        using var http = server.CreateHttpClient();
        using var named = await http.PutAsJsonAsync($"/api/sessions/{id}/device", new { deviceId = "plc-3" }, Json.Options).Within();
        Assert.True(named.IsSuccessStatusCode, await named.Content.ReadAsStringAsync());

        await client.SendLineAsync("after naming");
        await server.WaitWrittenAsync(1);

        Assert.Equal(["after naming"], (await http.MessagesAsync("plc-3")).Items.Select(m => m.Text));
    }

    [Theory]
    [InlineData("MaxFrameBytes", "0")]
    [InlineData("MaxQueuedFrames", "0")]
    [InlineData("MaxQueuedBytes", "100")]
    [InlineData("MaxBytes", "1000")]
    [InlineData("Retention", "00:00:00.500")]
    [InlineData("RetentionInterval", "00:00:00.001")]
    [InlineData("WriterNice", "20")]
    public async Task ABadHistorySettingStopsTheServerNamingIt(string key, string value)
    {
        var settings = Identifying().With($"{History}:{key}", value);

        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => TestServer.StartAsync(settings)).Within();

        Assert.Contains($"{History}:{key}", string.Join(" ", error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportsAreSafeToOpenInASpreadsheetAndTheJsonParses()
    {
        await using var server = await TestServer.StartAsync(Identifying());
        var (client, sessionId) = await server.ConnectDeviceAsync("=HYPERLINK(1)");
        await using (client)
        {
            await client.SendLineAsync("=1+2");
            await client.SendLineAsync("say \"hi\", then go");
            await server.WaitWrittenAsync(3);

            using var http = server.CreateHttpClient(TestRole.Viewer);
            var device = Uri.EscapeDataString("=HYPERLINK(1)");
            using var csv = await http.GetAsync($"/api/devices/{device}/messages/export?format=csv").Within();
            Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
            Assert.Equal("device-messages.csv", csv.Content.Headers.ContentDisposition?.FileNameStar ?? csv.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
            var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("id,at,sessionId,listener,direction,length,truncated,text,hex", lines[0]);
            Assert.Equal(4, lines.Length);
            Assert.EndsWith(",\"say \"\"hi\"\", then go\"," + Convert.ToHexString(Encoding.UTF8.GetBytes("say \"hi\", then go")), lines[1], StringComparison.Ordinal);
            Assert.Contains(",\"'=1+2\",", lines[2], StringComparison.Ordinal);

            using var json = await http.GetAsync($"/api/devices/{device}/messages/export?format=json").Within();
            var items = JsonSerializer.Deserialize<DeviceMessageInfo[]>(await json.Content.ReadAsStringAsync(), Json.Options)!;
            Assert.Equal(["say \"hi\", then go", "=1+2", "ID==HYPERLINK(1)"], items.Select(m => m.Text));

            using var sessions = await http.GetAsync("/api/sessions/export").Within();
            var rows = (await sessions.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith("id,node,listener,deviceId,", rows[0], StringComparison.Ordinal);
            Assert.StartsWith($"{sessionId},", rows[1], StringComparison.Ordinal);
            Assert.Contains(",\"'=HYPERLINK(1)\",", rows[1], StringComparison.Ordinal);

            using var sessionsJson = await http.GetAsync("/api/sessions/export?format=json&q=HYPERLINK").Within();
            var listed = JsonSerializer.Deserialize<SessionInfo[]>(await sessionsJson.Content.ReadAsStringAsync(), Json.Options)!;
            Assert.Equal(["=HYPERLINK(1)"], listed.Select(s => s.DeviceId));
            using var none = await http.GetAsync("/api/sessions/export?format=json&q=nobody").Within();
            Assert.Equal("[]", await none.Content.ReadAsStringAsync());
        }
    }
}

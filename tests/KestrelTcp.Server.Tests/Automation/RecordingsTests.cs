using System.Net;
using System.Text.Json;
using KestrelTcp.Server.Automation.Recording;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Automation;

public sealed class RecordingsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static async Task<string> OnlySessionIdAsync(TestServer server, int count = 1)
    {
        await server.WaitForSessionCountAsync(count);
        return server.SessionIds()[^1];
    }

    private static async Task WaitForFramesAsync(TestServer server, string sessionId, long framesIn)
    {
        var registry = server.GetRequiredService<SessionRegistry>();
        await Eventually.WaitAsync(() => registry.TryGet(sessionId, out var s) && s.FramesIn >= framesIn, Wait, $"{framesIn} frames in");
    }

    [Fact]
    public async Task RecordsASessionsFramesWithTimingsInTheDocumentedFormat()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        await using var client = await server.ConnectAsync();
        var id = await OnlySessionIdAsync(server);

        var started = await http.PostAsync($"/api/sessions/{id}/recording", null);
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var name = (await started.ReadAsync<RecordingInfo>()).Name;
        Assert.Matches(@"^[0-9-]+-default-.+\.ktcp\.jsonl$", name);

        await client.SendLineAsync("hello");
        await WaitForFramesAsync(server, id, 1);
        await http.PostJsonAsync($"/api/sessions/{id}/send", new { text = "world" });
        Assert.Equal("world", await client.ReceiveLineAsync());
        await client.SendAsync([0x01, 0xFF, (byte)'\n']);
        await WaitForFramesAsync(server, id, 2);

        var stopped = await http.DeleteAsync($"/api/sessions/{id}/recording");
        Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);
        var download = await http.GetAsync($"/api/recordings/{name}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var lines = (await download.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

        var header = lines[0];
        Assert.Equal("ktcp-recording", header.GetProperty("format").GetString());
        Assert.Equal(1, header.GetProperty("version").GetInt32());
        Assert.Equal("default", header.GetProperty("listener").GetString());
        Assert.Equal(id, header.GetProperty("sessionId").GetString());
        Assert.Equal("Line", header.GetProperty("framing").GetProperty("kind").GetString());
        Assert.True(header.TryGetProperty("startedAt", out _));

        var frames = lines.Skip(1).Take(3).ToList();
        Assert.Equal(["in", "out", "in"], frames.Select(f => f.GetProperty("dir").GetString()));
        Assert.Equal("hello", frames[0].GetProperty("text").GetString());
        Assert.Equal("world", frames[1].GetProperty("text").GetString());
        Assert.Equal([0x01, 0xFF], frames[2].GetProperty("b64").GetBytesFromBase64());
        var times = frames.Select(f => f.GetProperty("t").GetDouble()).ToList();
        Assert.True(times[0] >= 0 && times[0] <= times[1] && times[1] <= times[2], string.Join(", ", times));

        var footer = lines[^1];
        Assert.True(footer.GetProperty("footer").GetBoolean());
        Assert.Equal(3, footer.GetProperty("frames").GetInt64());
        Assert.Equal(0, footer.GetProperty("dropped").GetInt64());
        Assert.StartsWith("stopped by", footer.GetProperty("reason").GetString());
        Assert.Equal(5, lines.Count);

        var list = await (await http.GetAsync("/api/recordings")).ReadAsync<RecordingInfo[]>();
        Assert.False(Assert.Single(list).Active);
    }

    [Fact]
    public async Task ARecordingThatReachesMaxBytesPerRecordingStopsWithTheReasonInItsFooter()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["KestrelTcp:Recording:MaxBytesPerRecording"] = "4096" });
        using var http = server.CreateHttpClient();
        await using var client = await server.ConnectAsync();
        var id = await OnlySessionIdAsync(server);
        var name = (await (await http.PostAsync($"/api/sessions/{id}/recording", null)).ReadAsync<RecordingInfo>()).Name;

        for (var i = 0; i < 100; i++)
        {
            await client.SendLineAsync(new string('x', 100));
        }

        await WaitForFramesAsync(server, id, 100);
        var recordings = server.GetRequiredService<Recordings>();
        await Eventually.WaitAsync(() => recordings.ActiveFor(id) is null, Wait, "the recording to stop itself");

        var text = await http.GetStringAsync($"/api/recordings/{name}");
        Assert.True(text.Length <= 4096, $"{text.Length} bytes");
        var footer = JsonDocument.Parse(text.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;
        Assert.Contains("MaxBytesPerRecording", footer.GetProperty("reason").GetString());
        Assert.InRange(footer.GetProperty("frames").GetInt64(), 1, 99);
    }

    [Fact]
    public async Task RefusesARecordingPastMaxRecordings()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["KestrelTcp:Recording:MaxRecordings"] = "1" });
        using var http = server.CreateHttpClient();
        await using var client = await server.ConnectAsync();
        var id = await OnlySessionIdAsync(server);
        await http.PostAsync($"/api/sessions/{id}/recording", null);
        await http.DeleteAsync($"/api/sessions/{id}/recording");

        var again = await http.PostAsync($"/api/sessions/{id}/recording", null);

        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("MaxRecordings", await again.ProblemDetailAsync());
    }

    [Theory]
    [InlineData("..%2F..%2Fusers.db")]
    [InlineData("outbound.db")]
    [InlineData("nope.ktcp.jsonl")]
    public async Task DownloadsOnlyServerNamedRecordingFiles(string name)
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();

        var response = await http.GetAsync($"/api/recordings/{name}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ReplaysTheRecordedServerToDeviceFramesToAChosenSession()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        await using var recorded = await server.ConnectAsync();
        var recordedId = await OnlySessionIdAsync(server);
        var name = (await (await http.PostAsync($"/api/sessions/{recordedId}/recording", null)).ReadAsync<RecordingInfo>()).Name;
        await recorded.SendLineAsync("from the device");
        await WaitForFramesAsync(server, recordedId, 1);
        foreach (var command in new[] { "first", "second", "third" })
        {
            await http.PostJsonAsync($"/api/sessions/{recordedId}/send", new { text = command });
            Assert.Equal(command, await recorded.ReceiveLineAsync());
        }

        await http.DeleteAsync($"/api/sessions/{recordedId}/recording");
        await using var bench = await server.ConnectAsync();
        var benchId = await OnlySessionIdAsync(server, 2);
        benchId = server.SessionIds().Single(s => s != recordedId);

        var replay = await http.PostJsonAsync($"/api/recordings/{name}/replay", new { sessionId = benchId, speed = 10 });

        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        Assert.Equal("first", await bench.ReceiveLineAsync());
        Assert.Equal("second", await bench.ReceiveLineAsync());
        Assert.Equal("third", await bench.ReceiveLineAsync());
        Assert.True(await bench.ReceivesNothingAsync(TimeSpan.FromMilliseconds(300)), "the device's own frame was replayed to it");
    }

    [Fact]
    public async Task AStartedRecordingIsListedAsActiveAtOnce()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        await using var client = await server.ConnectAsync();
        var id = await OnlySessionIdAsync(server);

        var name = (await (await http.PostAsync($"/api/sessions/{id}/recording", null)).ReadAsync<RecordingInfo>()).Name;
        var list = await (await http.GetAsync("/api/recordings")).ReadAsync<RecordingInfo[]>();

        var item = Assert.Single(list);
        Assert.Equal(name, item.Name);
        Assert.True(item.Active);
        Assert.Equal(id, item.SessionId);
    }

    [Fact]
    public async Task ARecordingIsRefusedForASessionThatDoesNotExist()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();

        var response = await http.PostAsync("/api/sessions/nope/recording", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

using System.Text.Json.Serialization;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Dashboard;
using KestrelTcp.Server.Dashboard.Contracts;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelTcp.Server.Tests.Api;

public sealed class RawReadsApiTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ShowsAWatchedSessionsReadsAsTheyCameOffTheSocketBesideItsFrames()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient(TestRole.Viewer);
        await using var client = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        var session = server.GetRequiredService<SessionRegistry>().All.Single();
        await using var hub = await WatchAsync(server, session.Id);

        // One frame split over two reads, then two frames merged in one read.
        await client.SendAsync("hel");
        await Eventually.WaitAsync(() => session.Snapshot().BytesIn == 3, Timeout);
        await client.SendAsync("lo\n");
        await Eventually.WaitAsync(() => session.Snapshot().BytesIn == 6, Timeout);
        await client.SendAsync("a\nb\n");
        await Eventually.WaitAsync(() => session.Snapshot().BytesIn == 10 && session.RawReads?.Count == 3, Timeout);

        var reads = await (await http.GetAsync($"/api/sessions/{session.Id}/reads")).ReadAsync<RawReadsResponse>();
        var frames = await (await http.GetAsync($"/api/sessions/{session.Id}/messages")).ReadAsync<MessageInfo[]>();

        Assert.True(reads.Capturing);
        Assert.Equal(["hel", "lo\n", "a\nb\n"], reads.Reads.Select(r => r.Text));
        Assert.Equal([3, 3, 4], reads.Reads.Select(r => r.Length));
        Assert.Equal(["hello", "a", "b"], frames.Select(f => f.Text));
    }

    [Fact]
    public async Task CapturesNothingWhileTheSessionIsNotWatched()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient(TestRole.Viewer);
        await using var client = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        var session = server.GetRequiredService<SessionRegistry>().All.Single();
        await client.SendLineAsync("before anyone watches");
        await Eventually.WaitAsync(() => session.Snapshot().FramesIn == 1, Timeout);

        var unwatched = await (await http.GetAsync($"/api/sessions/{session.Id}/reads")).ReadAsync<RawReadsResponse>();

        Assert.False(unwatched.Capturing);
        Assert.Empty(unwatched.Reads);
        Assert.Null(session.RawReads);

        await using (var hub = await WatchAsync(server, session.Id))
        {
            var watched = await (await http.GetAsync($"/api/sessions/{session.Id}/reads")).ReadAsync<RawReadsResponse>();
            Assert.True(watched.Capturing);
            Assert.Empty(watched.Reads);
        }

        // The last watcher leaving takes the ring with it.
        await Eventually.WaitAsync(() => session.RawReads is null, Timeout, "the ring went with the watcher");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("/api/sessions/nope/reads")).StatusCode);
    }

    private static async Task<HubConnection> WatchAsync(TestServer server, string sessionId)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.HttpAddress, DashboardExtensions.HubPath.TrimStart('/')), options => options.Headers[TestServer.ApiKeyHeaderName] = server.ViewerApiKey)
            .AddJsonProtocol(json => json.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        await hub.StartAsync().WaitAsync(Timeout);
        var result = await hub.InvokeAsync<WatchResult>(nameof(DashboardHub.Watch), sessionId).WaitAsync(Timeout);
        Assert.True(result.Ok, result.Error);
        return hub;
    }
}

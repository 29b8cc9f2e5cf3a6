using System.Net;
using System.Text.Json.Serialization;
using KestrelTcp.Server.Dashboard;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelTcp.Server.Tests.Metrics;

/// <summary>A real server scraped at <c>/metrics</c> while real TCP clients connect, send and leave.</summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task SessionsActiveFollowsClientsConnectingAndLeaving()
    {
        await using var server = await MetricsServer.StartAsync();
        using var http = server.CreateHttpClient(TestRole.Viewer);
        Assert.Equal(0, (await http.ScrapeAsync()).Value("kestreltcp_sessions_active", "listener=default"));

        var first = await server.ConnectAsync();
        var second = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(2);
        var both = await http.ScrapeAsync();
        Assert.Equal(2, both.Value("kestreltcp_sessions_active", "listener=default"));
        Assert.Equal(2, both.Value("kestreltcp_sessions_opened_total", "listener=default"));
        Assert.Equal(2, both.Value("kestreltcp_sessions_peak", "listener=default"));
        Assert.Equal(2, both.Value("kestreltcp_descriptors_used", "kind=session"));

        await first.DisposeAsync();
        await second.DisposeAsync();
        await server.WaitForSessionCountAsync(0);
        var none = await http.ScrapeAsync();
        Assert.Equal(0, none.Value("kestreltcp_sessions_active", "listener=default"));
        Assert.Equal(2, none.Value("kestreltcp_sessions_peak", "listener=default"));
        Assert.Equal(2, none.Value("kestreltcp_sessions_closed_total", "reason=client_closed"));
        Assert.Equal(2, none.Value("kestreltcp_session_duration_seconds_count", "listener=default", "reason=client_closed"));
        Assert.Equal(0, none.Value("kestreltcp_descriptors_used", "kind=session"));
    }

    [Fact]
    public async Task FramesAndBytesInGrowByExactlyWhatClientsSent()
    {
        await using var server = await MetricsServer.StartAsync();
        using var http = server.CreateHttpClient(TestRole.Viewer);
        await using var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(2);
        var before = await http.ScrapeAsync();

        string[] lines = ["alpha", "bravo", "charlie", "delta", "echo"];
        foreach (var line in lines[..3])
        {
            await first.SendLineAsync(line);
        }

        foreach (var line in lines[3..])
        {
            await second.SendLineAsync(line);
        }

        var registry = server.GetRequiredService<SessionRegistry>();
        await Eventually.WaitAsync(() => registry.All.Sum(s => s.FramesIn) == lines.Length, MetricsServer.Timeout, "the server read every line");
        var after = await http.ScrapeAsync();

        var bytesSent = lines.Sum(l => l.Length + 1);
        Assert.Equal(lines.Length, after.Value("kestreltcp_frames_total", "listener=default", "direction=receive") - before.Value("kestreltcp_frames_total", "listener=default", "direction=receive"));
        Assert.Equal(bytesSent, after.Value("kestreltcp_io_bytes_total", "listener=default", "direction=receive") - before.Value("kestreltcp_io_bytes_total", "listener=default", "direction=receive"));
        Assert.Equal(0, after.Value("kestreltcp_frames_total", "listener=default", "direction=transmit"));

        // The figures stay once the sessions have gone: closed sessions' counts are kept by the listener.
        await first.DisposeAsync();
        await second.DisposeAsync();
        await server.WaitForSessionCountAsync(0);
        var gone = await http.ScrapeAsync();
        Assert.Equal(after.Value("kestreltcp_frames_total", "direction=receive"), gone.Value("kestreltcp_frames_total", "direction=receive"));
        Assert.Equal(after.Value("kestreltcp_io_bytes_total", "direction=receive"), gone.Value("kestreltcp_io_bytes_total", "direction=receive"));
    }

    [Fact]
    public async Task AKickShowsAsACloseReasonAndACommandWithItsResult()
    {
        await using var server = await MetricsServer.StartAsync();
        using var viewer = server.CreateHttpClient(TestRole.Viewer);
        using var operatorClient = server.CreateHttpClient(TestRole.Operator);
        await using var kicked = await server.ConnectAsync();
        await using var staying = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(2);
        var id = server.SessionIds()[0];

        using (var kick = await operatorClient.DeleteAsync(new Uri($"/api/sessions/{id}", UriKind.Relative)).WaitAsync(MetricsServer.Timeout))
        {
            Assert.True(kick.IsSuccessStatusCode, $"kick answered {(int)kick.StatusCode}");
        }

        using (var missing = await operatorClient.DeleteAsync(new Uri("/api/sessions/no-such-session", UriKind.Relative)).WaitAsync(MetricsServer.Timeout))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        await server.WaitForSessionCountAsync(1);
        var scrape = await viewer.ScrapeAsync();
        Assert.Equal(1, scrape.Value("kestreltcp_sessions_closed_total", "reason=kicked"));
        Assert.Equal(0, scrape.Value("kestreltcp_sessions_closed_total", "reason=client_closed"));
        Assert.Equal(1, scrape.Value("kestreltcp_session_duration_seconds_count", "reason=kicked"));
        Assert.Equal(1, scrape.Value("kestreltcp_session_duration_seconds_bucket", "reason=kicked", "le=3600")); // seconds-scale buckets, not the default milliseconds
        Assert.Equal(1, scrape.Value("kestreltcp_session_duration_seconds_bucket", "reason=kicked", "le=604800"));
        Assert.Equal(1, scrape.Value("kestreltcp_commands_total", "command=kick", "result=ok"));
        Assert.Equal(1, scrape.Value("kestreltcp_commands_total", "command=kick", "result=not_found"));
        Assert.Equal(1, scrape.Value("kestreltcp_sessions_active", "listener=default"));
    }

    [Fact]
    public async Task ConnectionsOverTheListenersLimitAreCountedAsRejected()
    {
        await using var server = await MetricsServer.StartAsync(new Dictionary<string, string?> { ["KestrelTcp:Listeners:default:MaxConnections"] = "1" });
        using var http = server.CreateHttpClient(TestRole.Viewer);
        await using var admitted = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);

        await using var refused = await server.ConnectAsync();
        Assert.True(await refused.WaitForCloseAsync(MetricsServer.Timeout), "the connection over the limit was closed");
        var scrape = await http.ScrapeAsync();

        Assert.Equal(1, scrape.Value("kestreltcp_connections_rejected_total", "listener=default", "reason=connection_limit"));
        Assert.Equal(1, scrape.Value("kestreltcp_sessions_closed_total", "reason=connection_limit"));
        Assert.Equal(1, scrape.Value("kestreltcp_sessions_active", "listener=default"));
    }

    [Fact]
    public async Task DashboardViewersAndTheFrameworksMetersAreExported()
    {
        await using var server = await MetricsServer.StartAsync();
        using var http = server.CreateHttpClient(TestRole.Viewer);
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.HttpAddress, DashboardExtensions.HubPath.TrimStart('/')), options => options.Headers[TestServer.ApiKeyHeaderName] = server.ViewerApiKey)
            .AddJsonProtocol(json => json.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        await hub.StartAsync().WaitAsync(MetricsServer.Timeout);
        var viewers = server.GetRequiredService<DashboardViewers>();
        await Eventually.WaitAsync(() => viewers.Count == 1, MetricsServer.Timeout, "the hub registered the browser");

        var scrape = await http.ScrapeAsync();

        Assert.Equal(1, scrape.Value("kestreltcp_dashboard_viewers"));
        Assert.Equal(1, scrape.Value("kestreltcp_cluster_nodes", "state=up"));
        Assert.Equal(0, scrape.Value("kestreltcp_cluster_nodes", "state=down"));
        Assert.True(scrape.Has("kestrel_active_connections"), "Kestrel's meter is exported");
        Assert.True(scrape.Has("signalr_server_active_connections"), "SignalR's meter is exported");
        Assert.True(scrape.Has("dotnet_gc_collections_total"), "the runtime's meter is exported");
    }
}

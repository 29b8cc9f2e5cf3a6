using System.Net;
using KestrelTcp.Protocols;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Api;

public sealed class ListenersApiTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task ListsListenersWithModeFramingAndCounts()
    {
        var settings = Settings.Listener("devices", "Echo", "LengthPrefixed", ("Framing:HeaderBytes", "2"));
        await using var server = await TestServer.StartAsync(settings);
        using var http = server.CreateHttpClient();
        await using var client = await server.ConnectAsync("devices");
        await server.WaitForSessionCountAsync(1);

        var listeners = await (await http.GetAsync("/api/listeners")).ReadAsync<ListenerInfo[]>();

        Assert.Equal(["default", "devices"], listeners.Select(l => l.Name));
        var devices = listeners[1];
        Assert.Equal(ListenerMode.Echo, devices.Mode);
        Assert.Equal(FramingKind.LengthPrefixed, devices.Framing.Kind);
        Assert.Equal(2, devices.Framing.HeaderBytes);
        Assert.Equal(server.TcpEndPoint("devices").Port, devices.Port);
        Assert.Equal(1, devices.Sessions);
        Assert.Equal(0, listeners[0].Sessions);
    }

    [Fact]
    public async Task BroadcastReachesEverySessionOfTheListenerOnly()
    {
        await using var server = await TestServer.StartAsync(Settings.Listener("other"));
        using var http = server.CreateHttpClient();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();
        await using var outsider = await server.ConnectAsync("other");
        await server.WaitForSessionCountAsync(3);

        var response = await http.PostJsonAsync("/api/listeners/default/broadcast", new { text = "all hands" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(2, (await response.ReadAsync<SendResponse>()).Sessions.Count);
        Assert.Equal("all hands", await a.ReceiveLineAsync());
        Assert.Equal("all hands", await b.ReceiveLineAsync());
        Assert.True(await outsider.ReceivesNothingAsync(Quiet));
    }

    [Fact]
    public async Task BroadcastToAnUnknownListenerIsNotFound()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();

        var response = await http.PostJsonAsync("/api/listeners/nope/broadcast", new { text = "x" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("nope", await response.ProblemDetailAsync());
    }
}

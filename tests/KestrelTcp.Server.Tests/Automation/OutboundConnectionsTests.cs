using System.Net;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Automation.Outbound;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Server.Tests.Security;
using KestrelTcp.Testing;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Tests.Automation;

public sealed class OutboundConnectionsTests
{
    private static readonly TimeSpan Wait = DialledDevice.Wait;

    private static Dictionary<string, string?> Allowed(string entry = "127.0.0.0/8:1-65535") =>
        new() { ["KestrelTcp:Outbound:AllowedTargets:0"] = entry };

    private static object Create(string name, string target, int reconnectMinMs = 1000) =>
        new { name, target, framing = new { kind = "Line" }, reconnectMinMs, reconnectMaxMs = 2000 };

    /// <summary>Waits until the connection's state satisfies <paramref name="condition"/>, then returns it as the API shows it.</summary>
    private static async Task<OutboundConnectionInfo> WaitForStateAsync(TestServer server, HttpClient http, string name, Func<OutboundConnectionInfo, bool> condition)
    {
        var connections = server.GetRequiredService<OutboundConnections>();
        await Eventually.WaitAsync(() => connections.Find(name)?.Snapshot() is { } info && condition(info), Wait, $"connection {name}");
        return await (await http.GetAsync($"/api/connections/{name}")).ReadAsync<OutboundConnectionInfo>();
    }

    [Fact]
    public async Task DialsAnAllowedTargetAndTheConnectionIsASessionLikeAnyOther()
    {
        using var device = new DialledDevice();
        await using var server = await TestServer.StartAsync(Allowed());
        using var http = server.CreateHttpClient();

        var created = await http.PostJsonAsync("/api/connections", Create("plc", device.Target));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await using var socket = await device.AcceptAsync();
        await socket.SendLineAsync("hello from the device");

        var registry = server.GetRequiredService<SessionRegistry>();
        await Eventually.WaitAsync(() => registry.All.Any(s => s.Listener.Name == "plc" && s.FramesIn == 1), Wait, "the device's frame decoded");
        var page = await (await http.GetAsync("/api/sessions?listener=plc")).ReadAsync<SessionPage>();
        var session = Assert.Single(page.Items);
        Assert.Equal("plc", session.Listener);
        Assert.Equal(device.Target, session.RemoteEndPoint);

        var info = await WaitForStateAsync(server, http, "plc", c => c.State == OutboundState.Connected);
        Assert.Equal(session.Id, info.SessionId);
        Assert.Equal("outbound", info.Mode);

        var sent = await http.PostJsonAsync($"/api/sessions/{session.Id}/send", new { text = "?STATUS" });
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        Assert.Equal("?STATUS", await socket.ReceiveLineAsync());

        var messages = await http.GetStringAsync($"/api/sessions/{session.Id}/messages");
        Assert.Contains("hello from the device", messages);
    }

    [Fact]
    public async Task RedialsWithBackoffWhenTheRemoteClosesTheConnection()
    {
        using var device = new DialledDevice();
        await using var server = await TestServer.StartAsync(Allowed());
        using var http = server.CreateHttpClient();
        await http.PostJsonAsync("/api/connections", Create("plc", device.Target, reconnectMinMs: 50));
        var first = await device.AcceptAsync();
        var firstSession = (await WaitForStateAsync(server, http, "plc", c => c.State == OutboundState.Connected)).SessionId;

        await first.DisposeAsync();
        await using var second = await device.AcceptAsync();

        var info = await WaitForStateAsync(server, http, "plc", c => c.State == OutboundState.Connected && c.SessionId != firstSession);
        Assert.True(info.Attempts >= 2, $"attempts {info.Attempts}");
        Assert.Contains("ClientClosed", info.LastError);
        var closed = server.GetRequiredService<SessionRegistry>().RecentlyClosed();
        Assert.Contains(closed, s => s.Id == firstSession && s.Listener == "plc");
    }

    [Fact]
    public async Task AKickedConnectionIsNotRedialledUntilStartedAgain()
    {
        using var device = new DialledDevice();
        await using var server = await TestServer.StartAsync(Allowed());
        using var http = server.CreateHttpClient();
        await http.PostJsonAsync("/api/connections", Create("plc", device.Target, reconnectMinMs: 20));
        await using var socket = await device.AcceptAsync();
        var sessionId = (await WaitForStateAsync(server, http, "plc", c => c.State == OutboundState.Connected)).SessionId;

        var kicked = await http.DeleteAsync($"/api/sessions/{sessionId}?reason=bench");
        Assert.Equal(HttpStatusCode.NoContent, kicked.StatusCode);

        Assert.True(await socket.WaitForCloseAsync());
        await WaitForStateAsync(server, http, "plc", c => c.State == OutboundState.Stopped);
        Assert.False(await device.IsDialledWithinAsync(TimeSpan.FromMilliseconds(500)), "redialled after a kick");

        var started = await http.PostAsync("/api/connections/plc/start", null);
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        await using var again = await device.AcceptAsync();
        await WaitForStateAsync(server, http, "plc", c => c.State == OutboundState.Connected);
    }

    [Theory]
    [InlineData("127.0.0.0/8:1-65535", "10.1.2.3:502")]
    [InlineData("127.0.0.0/8:502", "127.0.0.1:503")]
    [InlineData(null, "127.0.0.1:502")]
    public async Task RefusesATargetOutsideAllowedTargetsWithA400NamingIt(string? allowed, string target)
    {
        await using var server = await TestServer.StartAsync(allowed is null ? null : Allowed(allowed));
        using var http = server.CreateHttpClient();

        var response = await http.PostJsonAsync("/api/connections", Create("plc", target));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = await response.ProblemDetailAsync();
        Assert.Contains(target, detail);
        Assert.Contains("KestrelTcp:Outbound:AllowedTargets", detail);
        Assert.Empty(server.GetRequiredService<OutboundConnections>().List());
    }

    [Fact]
    public async Task RefusesAHostNameThatResolvesOutsideAllowedTargets()
    {
        await using var server = await TestServer.StartAsync(Allowed("10.0.0.0/8:1-65535"));
        using var http = server.CreateHttpClient();

        var response = await http.PostJsonAsync("/api/connections", Create("plc", "localhost:502"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("localhost resolves to", await response.ProblemDetailAsync());
    }

    [Fact]
    public async Task AConfiguredTargetOutsideAllowedTargetsStopsTheStartNamingTheSetting()
    {
        var settings = Allowed().With("KestrelTcp:Outbound:plc:Target", "10.9.9.9:502");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(settings)).Within();

        var message = error is OptionsValidationException validation ? string.Join(" ", validation.Failures) : error.ToString();
        Assert.Contains("KestrelTcp:Outbound:plc:Target", message);
        Assert.Contains("AllowedTargets", message);
    }

    [Fact]
    public async Task DialsAConfiguredConnectionAtStartAndRefusesToDeleteIt()
    {
        using var device = new DialledDevice();
        var settings = Allowed()
            .With("KestrelTcp:Outbound:meter:Target", device.Target)
            .With("KestrelTcp:Outbound:meter:Framing:Kind", "Delimiter")
            .With("KestrelTcp:Outbound:meter:Framing:Delimiter", "7E");
        await using var server = await TestServer.StartAsync(settings);
        using var http = server.CreateHttpClient();

        await using var socket = await device.AcceptAsync();
        await socket.SendAsync("A~B~");
        var registry = server.GetRequiredService<SessionRegistry>();
        await Eventually.WaitAsync(() => registry.All.Any(s => s.Listener.Name == "meter" && s.FramesIn == 2), Wait, "two 7E-delimited frames");
        var info = await WaitForStateAsync(server, http, "meter", c => c.State == OutboundState.Connected);
        Assert.Equal("config", info.Source);

        var delete = await http.DeleteAsync("/api/connections/meter");
        Assert.Equal(HttpStatusCode.BadRequest, delete.StatusCode);
        Assert.Contains("KestrelTcp:Outbound:meter", await delete.ProblemDetailAsync());
    }

    [Fact]
    public async Task ConnectionsMadeThroughTheApiSurviveARestart()
    {
        using var device = new DialledDevice();
        var dataPath = Path.Combine(Path.GetTempPath(), "kestreltcp-tests", Guid.NewGuid().ToString("N"));
        await using (var first = await TestServer.StartAsync(Allowed(), dataPath: dataPath, keepDataPath: true))
        {
            using var http = first.CreateHttpClient();
            await http.PostJsonAsync("/api/connections", Create("plc", device.Target));
            await using var socket = await device.AcceptAsync();
            await WaitForStateAsync(first, http, "plc", c => c.State == OutboundState.Connected);
        }

        await using var second = await TestServer.StartAsync(Allowed(), dataPath: dataPath);
        await using var redialled = await device.AcceptAsync();
        using var client = second.CreateHttpClient();
        var info = await WaitForStateAsync(second, client, "plc", c => c.State == OutboundState.Connected);
        Assert.Equal(device.Target, info.Target);
        Assert.Equal("api", info.Source);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dataPath, "outbound.db")));
        }

        var removed = await client.DeleteAsync("/api/connections/plc");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.True(await redialled.WaitForCloseAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/connections/plc")).StatusCode);
    }

    [Fact]
    public async Task RefusesAConnectionPastMaxConnections()
    {
        using var device = new DialledDevice();
        await using var server = await TestServer.StartAsync(Allowed().With("KestrelTcp:Outbound:MaxConnections", "1"));
        using var http = server.CreateHttpClient();
        Assert.Equal(HttpStatusCode.Created, (await http.PostJsonAsync("/api/connections", Create("one", device.Target))).StatusCode);

        var second = await http.PostJsonAsync("/api/connections", Create("two", device.Target));

        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Contains("MaxConnections", await second.ProblemDetailAsync());
    }

    [Fact]
    public async Task AViewerCannotAddAConnection()
    {
        await using var server = await TestServer.StartAsync(Allowed());
        using var http = server.CreateHttpClient(TestRole.Viewer);

        var response = await http.PostJsonAsync("/api/connections", Create("plc", "127.0.0.1:502"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}

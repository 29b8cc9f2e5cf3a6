using System.Net.Http.Json;
using System.Text.Json;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Admission;

public sealed class AdmissionEndToEndTests
{
    [Fact]
    public async Task TheFourthConnectionFromOneAddressIsRefusedRecordedAndCounted()
    {
        await using var server = await TestServer.StartAsync(Settings.Listener("capped", "Echo", extra: ("Admission:MaxConnectionsPerAddress", "3")), includeDefaultListener: false);
        await using var a = await server.ConnectAsync("capped");
        await using var b = await server.ConnectAsync("capped");
        await using var c = await server.ConnectAsync("capped");
        await server.WaitForSessionCountAsync(3);

        await using var refused = await server.ConnectAsync("capped");

        Assert.True(await refused.WaitForCloseAsync());
        var closed = server.GetRequiredService<SessionRegistry>().RecentlyClosed().Single();
        Assert.Equal(CloseReason.Refused, closed.CloseReason);
        Assert.StartsWith("Per-address limit", closed.CloseDetail, StringComparison.Ordinal);
        await a.SendLineAsync("still served");
        Assert.Equal("still served", await a.ReceiveLineAsync());
        Assert.Equal(1, await RejectionsAsync(server, "capped", "addressLimit"));

        // The address's slot is given back as the connection's middleware unwinds, just after the
        // session leaves the registry: a connection made in between is still refused, so try again.
        await b.DisposeAsync();
        await server.WaitForSessionCountAsync(2);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var again = await server.ConnectAsync("capped");
        try
        {
            while (true)
            {
                try
                {
                    await again.SendLineAsync("back");
                    Assert.Equal("back", await again.ReceiveLineAsync());
                    break;
                }
                catch (Exception ex) when (ex is EndOfStreamException or IOException or System.Net.Sockets.SocketException && DateTime.UtcNow < deadline)
                {
                    await again.DisposeAsync();
                    again = await server.ConnectAsync("capped");
                }
            }

            Assert.Equal(3, server.GetRequiredService<SessionRegistry>().Count);
        }
        finally
        {
            await again.DisposeAsync();
        }
    }

    [Fact]
    public async Task NewConnectionsOverThePerSecondRateAreRefused()
    {
        await using var server = await TestServer.StartAsync(Settings.Listener("rated", "Echo", extra: ("Admission:MaxNewConnectionsPerSecondPerAddress", "2")), includeDefaultListener: false);
        await using var a = await server.ConnectAsync("rated");
        await using var b = await server.ConnectAsync("rated");
        await using var c = await server.ConnectAsync("rated");
        await using var d = await server.ConnectAsync("rated");

        // Two per second: of four connections opened at once at least one (usually two) is refused.
        await Eventually.WaitAsync(() => server.GetRequiredService<SessionRegistry>().RecentlyClosed().Any(s => s.CloseReason == CloseReason.Refused), TimeSpan.FromSeconds(10));
        Assert.Contains(server.GetRequiredService<SessionRegistry>().RecentlyClosed(), s => s.CloseDetail!.StartsWith("Rate", StringComparison.Ordinal));
        Assert.True(await RejectionsAsync(server, "rated", "rate") >= 1);
    }

    [Theory]
    [InlineData("Admission:Deny:0", "127.0.0.0/8")]
    [InlineData("Admission:Allow:0", "10.0.0.0/8")]
    public async Task CidrListsRefuseLoopbackWhenItIsNotAllowed(string key, string range)
    {
        await using var server = await TestServer.StartAsync(Settings.Listener("guarded", "Echo", extra: (key, range)), includeDefaultListener: false);
        await using var refused = await server.ConnectAsync("guarded");

        Assert.True(await refused.WaitForCloseAsync());
        var closed = server.GetRequiredService<SessionRegistry>().RecentlyClosed().Single();
        Assert.Equal(CloseReason.Refused, closed.CloseReason);
        Assert.StartsWith("Denied by CIDR", closed.CloseDetail, StringComparison.Ordinal);
        Assert.Equal(1, await RejectionsAsync(server, "guarded", "denied"));
    }

    [Fact]
    public async Task RepeatedOversizeFramesBanTheAddressUntilTheBanExpires()
    {
        await using var server = await TestServer.StartAsync(
            Settings.Listener("strict", "Echo", extra: [("Framing:MaxFrameBytes", "16"), ("Admission:Ban:Violations", "2"), ("Admission:Ban:Window", "00:01:00"), ("Admission:Ban:Duration", "00:00:03")]),
            includeDefaultListener: false);
        var registry = server.GetRequiredService<SessionRegistry>();
        for (var i = 0; i < 2; i++)
        {
            await using var offender = await server.ConnectAsync("strict");
            await offender.SendLineAsync(new string('x', 100));
            Assert.True(await offender.WaitForCloseAsync());
            var expected = i + 1;
            await Eventually.WaitAsync(() => registry.RecentlyClosed().Count(s => s.CloseReason == CloseReason.FrameTooLarge) == expected, TimeSpan.FromSeconds(10));
        }

        await using var banned = await server.ConnectAsync("strict");
        Assert.True(await banned.WaitForCloseAsync());
        Assert.StartsWith("Banned", registry.RecentlyClosed().First(s => s.CloseReason == CloseReason.Refused).CloseDetail, StringComparison.Ordinal);
        Assert.Equal(1, await RejectionsAsync(server, "strict", "banned"));

        // The ban lasts three seconds; after it the address is served again.
        await Task.Delay(TimeSpan.FromSeconds(3.2));
        await using var back = await server.ConnectAsync("strict");
        await back.SendLineAsync("hello");
        Assert.Equal("hello", await back.ReceiveLineAsync());
    }

    private static async Task<long> RejectionsAsync(TestServer server, string listener, string reason)
    {
        using var http = server.CreateHttpClient();
        var listeners = await http.GetFromJsonAsync<JsonElement>("/api/listeners").WaitAsync(TimeSpan.FromSeconds(10));
        return listeners.EnumerateArray().Single(l => l.GetProperty("name").GetString() == listener).GetProperty("rejections").GetProperty(reason).GetInt64();
    }
}

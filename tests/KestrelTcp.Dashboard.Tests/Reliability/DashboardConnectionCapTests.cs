using System.Net;
using KestrelTcp.Dashboard.Tests.Helpers;
using KestrelTcp.Server.Dashboard;
using KestrelTcp.Testing;

namespace KestrelTcp.Dashboard.Tests.Reliability;

/// <summary>Hub connections are capped per user and in all; one past a cap is refused with the limit named,
/// and a place freed by a disconnect is taken again (issue 11, item 4).</summary>
public sealed class DashboardConnectionCapTests
{
    [Fact]
    public async Task RefusesAUsersConnectionPastThePerUserCapAndAcceptsItAfterADisconnect()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["KestrelTcp:Dashboard:MaxConnectionsPerUser"] = "2",
        });
        var viewers = server.GetRequiredService<DashboardViewers>();
        await using var first = await HubProbe.ConnectAsync(server, TestRole.Viewer);
        var second = await HubProbe.ConnectAsync(server, TestRole.Viewer);

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => RawHubClient.ConnectAsync(server, TestRole.Viewer));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("KestrelTcp:Dashboard:MaxConnectionsPerUser", refused.Message, StringComparison.Ordinal);
        Assert.Contains("\"status\":429", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, viewers.Refused);

        // Another user is not held to this one's cap.
        await using var other = await HubProbe.ConnectAsync(server, TestRole.Operator);

        await second.DisposeAsync();
        await Eventually.WaitAsync(() => viewers.Count == 2, TimeSpan.FromSeconds(10), "the closed connection released");
        await using var again = await RawHubClient.ConnectAsync(server, TestRole.Viewer);
        await again.InvokeAsync(nameof(DashboardHub.Watch), "no-such-session");
        Assert.Equal(3, viewers.Count);
    }

    [Fact]
    public async Task RefusesAnyConnectionPastTheTotalCapAndAcceptsOneAfterADisconnect()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["KestrelTcp:Dashboard:MaxConnections"] = "2",
        });
        var viewers = server.GetRequiredService<DashboardViewers>();
        Assert.Equal(2, viewers.MaxConnections);
        var viewer = await HubProbe.ConnectAsync(server, TestRole.Viewer);
        await using var operatorProbe = await HubProbe.ConnectAsync(server, TestRole.Operator);

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => RawHubClient.ConnectAsync(server, TestRole.Operator));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("KestrelTcp:Dashboard:MaxConnections", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("MaxConnectionsPerUser", refused.Message, StringComparison.Ordinal);

        await viewer.DisposeAsync();
        await Eventually.WaitAsync(() => viewers.Count == 1, TimeSpan.FromSeconds(10), "the closed connection released");
        await using var again = await RawHubClient.ConnectAsync(server, TestRole.Operator);
        await again.InvokeAsync(nameof(DashboardHub.Watch), "no-such-session");
    }

    [Fact]
    public async Task ClosesAConnectionThatNegotiatedBeforeTheCapFilledWithTheReason()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["KestrelTcp:Dashboard:MaxConnectionsPerUser"] = "1",
        });

        // Both negotiate while the user has no connection; the second to connect is one too many.
        var firstToken = await RawHubClient.NegotiateAsync(server);
        var secondToken = await RawHubClient.NegotiateAsync(server);
        await using var first = await RawHubClient.OpenAsync(server, firstToken);
        await first.InvokeAsync(nameof(DashboardHub.Watch), "no-such-session");
        await using var second = await RawHubClient.OpenAsync(server, secondToken);

        await second.WaitForCloseAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("KestrelTcp:Dashboard:MaxConnectionsPerUser", second.CloseError, StringComparison.Ordinal);
        Assert.False(first.Closed);
        Assert.Equal(1, server.GetRequiredService<DashboardViewers>().Count);
    }

    [Theory]
    [InlineData("MaxViewerBacklogBytes", "1000")]
    [InlineData("MaxViewerBacklogBytes", "1000000000")]
    [InlineData("ViewerStuckTimeout", "00:00:00")]
    [InlineData("MaxConnectionsPerUser", "0")]
    [InlineData("MaxConnections", "0")]
    public async Task RefusesToStartWithAnInvalidLimit(string key, string value)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(new Dictionary<string, string?>
        {
            [$"KestrelTcp:Dashboard:{key}"] = value,
        }));

        Assert.Contains($"KestrelTcp:Dashboard:{key}", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusesToStartWithABacklogTooSmallForOneFullFrame()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["KestrelTcp:Dashboard:TrafficPreviewBytes"] = "65536",
            ["KestrelTcp:Dashboard:MaxViewerBacklogBytes"] = "65536",
        }));

        Assert.Contains("KestrelTcp:Dashboard:MaxViewerBacklogBytes must hold at least one frame", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DerivesTheTotalCapFromTheSignedInHttpShare()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["KestrelTcp:Http:MaxConnections"] = "64",
        });

        // 64 HTTP connections, 16 of them anonymous: half the 48 signed-in ones (under the cap of 32).
        Assert.Equal(24, server.GetRequiredService<DashboardViewers>().MaxConnections);
    }
}

using System.Text.Json.Serialization;
using KestrelTcp.Server.Cluster.Routing;
using KestrelTcp.Server.Dashboard;
using KestrelTcp.Server.Dashboard.Contracts;
using KestrelTcp.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelTcp.Server.Tests.Cluster;

/// <summary>The dashboard hub's send and kick travel to the owner like the API's.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DashboardRoutingTests
{
    [Fact]
    public async Task AHubSendAndKickOnOneNodeReachTheDeviceOnAnother()
    {
        await using var cluster = await ClusterHarness.StartAsync();
        await using var a = await cluster.StartNodeAsync("a");
        await using var b = await cluster.StartNodeAsync("b");
        await using var device = await b.ConnectAsync();
        var id = await b.SessionIdOfAsync(device);
        cluster.Directory.Claim("b", id);
        await using var hub = Connect(a);
        await hub.StartAsync().WaitAsync(TimeSpan.FromSeconds(20));

        var sent = await hub.InvokeAsync<CommandReply>(nameof(DashboardHub.Send), new SendCommand([id], "from the hub", null)).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal((true, 1, 0), (sent.Ok, sent.Sessions, sent.Failed));
        Assert.Equal("from the hub", await device.ReceiveLineAsync());

        var kicked = await hub.InvokeAsync<CommandReply>(nameof(DashboardHub.Kick), new KickCommand([id], "bye")).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(kicked.Ok);
        Assert.True(await device.WaitForCloseAsync());
    }

    [Fact]
    public async Task AHubSendToANodeThatIsGoneIsRefusedNamingIt()
    {
        await using var cluster = await ClusterHarness.StartAsync();
        await using var a = await cluster.StartNodeAsync("a");
        await using var onA = await a.ConnectAsync();
        var idA = await a.SessionIdOfAsync(onA);
        cluster.Directory.AddNode("gone");
        cluster.Directory.Claim("gone", "session-on-gone");
        await using var hub = Connect(a);
        await hub.StartAsync().WaitAsync(TimeSpan.FromSeconds(20));

        var only = await hub.InvokeAsync<CommandReply>(nameof(DashboardHub.Send), new SendCommand(["session-on-gone"], "x", null)).WaitAsync(TimeSpan.FromSeconds(20));
        var both = await hub.InvokeAsync<CommandReply>(nameof(DashboardHub.Send), new SendCommand([idA, "session-on-gone"], "y", null)).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.False(only.Ok);
        Assert.Contains("Node gone is not reachable", only.Error, StringComparison.Ordinal);
        Assert.Equal((true, 1, 1), (both.Ok, both.Sessions, both.Failed));
        Assert.Equal(NodeOutcomeStatus.Unreachable, Assert.Single(both.Nodes!).Status);
        Assert.Equal("y", await onA.ReceiveLineAsync());
    }

    private static HubConnection Connect(TestServer server) => new HubConnectionBuilder()
        .WithUrl(new Uri(server.HttpAddress, DashboardExtensions.HubPath.TrimStart('/')), options => options.Headers[TestServer.ApiKeyHeaderName] = server.OperatorApiKey)
        .AddJsonProtocol(json => json.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
        .Build();
}

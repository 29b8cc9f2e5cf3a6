using KestrelTcp.Server.Api;
using KestrelTcp.Server.Devices;
using KestrelTcp.Testing;
using static KestrelTcp.Server.Tests.Cluster.ClusterViewTests;
using static KestrelTcp.Server.Tests.Cluster.RemoteDrainTests;

namespace KestrelTcp.Server.Tests.Cluster;

/// <summary>
/// Issue 13 in a cluster: a device that connects through one node is listed by every node's registry,
/// online with its node and session, and offline there once it leaves, on a real redis-server.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterDeviceRegistryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static readonly Dictionary<string, string?> Identify = new()
    {
        ["KestrelTcp:Listeners:default:Identify:Pattern"] = @"^REG,(?<id>[\w-]+)",
    };

    [Fact]
    public async Task ADeviceOnOneNodeIsListedOnlineByAnotherAndOfflineWhenItLeaves()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartNodeAsync(redis, "node-a", Identify);
        await using var b = await StartNodeAsync(redis, "node-b", Identify);
        await WaitForAllUpAsync(a, b);
        using var http = a.CreateHttpClient();

        await using (var device = await b.ConnectAsync())
        {
            var sessionId = await b.SessionIdOfAsync(device);
            await device.SendLineAsync("REG,pump-12");

            // Listed (the list answers 200 while the device is not known yet), then read by id.
            await WaitForAsync(http, "/api/devices?q=pump-12", (DevicePage p) => p.Items.Any(d => d.Id == "pump-12" && d.Online), Timeout);
            var online = await WaitForAsync(http, "/api/devices/pump-12", (DeviceInfo d) => d.Online, Timeout);
            Assert.Equal("node-b", online.Node);
            Assert.Equal(sessionId, online.SessionId);
            Assert.Equal("default", online.Listener);
            Assert.Equal(device.LocalEndPoint, online.LastRemoteEndPoint);
            Assert.Equal(1, online.SessionCount);
            var page = await WaitForAsync(http, "/api/devices?online=true", (DevicePage p) => p.Total == 1, Timeout);
            Assert.Equal("pump-12", Assert.Single(page.Items).Id);
        }

        var offline = await WaitForAsync(http, "/api/devices/pump-12", (DeviceInfo d) => !d.Online, Timeout);
        Assert.Null(offline.SessionId);

        // It comes back through node a itself: one device, two sessions, now on a.
        await using var again = await a.ConnectAsync();
        await again.SendLineAsync("REG,pump-12");
        var back = await WaitForAsync(http, "/api/devices/pump-12", (DeviceInfo d) => d.Online && d.Node == "node-a", Timeout);
        Assert.Equal(2, back.SessionCount);
    }
}

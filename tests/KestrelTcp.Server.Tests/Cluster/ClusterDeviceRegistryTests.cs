using System.Net.Http.Json;
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

    [Fact]
    public async Task AnEditOnOneNodeReachesTheOthersAndANodeStartedLaterGetsItToo()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartNodeAsync(redis, "node-a", Identify);
        await using var b = await StartNodeAsync(redis, "node-b", Identify);
        await WaitForAllUpAsync(a, b);
        using var onA = a.CreateHttpClient();
        using var onB = b.CreateHttpClient();
        await using var device = await b.ConnectAsync();
        await device.SendLineAsync("REG,valve-3");
        await WaitForAsync(onA, "/api/devices?q=valve-3", (DevicePage p) => p.Items.Any(d => d.Online), Timeout);

        using (var edit = await onA.PatchAsJsonAsync("/api/devices/valve-3", new { alias = "North valve", tags = new[] { "north", "valves" }, notes = "checked 2026-12" }).WaitAsync(Timeout))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, edit.StatusCode);
        }

        var onOwner = await WaitForAsync(onB, "/api/devices/valve-3", (DeviceInfo d) => d.Alias == "North valve", Timeout);
        Assert.Equal(["north", "valves"], onOwner.Tags);
        Assert.Equal("checked 2026-12", onOwner.Notes);
        var tagged = await WaitForAsync(onB, "/api/devices?tag=north", (DevicePage p) => p.Total == 1, Timeout);
        Assert.Equal("valve-3", Assert.Single(tagged.Items).Id);

        // A node that starts now lists the device (it is live on b) with the edit kept in Redis.
        await using var c = await StartNodeAsync(redis, "node-c", Identify);
        using var onC = c.CreateHttpClient();
        var late = await WaitForAsync(onC, "/api/devices?q=valve-3", (DevicePage p) => p.Items.Any(d => d.Alias == "North valve"), Timeout);
        Assert.Equal(["north", "valves"], Assert.Single(late.Items).Tags);

        // Clearing on c clears everywhere; forgetting on a forgets everywhere.
        using (var clear = await onC.PatchAsJsonAsync("/api/devices/valve-3", new { alias = "", tags = Array.Empty<string>() }).WaitAsync(Timeout))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, clear.StatusCode);
        }

        await WaitForAsync(onA, "/api/devices?q=valve-3", (DevicePage p) => p.Items.Any(d => d.Alias is null && d.Tags.Count == 0 && d.Notes == "checked 2026-12"), Timeout);
        using (var forget = await onA.DeleteAsync("/api/devices/valve-3").WaitAsync(Timeout))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, forget.StatusCode);
        }

        await WaitForAsync(onB, "/api/devices?q=valve-3", (DevicePage p) => p.Total == 0, Timeout);
        await WaitForAsync(onC, "/api/devices?q=valve-3", (DevicePage p) => p.Total == 0, Timeout);
    }
}

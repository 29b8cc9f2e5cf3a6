using System.Net;
using System.Net.Http.Json;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Devices;
using KestrelTcp.Server.Tests.Cluster;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;
using static KestrelTcp.Server.Tests.Cluster.ClusterViewTests;
using static KestrelTcp.Server.Tests.Cluster.RemoteDrainTests;

namespace KestrelTcp.Server.Tests.Devices;

/// <summary>Devices on two clustered nodes on a real redis-server: a device live on node b is shown online
/// by node a's registry and reached by node a's sends by device and by tag.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DeviceClusterTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly Dictionary<string, string?> Identify = new() { ["KestrelTcp:Listeners:default:Identify:Pattern"] = "^ID=(?<id>.+)$" };

    [Fact]
    public async Task ADeviceLiveOnAnotherNodeIsShownOnlineThereAndReachedByDeviceAndByTag()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartNodeAsync(redis, "node-a", Identify);
        await using var b = await StartNodeAsync(redis, "node-b", Identify);
        await WaitForAllUpAsync(a, b);

        // Known to node a first (it connected there once), then live on node b.
        await using (var once = await a.ConnectAsync())
        {
            await once.SendLineAsync("ID=42");
            await DeviceServer.WaitForAsync(a, "42", d => d.Online);
        }

        await DeviceServer.WaitForAsync(a, "42", d => !d.Online);
        await using var device = await b.ConnectAsync();
        var sessionId = await b.SessionIdOfAsync(device);
        await device.SendLineAsync("ID=42");
        using var http = a.CreateHttpClient();

        var shown = await WaitForAsync(http, "/api/devices/42", (DeviceInfo d) => d.Online, Timeout);
        Assert.Equal((sessionId, "node-b"), (shown.SessionId, shown.Node));

        using var sent = await http.PostJsonAsync("/api/devices/42/send", new { text = "from a" }).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        Assert.Equal("from a", await device.ReceiveLineAsync());

        using var tagged = await http.PatchAsJsonAsync("/api/devices/42", new { tags = new[] { "fleet" } }).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.OK, tagged.StatusCode);
        using var byTag = await http.PostJsonAsync("/api/tags/fleet/send", new { text = "fleet from a" }).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.OK, byTag.StatusCode);
        Assert.Equal(1, (await byTag.ReadAsync<TagCommandResponse>()).Reached);
        Assert.Equal("fleet from a", await device.ReceiveLineAsync());
    }

    [Fact]
    public async Task MessagesQueuedOnOneNodeAreDeliveredInOrderWhenTheDeviceComesBackThroughAnother()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartNodeAsync(redis, "node-a", Identify);
        await using var b = await StartNodeAsync(redis, "node-b", Identify);
        await WaitForAllUpAsync(a, b);
        await using (var once = await a.ConnectAsync())
        {
            await once.SendLineAsync("ID=7");
            await DeviceServer.WaitForAsync(a, "7", d => d.Online);
        }

        await DeviceServer.WaitForAsync(a, "7", d => !d.Online);
        using var http = a.CreateHttpClient();
        foreach (var text in new[] { "first", "second" })
        {
            using var queued = await http.PostJsonAsync("/api/devices/7/send", new { text, queue = true }).WaitAsync(Timeout);
            Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        }

        await using var device = await b.ConnectAsync();
        await device.SendLineAsync("ID=7");

        Assert.Equal("first", await device.ReceiveLineAsync(Timeout));
        Assert.Equal("second", await device.ReceiveLineAsync(Timeout));
        var pending = a.GetRequiredService<DeviceRegistry>().Pending;
        await Eventually.WaitAsync(() => pending.CountFor("7") == 0, Timeout, "node a's queue to empty");
    }
}

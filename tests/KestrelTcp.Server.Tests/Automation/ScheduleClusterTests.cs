using KestrelTcp.Server.Cluster.Routing;
using KestrelTcp.Server.Tests.Cluster;
using KestrelTcp.Testing;
using static KestrelTcp.Server.Tests.Cluster.RemoteDrainTests;

namespace KestrelTcp.Server.Tests.Automation;

/// <summary>The same schedule defined on two nodes of one redis-server runs once per slot, not once per node.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ScheduleClusterTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AScheduleDefinedOnTwoNodesRunsOncePerSlot()
    {
        await using var redis = await RedisServer.StartAsync();
        var clock = new ScheduleTestClock(ScheduleHarness.Start);
        await using var a = await StartAsync(redis, "node-a", clock);
        await using var b = await StartAsync(redis, "node-b", clock);
        await WaitForAllUpAsync(a, b);
        await using var device = await ScheduleHarness.ConnectDeviceAsync(a, "42");

        var body = new { id = "poll", targetKind = "device", target = "42", text = "poll {counter}", kind = "every", intervalSeconds = 30 };
        var onA = await ScheduleHarness.CreateAsync(a, body);
        var onB = await ScheduleHarness.CreateAsync(b, body);
        Assert.Equal(onA.NextRunAt, onB.NextRunAt);

        for (var slot = 1; slot <= 3; slot++)
        {
            clock.Now = clock.Now.AddSeconds(30);
            var ran = await Task.WhenAll(ScheduleHarness.RunDueAsync(a, clock.Now), ScheduleHarness.RunDueAsync(b, clock.Now)).WaitAsync(Timeout);
            Assert.Equal(1, ran.Sum());
            Assert.StartsWith("poll ", await device.ReceiveLineAsync(), StringComparison.Ordinal);
            Assert.True(await device.ReceivesNothingAsync(TimeSpan.FromMilliseconds(300)));
        }

        Assert.Contains(new[] { ScheduleHarness.Get(a, "poll").LastResult, ScheduleHarness.Get(b, "poll").LastResult }, r => r!.Contains("ran on another node", StringComparison.Ordinal));
    }

    private static async Task<TestServer> StartAsync(RedisServer redis, string name, ScheduleTestClock clock)
    {
        var settings = ClusterSettings.For(redis, name, new Dictionary<string, string?> { ["KestrelTcp:Listeners:default:Identify:Pattern"] = "^ID=(?<id>.+)$" });
        settings["KestrelTcp:Cluster:CommandTimeout"] = "00:00:03";
        var server = await TestServer.StartAsync(settings, clock.Register);
        await server.GetRequiredService<CommandChannel>().Subscribed.WaitAsync(Timeout);
        return server;
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Metrics;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;
using static KestrelTcp.Server.Tests.Cluster.ClusterViewTests;
using static KestrelTcp.Server.Tests.Cluster.RemoteDrainTests;

namespace KestrelTcp.Server.Tests.Metrics;

/// <summary>
/// Two clustered nodes on a real redis-server: a send taken by node a for a device on node b is timed as a
/// routed command to node-b, and node a counts both nodes up. Read with a MeterListener kept to node a's
/// meter (its IMeterFactory is the meter's scope), since both nodes' meters live in this one process.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class ClusterMetricsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ARoutedSendIsTimedPerNodeAndTheNodesAreCountedByState()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartNodeAsync(redis, "node-a");
        await using var b = await StartNodeAsync(redis, "node-b");
        await WaitForAllUpAsync(a, b);
        await using var device = await b.ConnectAsync();
        var id = await b.SessionIdOfAsync(device);
        using var http = a.CreateHttpClient();
        await WaitForAsync(http, "/api/sessions", (SessionPage p) => p.Total == 1, Timeout);

        var scope = a.GetRequiredService<IMeterFactory>();
        var measured = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == KestrelTcpMeter.Name && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => measured.Enqueue((instrument.Name, value, Tags(tags))));
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => measured.Enqueue((instrument.Name, value, Tags(tags))));
        listener.Start();

        using var send = await http.PostJsonAsync($"/api/sessions/{id}/send", new { text = "routed" }).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.Accepted, send.StatusCode);
        Assert.Equal("routed", await device.ReceiveLineAsync());

        var routed = Assert.Single(measured, m => m.Instrument == "kestreltcp.cluster.command.duration");
        Assert.Equal("send", routed.Tags["command"]);
        Assert.Equal("node-b", routed.Tags["node"]);
        Assert.Equal("accepted", routed.Tags["result"]);
        Assert.InRange(routed.Value, 0, Timeout.TotalSeconds);
        var counted = Assert.Single(measured, m => m.Instrument == "kestreltcp.commands");
        Assert.Equal(("send", "ok"), (counted.Tags["command"], counted.Tags["result"]));

        listener.RecordObservableInstruments();
        var nodes = measured.Where(m => m.Instrument == "kestreltcp.cluster.nodes").ToDictionary(m => (string)m.Tags["state"]!, m => m.Value);
        Assert.Equal(2, nodes["up"]);
        Assert.Equal(0, nodes["down"]);
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in tags)
        {
            copy[key] = value;
        }

        return copy;
    }
}

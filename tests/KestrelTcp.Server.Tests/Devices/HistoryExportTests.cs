using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Server.Tests.Security;
using KestrelTcp.Testing;
using Xunit.Abstractions;
using static KestrelTcp.Server.Tests.Devices.HistoryHarness;

namespace KestrelTcp.Server.Tests.Devices;

/// <summary>Measures the managed heap while an export runs: alone, so other tests do not add to it.</summary>
[Collection(AloneCollection.Name)]
public sealed class HistoryExportTests(ITestOutputHelper output)
{
    private const int Frames = 100_000;

    [Fact]
    public async Task ExportingAHundredThousandFramesStreamsWithoutGrowingTheHeap()
    {
        await using var server = await TestServer.StartAsync(Identifying());
        var (client, _) = await server.ConnectDeviceAsync("exporter");
        await using (client)
        {
            for (var chunk = 0; chunk < Frames / 10_000; chunk++)
            {
                await client.SendAsync(string.Concat(Enumerable.Range(chunk * 10_000, 10_000).Select(i => $"frame {i:D6} temperature=21.5 humidity=40 battery=3.71 rssi=-71 fix=3\n")));
                await server.WaitWrittenAsync(1L + ((chunk + 1) * 10_000L));
            }
        }

        using var http = server.CreateHttpClient(TestRole.Viewer);

        // A first export warms what any response keeps once it has been used (Kestrel's memory pool, the
        // HTTP connection's buffers, compiled code), so the measured ones see only what an export holds.
        await MeasureAsync(http, "/api/devices/exporter/messages/export?format=csv", (byte)'\n');
        var csv = await MeasureAsync(http, "/api/devices/exporter/messages/export?format=csv", (byte)'\n');
        var json = await MeasureAsync(http, "/api/devices/exporter/messages/export?format=json", (byte)'{');
        output.WriteLine($"csv: {csv.Bytes} bytes, heap growth at most {csv.PeakGrowth}; json: {json.Bytes} bytes, heap growth at most {json.PeakGrowth}");

        Assert.Equal(Frames + 2, csv.Count);
        Assert.Equal(Frames + 1, json.Count);
        Assert.True(csv.Bytes > 20_000_000, $"the CSV export has {csv.Bytes} bytes");

        // A buffered export would hold the whole body (or a list of every row, larger still) at its middle;
        // a streamed one holds a few rows and buffers (0.1-0.4 MB measured, up to 5 MB on a busy machine).
        Assert.True(csv.PeakGrowth < csv.Bytes / 4, $"the heap grew by {csv.PeakGrowth} bytes during a {csv.Bytes}-byte export");
        Assert.True(json.PeakGrowth < json.Bytes / 4, $"the heap grew by {json.PeakGrowth} bytes during a {json.Bytes}-byte export");
    }

    /// <summary>Reads the export a buffer at a time, counting <paramref name="marker"/> bytes, and takes the
    /// managed heap's size (after a full collection) against its size before, four times along the way.</summary>
    private static async Task<(long Bytes, long Count, long PeakGrowth)> MeasureAsync(HttpClient http, string url, byte marker)
    {
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).Within();
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync().Within();
        var buffer = new byte[64 * 1024];
        long bytes = 0, count = 0, peak = 0, nextSample = Frames / 5;
        int read;
        while ((read = await body.ReadAsync(buffer).Within()) > 0)
        {
            bytes += read;
            count += buffer.AsSpan(0, read).Count(marker);
            if (count >= nextSample)
            {
                nextSample += Frames / 5;
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
            }
        }

        Assert.NotEqual(0, bytes);
        return (bytes, count, peak);
    }
}

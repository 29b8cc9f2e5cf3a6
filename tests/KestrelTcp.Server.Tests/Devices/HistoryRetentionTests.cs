using KestrelTcp.Server.Devices.History;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Server.Tests.Security;
using KestrelTcp.Testing;
using static KestrelTcp.Server.Tests.Devices.HistoryHarness;

namespace KestrelTcp.Server.Tests.Devices;

public sealed class HistoryRetentionTests
{
    [Fact]
    public async Task FramesOlderThanTheRetentionAreDeletedWhileTheServerRuns()
    {
        await using var server = await TestServer.StartAsync(Identifying()
            .With($"{History}:Retention", "00:00:05")
            .With($"{History}:RetentionInterval", "00:00:00.100"));
        var (client, _) = await server.ConnectDeviceAsync("aging");
        await using (client)
        {
            await client.SendLineAsync("old1");
            await client.SendLineAsync("old2");
            await server.WaitWrittenAsync(3);
            using var http = server.CreateHttpClient(TestRole.Viewer);

            var writer = server.Writer();
            await Eventually.WaitAsync(() => writer.Deleted >= 3, Wait, "the frames to age out");
            Assert.Empty((await http.MessagesAsync("aging")).Items);

            await client.SendLineAsync("fresh");
            await server.WaitWrittenAsync(4);
            Assert.Equal(["fresh"], (await http.MessagesAsync("aging")).Items.Select(m => m.Text));
        }
    }

    [Fact]
    public async Task TheOldestFramesAreDeletedUntilTheDatabaseIsUnderItsMaxBytes()
    {
        const long MaxBytes = 64 * 1024;
        await using var server = await TestServer.StartAsync(Identifying()
            .With($"{History}:MaxBytes", MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .With($"{History}:RetentionInterval", "00:00:00.100"));
        var (client, _) = await server.ConnectDeviceAsync("big");
        var written = 1L;
        await using (client)
        {
            // 1,000 frames of 400 bytes: six times the limit.
            for (var chunk = 0; chunk < 10; chunk++)
            {
                await client.SendAsync(string.Concat(Enumerable.Range(chunk * 100, 100).Select(i => $"{i:D6}{new string('x', 394)}\n")));
                written += 100;
                await server.WaitWrittenAsync(written);
            }
        }

        var writer = server.Writer();
        var runs = writer.RetentionRuns;
        await Eventually.WaitAsync(() => writer.RetentionRuns >= runs + 2, Wait, "retention to run after the last write");

        Assert.True(writer.Deleted > 0);
        Assert.InRange(writer.UsedBytes, 1, MaxBytes);
        using (var connection = server.GetRequiredService<HistoryDatabase>().OpenReader()!)
        {
            Assert.InRange(HistoryDatabase.UsedBytes(connection), 1, MaxBytes);
        }

        using var http = server.CreateHttpClient(TestRole.Viewer);
        var kept = (await http.MessagesAsync("big", "?limit=1000")).Items;
        Assert.StartsWith("000999", kept[0].Text, StringComparison.Ordinal);
        Assert.DoesNotContain(kept, m => m.Text == "ID=big");
        Assert.InRange(kept.Count, 10, 200);
    }
}

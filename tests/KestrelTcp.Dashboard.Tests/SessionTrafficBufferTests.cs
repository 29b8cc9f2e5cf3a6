using KestrelTcp.Server.Dashboard;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Dashboard.Tests;

public sealed class SessionTrafficBufferTests
{
    [Fact]
    public void KeepsTheNewestFramesAndCountsTheDroppedOnes()
    {
        var buffer = new SessionTrafficBuffer("s1", capacity: 3);
        for (var i = 0; i < 5; i++)
        {
            buffer.Add(new TrafficEvent("s1", FrameDirection.In, DateTimeOffset.UnixEpoch.AddSeconds(i), 1, [(byte)('a' + i)]));
        }

        var batch = buffer.TakeBatch(previewBytes: 16);

        Assert.Equal(["c", "d", "e"], batch.Frames.Select(f => f.Text));
        Assert.Equal(2, batch.Dropped);
        Assert.True(buffer.IsEmpty);
        Assert.Equal(0, buffer.TakeBatch(16).Dropped);
    }

    [Fact]
    public void CutsPreviewsToTheConfiguredSizeAndSaysSo()
    {
        var buffer = new SessionTrafficBuffer("s1", capacity: 10);
        buffer.Add(new TrafficEvent("s1", FrameDirection.Out, DateTimeOffset.UnixEpoch, 100, "0123456789"u8.ToArray()));

        var frame = Assert.Single(buffer.TakeBatch(previewBytes: 4).Frames);

        Assert.Equal("0123", frame.Text);
        Assert.Equal("30313233", frame.Hex);
        Assert.True(frame.Truncated);
        Assert.Equal(100, frame.Length);
    }
}

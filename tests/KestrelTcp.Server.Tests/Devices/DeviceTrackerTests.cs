using KestrelTcp.Server.Devices;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Tests.Devices;

public sealed class DeviceTrackerTests
{
    [Fact]
    public void EventsPastMaxQueuedEventsAreDroppedAndCountedWithoutWaiting()
    {
        var tracker = new DeviceTracker(Options.Create(new DevicesOptions { MaxQueuedEvents = 1024 }), TimeProvider.System, NullLogger<DeviceTracker>.Instance);

        // No writer reads: the first 1,024 are kept, the rest dropped at once (the caller is a read loop).
        for (var i = 0; i < 1100; i++)
        {
            tracker.Online(null!, $"d{i}");
        }

        Assert.Equal(76, tracker.Dropped);
        Assert.Equal(1024, tracker.Reader.Count);
        Assert.True(tracker.Reader.TryRead(out var first));
        Assert.Equal(("d0", DeviceEventKind.Online), (first.DeviceId, first.Kind));
    }
}

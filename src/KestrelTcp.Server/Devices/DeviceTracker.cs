using System.Threading.Channels;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Sessions;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Devices;

/// <summary>
/// The data path's side of the registry: each coming and going of a device is put into a bounded channel
/// and returns at once; <see cref="DeviceRegistry"/>'s one writer applies them in batches. When the writer
/// is behind and the channel is full, the event is dropped and counted (a device is never slowed).
/// </summary>
internal sealed class DeviceTracker : IDeviceObserver
{
    private readonly Channel<DeviceEvent> _events;
    private readonly int _capacity;
    private readonly TimeProvider _time;
    private readonly ILogger<DeviceTracker> _logger;
    private readonly WarningInterval _dropWarning = new(TimeSpan.FromSeconds(30));
    private long _dropped;

    public DeviceTracker(IOptions<DevicesOptions> options, TimeProvider time, ILogger<DeviceTracker> logger)
    {
        _capacity = options.Value.MaxQueuedEvents;
        _events = Channel.CreateBounded<DeviceEvent>(new BoundedChannelOptions(_capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _time = time;
        _logger = logger;
    }

    /// <summary>Events dropped because the writer was behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>What the writer reads.</summary>
    public ChannelReader<DeviceEvent> Reader => _events.Reader;

    public void Online(Session session, string deviceId) => Post(new DeviceEvent(DeviceEventKind.Online, deviceId, session, _time.GetUtcNow().ToUnixTimeMilliseconds()));

    public void Offline(Session session, string deviceId) => Post(new DeviceEvent(DeviceEventKind.Offline, deviceId, session, _time.GetUtcNow().ToUnixTimeMilliseconds()));

    /// <summary>Another node's session became the device (or was first seen as it).</summary>
    public void RemoteOnline(SessionInfo session, string deviceId) => Post(new DeviceEvent(DeviceEventKind.Online, deviceId, null, _time.GetUtcNow().ToUnixTimeMilliseconds(), session));

    /// <summary>Another node's session that was the device left (closed there, or its node went down).</summary>
    public void RemoteOffline(SessionInfo session, string deviceId) => Post(new DeviceEvent(DeviceEventKind.Offline, deviceId, null, _time.GetUtcNow().ToUnixTimeMilliseconds(), session));

    /// <summary>No more events (shutdown).</summary>
    public void Complete() => _events.Writer.TryComplete();

    private void Post(DeviceEvent change)
    {
        if (!_events.Writer.TryWrite(change))
        {
            var dropped = Interlocked.Increment(ref _dropped);
            if (_dropWarning.TryTake())
            {
                _logger.DeviceEventsDropped(_capacity, dropped);
            }
        }
    }
}

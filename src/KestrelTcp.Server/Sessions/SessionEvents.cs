using System.Threading.Channels;

namespace KestrelTcp.Server.Sessions;

/// <summary>
/// The bounded, never-blocking streams of session events and watched traffic that the dashboard
/// consumes. A session's loops only ever call <c>TryWrite</c>: when a stream is full the event is
/// dropped and counted, so a slow consumer can never slow a device.
/// </summary>
internal sealed class SessionEvents
{
    /// <summary>Capacity of the session event stream. Changed events are coalesced per session (at most
    /// one pending each), so this covers 10,000 sessions connecting and changing at once.</summary>
    public const int EventCapacity = 65_536;

    /// <summary>Capacity of the watched-traffic stream.</summary>
    public const int TrafficCapacity = 16_384;

    private readonly Channel<SessionEvent> _events;
    private readonly Channel<TrafficEvent> _traffic;
    private long _droppedEvents;
    private long _droppedTraffic;

    public SessionEvents()
    {
        // DropWrite reports success to the writer, so drops are counted in the callback.
        _events = Channel.CreateBounded<SessionEvent>(
            new BoundedChannelOptions(EventCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            _ => Interlocked.Increment(ref _droppedEvents));
        _traffic = Channel.CreateBounded<TrafficEvent>(
            new BoundedChannelOptions(TrafficCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            _ => Interlocked.Increment(ref _droppedTraffic));
    }

    public ChannelReader<SessionEvent> Events => _events.Reader;

    public ChannelReader<TrafficEvent> Traffic => _traffic.Reader;

    public long DroppedEvents => Interlocked.Read(ref _droppedEvents);

    public long DroppedTraffic => Interlocked.Read(ref _droppedTraffic);

    public void Publish(SessionEvent sessionEvent) => _events.Writer.TryWrite(sessionEvent);

    public void Publish(TrafficEvent trafficEvent) => _traffic.Writer.TryWrite(trafficEvent);
}

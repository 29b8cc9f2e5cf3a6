using System.Threading.Channels;

namespace KestrelTcp.Server.Sessions;

/// <summary>
/// The bounded, never-blocking stream of session events that the dashboard consumes. A session's
/// loops only ever call <c>TryWrite</c>: when the stream is full the event is dropped and counted, so a
/// slow consumer can never slow a device. (Watched traffic does not pass through here: the publisher
/// reads it from each watched session's ring, see <see cref="Session.WatchRing"/>.)
/// </summary>
internal sealed class SessionEvents
{
    /// <summary>Capacity of the session event stream. Changed events are coalesced per session (at most
    /// one pending each), so this covers 10,000 sessions connecting and changing at once.</summary>
    public const int EventCapacity = 65_536;

    private readonly Channel<SessionEvent> _events;
    private long _droppedEvents;

    public SessionEvents()
    {
        // DropWrite reports success to the writer, so drops are counted in the callback.
        _events = Channel.CreateBounded<SessionEvent>(
            new BoundedChannelOptions(EventCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            _ => Interlocked.Increment(ref _droppedEvents));
    }

    public ChannelReader<SessionEvent> Events => _events.Reader;

    public long DroppedEvents => Interlocked.Read(ref _droppedEvents);

    public void Publish(SessionEvent sessionEvent) => _events.Writer.TryWrite(sessionEvent);
}

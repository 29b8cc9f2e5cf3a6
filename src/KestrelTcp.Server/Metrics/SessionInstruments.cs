using System.Diagnostics.Metrics;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Metrics;

/// <summary>
/// The session figures of the <c>KestrelTcp</c> meter, all observable: each is read from a counter the
/// server keeps anyway (<see cref="Listener"/>'s totals and traffic, <see cref="SessionRegistry.CloseCounts"/>)
/// when a reader collects (a Prometheus scrape, an OTLP export), not written per frame. Per listener and
/// close reason, never per session. Cumulative figures go through a <see cref="CounterFloor"/>, so a read
/// a frame behind the previous one is not taken for a restart.
/// </summary>
internal sealed class SessionInstruments
{
    private static readonly (string Name, Func<ListenerRejections, long> Count)[] RejectionReasons =
    [
        ("connection_limit", r => r.ConnectionLimit),
        ("address_limit", r => r.AddressLimit),
        ("rate", r => r.Rate),
        ("denied", r => r.Denied),
        ("banned", r => r.Banned),
        ("untrusted_proxy", r => r.UntrustedProxy),
        ("proxy_header", r => r.ProxyHeader),
    ];

    private readonly IReadOnlyList<Listener> _listeners;
    private readonly SessionRegistry _registry;
    private readonly Dictionary<Listener, ListenerFloors> _floors = [];
    private readonly CounterFloor[] _closeFloors = [.. Enum.GetValues<CloseReason>().Select(_ => new CounterFloor())];

    public SessionInstruments(KestrelTcpMeter meter, ListenerCatalog listeners, SessionRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(listeners);
        _listeners = listeners.All;
        _registry = registry;
        foreach (var listener in _listeners)
        {
            _floors[listener] = new ListenerFloors();
        }

        var m = meter.Meter;
        m.CreateObservableUpDownCounter("kestreltcp.sessions.active", ActiveSessions, "{session}", "Live sessions.");
        m.CreateObservableGauge("kestreltcp.sessions.peak", PeakConnections, "{session}", "The most connections a listener held at once since start (sessions and those becoming one).");
        m.CreateObservableCounter("kestreltcp.sessions.opened", OpenedSessions, "{session}", "Sessions opened since start.");
        m.CreateObservableCounter("kestreltcp.sessions.closed", ClosedSessions, "{session}", "Sessions closed since start, by close reason; connections refused before they became a session count under their reason (connection_limit, refused, proxy_header).");
        m.CreateObservableCounter("kestreltcp.frames", Frames, "{frame}", "Frames received (direction=receive) and sent (direction=transmit) since start.");
        m.CreateObservableCounter("kestreltcp.io", Bytes, "By", "Bytes received (direction=receive) and sent (direction=transmit, framing included) since start.");
        m.CreateObservableUpDownCounter("kestreltcp.outbound.queued", QueuedBytes, "By", "Bytes waiting in sessions' outbound queues to be sent.");
        m.CreateObservableCounter("kestreltcp.connections.rejected", Rejections, "{connection}", "Connections refused since start, by reason: the listener's limit, admission control, the PROXY protocol gate.");
    }

    private IEnumerable<Measurement<long>> ActiveSessions()
    {
        foreach (var listener in _listeners)
        {
            yield return new Measurement<long>(listener.Sessions.Count, Tag(listener));
        }
    }

    private IEnumerable<Measurement<long>> PeakConnections()
    {
        foreach (var listener in _listeners)
        {
            yield return new Measurement<long>(listener.PeakConnections, Tag(listener));
        }
    }

    private IEnumerable<Measurement<long>> OpenedSessions()
    {
        foreach (var listener in _listeners)
        {
            yield return new Measurement<long>(listener.OpenedTotal, Tag(listener));
        }
    }

    private IEnumerable<Measurement<long>> ClosedSessions()
    {
        foreach (var (reason, count) in _registry.CloseCounts())
        {
            if (count > 0)
            {
                yield return new Measurement<long>(_closeFloors[(int)reason].Rise(count), new KeyValuePair<string, object?>(MetricTags.Reason, MetricTags.Of(reason)));
            }
        }
    }

    private IEnumerable<Measurement<long>> Frames()
    {
        foreach (var listener in _listeners)
        {
            var traffic = listener.Traffic();
            var floors = _floors[listener];
            yield return new Measurement<long>(floors.FramesIn.Rise(traffic.FramesIn), Tag(listener), Direction(MetricTags.Receive));
            yield return new Measurement<long>(floors.FramesOut.Rise(traffic.FramesOut), Tag(listener), Direction(MetricTags.Transmit));
        }
    }

    private IEnumerable<Measurement<long>> Bytes()
    {
        foreach (var listener in _listeners)
        {
            var traffic = listener.Traffic();
            var floors = _floors[listener];
            yield return new Measurement<long>(floors.BytesIn.Rise(traffic.BytesIn), Tag(listener), Direction(MetricTags.Receive));
            yield return new Measurement<long>(floors.BytesOut.Rise(traffic.BytesOut), Tag(listener), Direction(MetricTags.Transmit));
        }
    }

    private IEnumerable<Measurement<long>> QueuedBytes()
    {
        foreach (var listener in _listeners)
        {
            // The dictionary's lock-free enumerator, as Listener.Traffic walks it.
            long queued = 0;
            foreach (var (_, session) in listener.Sessions)
            {
                queued += session.QueuedBytes;
            }

            yield return new Measurement<long>(queued, Tag(listener));
        }
    }

    private IEnumerable<Measurement<long>> Rejections()
    {
        foreach (var listener in _listeners)
        {
            var rejections = listener.Rejections;
            foreach (var (name, count) in RejectionReasons)
            {
                yield return new Measurement<long>(count(rejections), Tag(listener), new KeyValuePair<string, object?>(MetricTags.Reason, name));
            }
        }
    }

    private static KeyValuePair<string, object?> Tag(Listener listener) => new(MetricTags.Listener, listener.Name);

    private static KeyValuePair<string, object?> Direction(string direction) => new(MetricTags.Direction, direction);

    private sealed class ListenerFloors
    {
        public CounterFloor FramesIn { get; } = new();

        public CounterFloor FramesOut { get; } = new();

        public CounterFloor BytesIn { get; } = new();

        public CounterFloor BytesOut { get; } = new();
    }
}

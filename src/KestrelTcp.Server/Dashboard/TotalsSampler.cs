using System.Diagnostics;
using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Dashboard.Contracts;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Dashboard;

/// <summary>
/// Samples the server's totals about once a second and keeps the last minutes for the charts. A
/// listener's cumulative traffic is what its live sessions have counted plus what its closed sessions
/// counted before they closed, so rates stay right while sessions come and go. In a cluster the session
/// counts (total and per listener) add the other nodes' sessions in the cluster view; rates and totals
/// since start stay this node's (the others' counters arrive only every few seconds). Used by the
/// publisher's loop only.
/// </summary>
internal sealed class TotalsSampler
{
    private readonly ListenerCatalog _listeners;
    private readonly SessionRegistry _registry;
    private readonly SessionEvents _events;
    private readonly IClusterView _cluster;
    private readonly Dictionary<string, int> _remoteByListener = new(StringComparer.OrdinalIgnoreCase);
    private readonly Queue<ServerTotals> _history = new();
    private readonly int _historyCapacity;
    private readonly Dictionary<string, Counters> _closed = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Counters> _previous = new(StringComparer.OrdinalIgnoreCase);
    private long _previousTimestamp;

    public TotalsSampler(ListenerCatalog listeners, SessionRegistry registry, SessionEvents events, IClusterView cluster, int historyCapacity)
    {
        _cluster = cluster;
        _listeners = listeners;
        _registry = registry;
        _events = events;
        _historyCapacity = historyCapacity;
    }

    /// <summary>Counts one sample; a browser that has seen this version has the latest totals.</summary>
    public long Version { get; private set; }

    public ServerTotals? Latest { get; private set; }

    public ServerTotals[] History() => [.. _history];

    /// <summary>Adds a closed session's final counters to its listener's closed totals.</summary>
    public void OnClosed(SessionInfo closed)
    {
        var counters = _closed.GetValueOrDefault(closed.Listener);
        _closed[closed.Listener] = counters with
        {
            Disconnects = counters.Disconnects + 1,
            FramesIn = counters.FramesIn + closed.FramesIn,
            FramesOut = counters.FramesOut + closed.FramesOut,
            BytesIn = counters.BytesIn + closed.BytesIn,
            BytesOut = counters.BytesOut + closed.BytesOut,
        };
    }

    /// <summary>Takes a sample if at least <paramref name="period"/> has passed since the previous one.</summary>
    public bool TrySample(TimeSpan period)
    {
        var now = Stopwatch.GetTimestamp();
        if (_previousTimestamp != 0 && Stopwatch.GetElapsedTime(_previousTimestamp, now) < period)
        {
            return false;
        }

        Sample(now);
        return true;
    }

    private void Sample(long now)
    {
        var seconds = _previousTimestamp == 0 ? 0 : Stopwatch.GetElapsedTime(_previousTimestamp, now).TotalSeconds;
        var remote = _cluster.Enabled ? CountRemote() : 0;
        var listeners = new ListenerTotals[_listeners.All.Count];
        var sum = new ListenerTotals(string.Empty, 0, 0, 0, 0, 0, 0, 0, ListenerRejections.None);
        for (var i = 0; i < listeners.Length; i++)
        {
            var listener = _listeners.All[i];
            var current = Cumulative(listener);
            var previous = _previous.GetValueOrDefault(listener.Name, current);
            _previous[listener.Name] = current;
            var totals = new ListenerTotals(
                listener.Name,
                listener.Sessions.Count + _remoteByListener.GetValueOrDefault(listener.Name),
                Rate(current.Connects, previous.Connects, seconds),
                Rate(current.Disconnects, previous.Disconnects, seconds),
                Rate(current.FramesIn, previous.FramesIn, seconds),
                Rate(current.FramesOut, previous.FramesOut, seconds),
                Rate(current.BytesIn, previous.BytesIn, seconds),
                Rate(current.BytesOut, previous.BytesOut, seconds),
                listener.Rejections);
            listeners[i] = totals;
            sum = sum with
            {
                Sessions = sum.Sessions + totals.Sessions,
                ConnectsPerSecond = sum.ConnectsPerSecond + totals.ConnectsPerSecond,
                DisconnectsPerSecond = sum.DisconnectsPerSecond + totals.DisconnectsPerSecond,
                FramesInPerSecond = sum.FramesInPerSecond + totals.FramesInPerSecond,
                FramesOutPerSecond = sum.FramesOutPerSecond + totals.FramesOutPerSecond,
                BytesInPerSecond = sum.BytesInPerSecond + totals.BytesInPerSecond,
                BytesOutPerSecond = sum.BytesOutPerSecond + totals.BytesOutPerSecond,
                Rejections = sum.Rejections.Plus(totals.Rejections),
            };
        }

        _previousTimestamp = now;
        var sample = new ServerTotals(
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            _registry.Count + remote,
            sum.ConnectsPerSecond,
            sum.DisconnectsPerSecond,
            sum.FramesInPerSecond,
            sum.FramesOutPerSecond,
            sum.BytesInPerSecond,
            sum.BytesOutPerSecond,
            _registry.OpenedTotal,
            _events.DroppedEvents,
            listeners);
        _history.Enqueue(sample);
        while (_history.Count > _historyCapacity)
        {
            _history.Dequeue();
        }

        Latest = sample;
        Version++;
    }

    /// <summary>Counts the other nodes' sessions, in all and per listener (into <see cref="_remoteByListener"/>).</summary>
    private int CountRemote()
    {
        _remoteByListener.Clear();
        var sessions = _cluster.RemoteSessions();
        foreach (var session in sessions)
        {
            _remoteByListener[session.Listener] = _remoteByListener.GetValueOrDefault(session.Listener) + 1;
        }

        return sessions.Count;
    }

    private Counters Cumulative(Listener listener)
    {
        var closed = _closed.GetValueOrDefault(listener.Name);
        var live = closed with { Connects = listener.AcceptedTotal };
        // Counters are read straight from each session: a snapshot per session per sample would be
        // garbage in proportion to the session count, every second.
        foreach (var session in listener.Sessions.Values)
        {
            live = live with
            {
                FramesIn = live.FramesIn + session.FramesIn,
                FramesOut = live.FramesOut + session.FramesOut,
                BytesIn = live.BytesIn + session.BytesIn,
                BytesOut = live.BytesOut + session.BytesOut,
            };
        }

        return live;
    }

    // A session that closed between removal from the registry and its Closed event can make a
    // cumulative count dip for one sample; a rate is never negative.
    private static double Rate(long current, long previous, double seconds) =>
        seconds <= 0 ? 0 : Math.Round(Math.Max(0, current - previous) / seconds, 2);

    private readonly record struct Counters(long Connects, long Disconnects, long FramesIn, long FramesOut, long BytesIn, long BytesOut);
}

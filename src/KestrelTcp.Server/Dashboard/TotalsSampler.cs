using System.Diagnostics;
using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Dashboard.Contracts;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Dashboard;

/// <summary>
/// Samples the server's totals about once a second and keeps the last minutes for the charts. Rates come
/// from each listener's cumulative traffic (<see cref="Listener.Traffic"/>: live sessions plus what closed
/// sessions had counted), so they stay right while sessions come and go. In a cluster the session counts
/// add the other nodes' sessions in the cluster view, and the rates add the rates the other nodes sent with
/// their last heartbeat (a few seconds behind this node's own); rejections and totals since start stay this
/// node's. Used by the publisher's loop only.
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
    private readonly ListenerRateSampler _rates = new();
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
        var remoteRates = _cluster.Enabled ? _cluster.RemoteRates() : null;
        var local = _rates.Sample(_listeners.All, seconds);
        var listeners = new ListenerTotals[_listeners.All.Count];
        var sum = new ListenerTotals(string.Empty, 0, 0, 0, 0, 0, 0, 0, ListenerRejections.None);
        for (var i = 0; i < listeners.Length; i++)
        {
            var listener = _listeners.All[i];
            var rates = local[i];
            if (remoteRates is not null && remoteRates.TryGetValue(listener.Name, out var others))
            {
                rates = rates.Plus(others);
            }

            var totals = new ListenerTotals(
                listener.Name,
                listener.Sessions.Count + _remoteByListener.GetValueOrDefault(listener.Name),
                rates.ConnectsPerSecond,
                rates.DisconnectsPerSecond,
                rates.FramesInPerSecond,
                rates.FramesOutPerSecond,
                rates.BytesInPerSecond,
                rates.BytesOutPerSecond,
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
}

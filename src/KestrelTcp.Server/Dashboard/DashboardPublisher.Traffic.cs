using KestrelTcp.Server.Dashboard.Contracts;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Dashboard;

internal sealed partial class DashboardPublisher
{
    private readonly Dictionary<Session, WatchedTraffic> _traffic = [];
    private readonly HashSet<Session> _watchedNow = [];
    private readonly List<Session> _unwatched = [];

    /// <summary>
    /// Sends each watched session's new frames to its group (<c>session:{id}</c>) as one batch, once the
    /// previous batch to that group has completed. The frames come from the session's watch ring, which
    /// keeps the newest <see cref="DashboardOptions.TrafficBufferFrames"/>: frames that were overwritten
    /// before a flush could take them are counted in the batch's <see cref="TrafficBatch.Dropped"/>.
    /// Only watched sessions have a ring, so nobody else's traffic is ever recorded or sent.
    /// </summary>
    private void FlushTraffic()
    {
        foreach (var viewer in _viewers.All)
        {
            viewer.CollectWatched(_watchedNow);
        }

        foreach (var session in _watchedNow)
        {
            // A session unwatched and watched again between two flushes has a new ring: start on it.
            if (session.WatchRing is { } ring && (!_traffic.TryGetValue(session, out var known) || known.Ring != ring))
            {
                _traffic[session] = new WatchedTraffic(DashboardGroups.Session(session.Id), ring);
            }
        }

        foreach (var (session, watched) in _traffic)
        {
            if (!_watchedNow.Contains(session))
            {
                _unwatched.Add(session);
            }
            else if (watched.InFlight.IsCompleted && watched.TakeBatch(session.Id, _options.TrafficBufferFrames, _options.TrafficPreviewBytes) is { } batch)
            {
                var send = _hub.Clients.Group(watched.Group).Traffic(batch);
                watched.InFlight = send.IsCompletedSuccessfully ? Task.CompletedTask : ObserveAsync(watched.Group, send);
            }
        }

        foreach (var session in _unwatched)
        {
            _traffic.Remove(session);
        }

        _unwatched.Clear();
        _watchedNow.Clear();
    }

    /// <summary>What the publisher has sent from one watched session's ring. Used by the publisher's loop only.</summary>
    private sealed class WatchedTraffic(string group, SessionHistory ring)
    {
        private long _sent;

        public string Group { get; } = group;

        public SessionHistory Ring { get; } = ring;

        /// <summary>The previous push to the session's viewers; a new one starts only when it has completed.</summary>
        public Task InFlight { get; set; } = Task.CompletedTask;

        /// <summary>The frames recorded since the last batch, at most <paramref name="limit"/> (the newest),
        /// with the count of those the ring no longer held; null when there are none.</summary>
        public TrafficBatch? TakeBatch(string sessionId, int limit, int previewBytes)
        {
            var records = Ring.Snapshot(limit, afterSequence: _sent);
            if (records.Length == 0)
            {
                return null;
            }

            var dropped = records[0].Sequence - 1 - _sent;
            _sent = records[^1].Sequence;
            var frames = new TrafficFrame[records.Length];
            for (var i = 0; i < frames.Length; i++)
            {
                frames[i] = DashboardRows.Frame(records[i], previewBytes);
            }

            return new TrafficBatch(sessionId, frames, dropped);
        }
    }
}

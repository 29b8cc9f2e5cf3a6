using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Dashboard;

/// <summary>
/// One browser connected to the dashboard hub: the sessions it watches (changed by hub calls) and what
/// the publisher owes it (used by the publisher's loop only). The publisher starts a new push to a
/// browser only when the previous one has completed; meanwhile changes collect in <see cref="Backlog"/>,
/// which holds each session at most once, so a slow browser costs bounded memory and never slows others.
/// </summary>
internal sealed class DashboardViewer
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Session> _watched = new(StringComparer.Ordinal);
    private bool _disconnected;
    private int _snapshotRequested = 1;

    public DashboardViewer(string connectionId) => ConnectionId = connectionId;

    public string ConnectionId { get; }

    /// <summary>The previous push to this browser.</summary>
    public Task InFlight { get; set; } = Task.CompletedTask;

    /// <summary>Changes this browser has not been sent yet because its previous push was still in flight.</summary>
    public SessionChangeSet Backlog { get; } = new();

    /// <summary>The <see cref="TotalsSampler.Version"/> of the totals this browser has.</summary>
    public long TotalsVersion { get; set; }

    public int WatchedCount
    {
        get
        {
            lock (_gate)
            {
                return _watched.Count;
            }
        }
    }

    /// <summary>Asks the publisher to send this browser a full snapshot next (instead of deltas).</summary>
    public void RequestSnapshot() => Volatile.Write(ref _snapshotRequested, 1);

    public bool TakeSnapshotRequest() => Interlocked.Exchange(ref _snapshotRequested, 0) == 1;

    public bool IsWatching(string sessionId)
    {
        lock (_gate)
        {
            return _watched.ContainsKey(sessionId);
        }
    }

    /// <summary>Starts watching; false when the browser already watches <paramref name="limit"/> sessions
    /// or has disconnected. Watching twice is the same as watching once. The session keeps the newest
    /// <paramref name="frames"/> frames and <paramref name="maxBytes"/> bytes (<paramref name="previewBytes"/> of each frame) for its watchers.</summary>
    public bool TryWatch(Session session, int limit, int frames, int previewBytes, int maxBytes)
    {
        lock (_gate)
        {
            if (_disconnected)
            {
                return false;
            }

            if (_watched.ContainsKey(session.Id))
            {
                return true;
            }

            if (_watched.Count >= limit)
            {
                return false;
            }

            _watched.Add(session.Id, session);
            session.AddWatcher(frames, previewBytes, maxBytes);
            return true;
        }
    }

    public bool Unwatch(string sessionId)
    {
        lock (_gate)
        {
            if (!_watched.Remove(sessionId, out var session))
            {
                return false;
            }

            session.RemoveWatcher();
            return true;
        }
    }

    /// <summary>Adds the sessions this browser watches to <paramref name="sessions"/>.</summary>
    public void CollectWatched(HashSet<Session> sessions)
    {
        lock (_gate)
        {
            foreach (var session in _watched.Values)
            {
                sessions.Add(session);
            }
        }
    }

    /// <summary>Stops watching everything, for good: the browser has gone.</summary>
    public void Disconnect()
    {
        lock (_gate)
        {
            _disconnected = true;
            foreach (var session in _watched.Values)
            {
                session.RemoveWatcher();
            }

            _watched.Clear();
        }
    }
}

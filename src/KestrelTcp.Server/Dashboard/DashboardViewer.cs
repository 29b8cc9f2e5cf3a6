using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Dashboard;

/// <summary>
/// One browser connected to the dashboard hub: the sessions it watches (changed by hub calls) and what
/// the publisher owes it (used by the publisher's loop only). The publisher starts a new push to a
/// browser only when the previous one has completed; meanwhile changes collect in <see cref="Backlog"/>,
/// which holds each session at most once, so a slow browser costs bounded memory and never slows others.
/// Watched traffic is pushed to each browser on its own (<see cref="Traffic"/>), within its backlog limit.
/// </summary>
internal sealed class DashboardViewer
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, WatchedSession> _watched = new(StringComparer.Ordinal);
    private readonly Action _abort;
    private bool _disconnected;
    private int _snapshotRequested = 1;

    public DashboardViewer(string connectionId, string user, Action abort)
    {
        ConnectionId = connectionId;
        User = user;
        _abort = abort;
    }

    public string ConnectionId { get; }

    /// <summary>Who opened the connection (the user or API key name), for the per-user cap.</summary>
    public string User { get; }

    /// <summary>The previous push to this browser.</summary>
    public Task InFlight { get; set; } = Task.CompletedTask;

    /// <summary>When (<see cref="Environment.TickCount64"/>) <see cref="InFlight"/> started.</summary>
    public long InFlightStarted { get; set; }

    /// <summary>What the publisher has pushed of this browser's watched traffic. Publisher's loop only.</summary>
    public ViewerTraffic Traffic { get; } = new();

    /// <summary>Changes this browser has not been sent yet because its previous push was still in flight.</summary>
    public SessionChangeSet Backlog { get; } = new();

    /// <summary>The <see cref="TotalsSampler.Version"/> of the totals this browser has.</summary>
    public long TotalsVersion { get; set; }

    /// <summary>The version of the cluster status this browser has (cluster only).</summary>
    public long ClusterVersion { get; set; }

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

            session.AddWatcher(frames, previewBytes, maxBytes);

            // Live frames start after what the ring holds now; the history the browser gets with the
            // watch covers those before.
            _watched.Add(session.Id, new WatchedSession(session, session.WatchRing?.Count ?? 0));
            return true;
        }
    }

    public bool Unwatch(string sessionId)
    {
        lock (_gate)
        {
            if (!_watched.Remove(sessionId, out var watched))
            {
                return false;
            }

            watched.Session.RemoveWatcher();
            return true;
        }
    }

    /// <summary>Adds the sessions this browser watches, with where their live frames start, to <paramref name="sessions"/>.</summary>
    public void CollectWatched(List<WatchedSession> sessions)
    {
        lock (_gate)
        {
            sessions.AddRange(_watched.Values);
        }
    }

    /// <summary>Closes the connection (the browser is stuck); SignalR then calls the hub's disconnect.</summary>
    public void Abort() => _abort();

    /// <summary>Stops watching everything, for good: the browser has gone.</summary>
    public void Disconnect()
    {
        lock (_gate)
        {
            _disconnected = true;
            foreach (var watched in _watched.Values)
            {
                watched.Session.RemoveWatcher();
            }

            _watched.Clear();
        }
    }
}

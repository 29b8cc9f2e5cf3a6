using System.Collections.Concurrent;
using KestrelTcp.Server.Dashboard.Contracts;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Sessions;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Dashboard;

/// <summary>
/// The browsers connected to the dashboard hub, and which sessions each one watches. Holds the
/// connection caps: at most <see cref="DashboardOptions.MaxConnectionsPerUser"/> per user (or API key)
/// and <see cref="MaxConnections"/> in all.
/// </summary>
internal sealed class DashboardViewers
{
    private readonly ConcurrentDictionary<string, DashboardViewer> _viewers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perUser = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly SessionRegistry _registry;
    private readonly DashboardOptions _options;
    private readonly ILogger<DashboardViewers> _logger;
    private readonly WarningInterval _refusalWarnings = new(TimeSpan.FromSeconds(30));
    private int _connections;
    private long _refused;
    private long _refusedSinceWarning;
    private long _droppedByGone;

    public DashboardViewers(SessionRegistry registry, IOptions<DashboardOptions> options, HttpConnectionBudget http, ILogger<DashboardViewers> logger)
    {
        _registry = registry;
        _options = options.Value;
        _logger = logger;

        // Hub connections are signed-in HTTP connections: they must leave room in that share for the
        // pages and the API.
        var signedIn = Math.Max(1, http.MaxSignedIn);
        MaxConnections = _options.MaxConnections is { } configured
            ? Math.Min(configured, signedIn)
            : Math.Clamp(signedIn / 2, 1, DashboardOptions.DefaultMaxConnections);
        if (_options.MaxConnections > signedIn)
        {
            logger.MaxConnectionsLowered(_options.MaxConnections.Value, signedIn);
        }
    }

    public ICollection<DashboardViewer> All => _viewers.Values;

    public int Count => _viewers.Count;

    /// <summary>Who a connection counts against for the per-user cap: the user or API key, by name.</summary>
    public static string UserKey(CommandActor actor) => actor.Kind + ":" + actor.Name;

    /// <summary>Hub connections allowed at once, over all users.</summary>
    public int MaxConnections { get; }

    /// <summary>Hub connections refused at a cap, since start.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Watched-traffic frames dropped for browsers that did not keep up, since start: those of the
    /// browsers connected now and of the ones gone. For metrics; it walks the viewers.</summary>
    public long DroppedFrames()
    {
        var dropped = Interlocked.Read(ref _droppedByGone);
        foreach (var (_, viewer) in _viewers)
        {
            dropped += viewer.Traffic.DroppedFrames;
        }

        return dropped;
    }

    /// <summary>Registers a browser without the caps (tests of the publisher); the publisher sends it a
    /// snapshot at its next flush.</summary>
    public DashboardViewer Connect(string connectionId, string user = "", Action? abort = null)
    {
        lock (_gate)
        {
            return _viewers.GetOrAdd(connectionId, id =>
            {
                Adjust(user, +1);
                return new DashboardViewer(id, user, abort ?? (() => { }));
            });
        }
    }

    /// <summary>Registers a browser if <paramref name="user"/> and the server are both below their cap;
    /// otherwise null, with why in <paramref name="refusal"/> (counted and logged).</summary>
    public DashboardViewer? TryConnect(string connectionId, string user, Action abort, out string? refusal)
    {
        lock (_gate)
        {
            refusal = Refusal(user);
            if (refusal is null)
            {
                Adjust(user, +1);
                var viewer = new DashboardViewer(connectionId, user, abort);
                _viewers[connectionId] = viewer;
                return viewer;
            }
        }

        OnRefused(refusal);
        return null;
    }

    /// <summary>Why a new connection of <paramref name="user"/> would be refused now, or null (checked
    /// again when it connects). A refusal is counted and logged.</summary>
    public string? CheckAdmission(string user)
    {
        string? refusal;
        lock (_gate)
        {
            refusal = Refusal(user);
        }

        if (refusal is not null)
        {
            OnRefused(refusal);
        }

        return refusal;
    }

    public void Disconnect(string connectionId)
    {
        DashboardViewer? viewer;
        lock (_gate)
        {
            if (!_viewers.TryRemove(connectionId, out viewer))
            {
                return;
            }

            Adjust(viewer.User, -1);
            Interlocked.Add(ref _droppedByGone, viewer.Traffic.DroppedFrames);
        }

        viewer.Disconnect();
    }

    public DashboardViewer? Find(string connectionId) => _viewers.GetValueOrDefault(connectionId);

    /// <summary>Starts sending a session's traffic to a browser and returns the session's recent frames.</summary>
    public WatchResult Watch(string connectionId, string? sessionId)
    {
        if (string.IsNullOrEmpty(sessionId) || !_registry.TryGet(sessionId, out var session))
        {
            return new WatchResult(false, $"No live session with id '{sessionId}'.", []);
        }

        if (Find(connectionId) is not { } viewer)
        {
            return new WatchResult(false, "This dashboard connection has closed.", []);
        }

        if (!viewer.TryWatch(session, _options.MaxWatchedSessions, _options.TrafficBufferFrames, _options.TrafficPreviewBytes, _options.TrafficBufferBytes))
        {
            return new WatchResult(false, $"A browser can watch at most {_options.MaxWatchedSessions} sessions at once; unwatch one first.", []);
        }

        // Watching starts before the history is read, so no frame falls between the two; one may be in
        // both, and the browser drops live frames older than the last one in the history.
        var history = session.History.Snapshot();
        var frames = new TrafficFrame[history.Length];
        for (var i = 0; i < history.Length; i++)
        {
            frames[i] = DashboardRows.Frame(history[i], _options.TrafficPreviewBytes);
        }

        return new WatchResult(true, null, frames);
    }

    public bool Unwatch(string connectionId, string? sessionId) =>
        sessionId is not null && Find(connectionId) is { } viewer && viewer.Unwatch(sessionId);

    private string? Refusal(string user)
    {
        if (_perUser.GetValueOrDefault(user) >= _options.MaxConnectionsPerUser)
        {
            return $"This user already has {_options.MaxConnectionsPerUser} dashboard connections open, the most allowed (KestrelTcp:Dashboard:MaxConnectionsPerUser); close another tab first.";
        }

        return _connections >= MaxConnections
            ? $"The server already has {MaxConnections} dashboard connections open, the most allowed (KestrelTcp:Dashboard:MaxConnections); try again later."
            : null;
    }

    private void Adjust(string user, int change)
    {
        _connections += change;
        var count = _perUser.GetValueOrDefault(user) + change;
        if (count <= 0)
        {
            _perUser.Remove(user);
        }
        else
        {
            _perUser[user] = count;
        }
    }

    private void OnRefused(string reason)
    {
        Interlocked.Increment(ref _refused);
        var count = Interlocked.Increment(ref _refusedSinceWarning);
        if (_refusalWarnings.TryTake())
        {
            _logger.ConnectionsRefused(reason, count);
            Interlocked.Add(ref _refusedSinceWarning, -count);
        }
    }
}

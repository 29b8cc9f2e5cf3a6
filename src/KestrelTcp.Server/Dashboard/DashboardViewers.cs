using System.Collections.Concurrent;
using KestrelTcp.Server.Dashboard.Contracts;
using KestrelTcp.Server.Sessions;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Dashboard;

/// <summary>The browsers connected to the dashboard hub, and which sessions each one watches.</summary>
internal sealed class DashboardViewers
{
    private readonly ConcurrentDictionary<string, DashboardViewer> _viewers = new(StringComparer.Ordinal);
    private readonly SessionRegistry _registry;
    private readonly DashboardOptions _options;

    public DashboardViewers(SessionRegistry registry, IOptions<DashboardOptions> options)
    {
        _registry = registry;
        _options = options.Value;
    }

    public ICollection<DashboardViewer> All => _viewers.Values;

    public int Count => _viewers.Count;

    /// <summary>Registers a browser; the publisher sends it a snapshot at its next flush.</summary>
    public DashboardViewer Connect(string connectionId) => _viewers.GetOrAdd(connectionId, id => new DashboardViewer(id));

    public void Disconnect(string connectionId)
    {
        if (_viewers.TryRemove(connectionId, out var viewer))
        {
            viewer.Disconnect();
        }
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
}

using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Dashboard.Contracts;
using KestrelTcp.Server.Sessions;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Dashboard;

/// <summary>
/// Mirrors session state into the dashboard hub. On every tick of its timer (every
/// <see cref="DashboardOptions.FlushInterval"/>) it drains the session events, coalesces them into one
/// delta (each changed session once, however many frames it moved), samples the totals about once a
/// second, and pushes to each browser whose previous push has completed; watched traffic goes to the
/// session's group (<c>DashboardPublisher.Traffic.cs</c>). Nothing here is on a session's read path: sessions
/// only write to the bounded <see cref="SessionEvents"/> stream, which never blocks them, and record
/// watched frames into their own watch ring, which this reads at flush time. In a cluster the other
/// nodes' sessions reach browsers too (<c>DashboardPublisher.Cluster.cs</c>); on a single node none of
/// that runs.
/// </summary>
internal sealed partial class DashboardPublisher : BackgroundService
{
    private static readonly TimeSpan TotalsPeriod = TimeSpan.FromSeconds(1);

    private readonly IHubContext<DashboardHub, IDashboardClient> _hub;
    private readonly DashboardViewers _viewers;
    private readonly SessionRegistry _registry;
    private readonly SessionEvents _events;
    private readonly ListenerCatalog _listeners;
    private readonly DashboardOptions _options;
    private readonly ILogger<DashboardPublisher> _logger;
    private readonly TotalsSampler _totals;
    private readonly SessionChangeSet _changes = new();
    private readonly IClusterView _cluster;
    private long _droppedEventsSeen;

    public DashboardPublisher(
        IHubContext<DashboardHub, IDashboardClient> hub,
        DashboardViewers viewers,
        SessionRegistry registry,
        SessionEvents events,
        ListenerCatalog listeners,
        IOptions<DashboardOptions> options,
        IClusterView cluster,
        ILogger<DashboardPublisher> logger)
    {
        _cluster = cluster;
        _hub = hub;
        _viewers = viewers;
        _registry = registry;
        _events = events;
        _listeners = listeners;
        _options = options.Value;
        _logger = logger;
        _totals = new TotalsSampler(listeners, registry, events, cluster, _options.TotalsHistorySeconds);
        _localNode = cluster.Enabled ? cluster.LocalNode : null;
        _remote = cluster.Enabled ? new RemoteSessionChanges(_options.MaxRemoteChanges) : null;
        _singleNode = new ClusterStatus(false, cluster.LocalNode, null, []);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.FlushInterval);
        _stopping = stoppingToken;
        if (_remote is not null)
        {
            _cluster.RemoteSessionsChanged += _remote.Add;
        }

        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    Flush();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _logger.FlushFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (_remote is not null)
            {
                _cluster.RemoteSessionsChanged -= _remote.Add;
            }
        }
    }

    /// <summary>One tick: session changes and totals to every browser that is ready, then traffic.</summary>
    internal void Flush()
    {
        DrainSessionEvents();
        var totalsChanged = _totals.TrySample(TotalsPeriod);
        if (_remote is not null)
        {
            DrainRemoteChanges(_remote);
            TakeRemoteClosed(totalsChanged);
            SampleCluster(totalsChanged);
        }

        PushToViewers(totalsChanged);
        _changes.Clear();
        FlushTraffic();
    }

    private void DrainSessionEvents()
    {
        // At most one channel's worth per tick, so sessions that publish as fast as this reads can never
        // keep the loop here; whatever is left waits for the next tick.
        var reader = _events.Events;
        for (var read = 0; read < SessionEvents.EventCapacity && reader.TryRead(out var item); read++)
        {
            var session = item.Session;
            switch (item.Kind)
            {
                case SessionEventKind.Opened:
                    _changes.Upsert(session);
                    break;
                case SessionEventKind.Changed:
                    // Acknowledge before the counters are read (in ToDelta), so a change after the
                    // read publishes a new event rather than being lost.
                    session.AcknowledgeChange();
                    _changes.Upsert(session);
                    break;
                case SessionEventKind.Closed:
                    _changes.Close(DashboardRows.Closed(session.Snapshot()));
                    break;
            }
        }

        var dropped = _events.DroppedEvents;
        if (dropped != _droppedEventsSeen)
        {
            // A dropped Changed event would leave its session's changed flag set, and that session
            // would never publish again: acknowledge every session and start every browser afresh.
            _logger.Resync(dropped - _droppedEventsSeen);
            _droppedEventsSeen = dropped;
            foreach (var session in _registry.All)
            {
                session.AcknowledgeChange();
            }

            foreach (var viewer in _viewers.All)
            {
                viewer.RequestSnapshot();
            }
        }
    }

    private void PushToViewers(bool totalsChanged)
    {
        SessionsDelta? shared = null;
        DashboardSnapshot? snapshot = null;
        foreach (var viewer in _viewers.All)
        {
            if (!viewer.InFlight.IsCompleted)
            {
                // Still sending the previous push: remember what changed, each session once. A browser
                // that stays behind through too many closes gets a snapshot instead of a long list.
                viewer.Backlog.Merge(_changes);
                if (viewer.Backlog.GoneCount > _options.BacklogClosedLimit)
                {
                    viewer.Backlog.Clear();
                    viewer.RequestSnapshot();
                }

                continue;
            }

            var client = _hub.Clients.Client(viewer.ConnectionId);
            Task? sessions = null;
            if (viewer.TakeSnapshotRequest())
            {
                viewer.Backlog.Clear();
                snapshot ??= BuildSnapshot();
                viewer.TotalsVersion = _totals.Version;
                viewer.ClusterVersion = _clusterVersion;
                sessions = client.Snapshot(snapshot);
            }
            else if (!viewer.Backlog.IsEmpty)
            {
                viewer.Backlog.Merge(_changes);
                sessions = client.SessionsChanged(viewer.Backlog.ToDelta(_localNode));
                viewer.Backlog.Clear();
            }
            else if (!_changes.IsEmpty)
            {
                shared ??= _changes.ToDelta(_localNode);
                sessions = client.SessionsChanged(shared);
            }

            Task? totals = null;
            if (totalsChanged && viewer.TotalsVersion != _totals.Version && _totals.Latest is { } latest)
            {
                viewer.TotalsVersion = _totals.Version;
                totals = client.TotalsChanged(latest);
            }

            Task? cluster = null;
            if (_clusterStatus is { } status && viewer.ClusterVersion != _clusterVersion)
            {
                viewer.ClusterVersion = _clusterVersion;
                cluster = client.ClusterChanged(status);
            }

            viewer.InFlight = Track(viewer.ConnectionId, sessions, totals, cluster);
            viewer.InFlightStarted = Environment.TickCount64;
        }
    }

    private DashboardSnapshot BuildSnapshot()
    {
        var remote = _remote is null ? [] : _cluster.RemoteSessions();
        var sessions = new List<SessionRow>(_registry.Count + remote.Count + 16);
        foreach (var session in _registry.All)
        {
            sessions.Add(DashboardRows.Row(session.Snapshot(), _localNode));
        }

        foreach (var session in remote)
        {
            sessions.Add(DashboardRows.Row(session));
        }

        var closed = _registry.RecentlyClosed();
        var shown = new ClosedSessionRow[Math.Min(closed.Length, _options.RecentlyClosedShown)];
        for (var i = 0; i < shown.Length; i++)
        {
            shown[i] = DashboardRows.Closed(closed[i], _localNode);
        }

        if (_remoteClosed.Count > 0)
        {
            shown = [.. shown.Concat(_remoteClosed).OrderByDescending(c => c.ClosedAt).Take(_options.RecentlyClosedShown)];
        }

        return new DashboardSnapshot(
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            [.. _listeners.All.Select(DashboardRows.Summary)],
            sessions,
            shown,
            _totals.History(),
            new DashboardSettings(
                (int)_options.FlushInterval.TotalMilliseconds,
                _options.TrafficPreviewBytes,
                _options.MaxWatchedSessions,
                _options.RecentlyClosedShown),
            _clusterStatus ?? _singleNode);
    }

    /// <summary>The pushes of one tick as one task, whose failure (a connection that went away) is logged, not thrown.</summary>
    private Task Track(string connectionId, Task? first, Task? second, Task? third)
    {
        var pending = (first, second, third) switch
        {
            (null, null, null) => Task.CompletedTask,
            ({ } one, null, null) => one,
            (null, { } one, null) => one,
            (null, null, { } one) => one,
            _ => Task.WhenAll(new[] { first, second, third }.OfType<Task>()),
        };
        return pending.IsCompletedSuccessfully ? Task.CompletedTask : ObserveAsync(connectionId, pending);
    }

    private async Task ObserveAsync(string connectionId, Task pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.PushFailed(connectionId, ex);
        }
    }
}

using KestrelTcp.Server.Dashboard.Contracts;

namespace KestrelTcp.Server.Dashboard;

internal sealed partial class DashboardPublisher
{
    private readonly string? _localNode;
    private readonly RemoteSessionChanges? _remote;
    private readonly ClusterStatus _singleNode;
    private Dictionary<string, string> _remoteSpare = new(StringComparer.Ordinal);
    private ClusterStatus? _clusterStatus;
    private long _clusterVersion;
    private CancellationToken _stopping;

    // The other nodes' recently closed sessions (newest first, at most RecentlyClosedShown), read from
    // Redis off this loop: at most one read in flight, started at most once a second and only when
    // sessions of other nodes left since the last one (or never read yet and a browser is there).
    private readonly List<ClosedSessionRow> _remoteClosed = [];
    private readonly HashSet<string> _remoteClosedIds = new(StringComparer.Ordinal);
    private Task<IReadOnlyList<Sessions.SessionInfo>>? _remoteClosedRead;
    private bool _remoteLeft = true;

    /// <summary>
    /// Turns the other nodes' sessions that changed since the last flush into rows (as the cluster view has
    /// them now) and removals, into this flush's changes. When more changed than
    /// <see cref="DashboardOptions.MaxRemoteChanges"/>, the ids were dropped: every browser gets a snapshot.
    /// </summary>
    private void DrainRemoteChanges(RemoteSessionChanges remote)
    {
        var taken = remote.Take(_remoteSpare, out var overflowed);
        _remoteSpare = taken;
        if (overflowed)
        {
            _logger.RemoteResync(_options.MaxRemoteChanges);
            _remoteLeft = true;
            foreach (var viewer in _viewers.All)
            {
                viewer.RequestSnapshot();
            }

            return;
        }

        if (_viewers.Count == 0)
        {
            // Nobody to tell: a browser that connects gets the whole view in its snapshot.
            return;
        }

        foreach (var (id, node) in taken)
        {
            if (_cluster.TryGetRemoteSession(id, out var session))
            {
                _changes.UpsertRemote(DashboardRows.Row(session));
            }
            else
            {
                _changes.RemoveRemote(new RemovedSessionRow(id, node));
                _remoteLeft = true;
            }
        }
    }

    /// <summary>
    /// Adds the other nodes' sessions that closed since the last read to this flush's closes (each once:
    /// browsers put them in their recently closed list, with the node and the reason), keeps the newest
    /// for snapshots, and starts the next read when one is due.
    /// </summary>
    private void TakeRemoteClosed(bool secondPassed)
    {
        if (_remoteClosedRead is { IsCompleted: true } read)
        {
            _remoteClosedRead = null;
            if (read.IsCompletedSuccessfully)
            {
                MergeRemoteClosed(read.Result);
            }
            else
            {
                _logger.RemoteClosedReadFailed(read.Exception?.GetBaseException());
                _remoteLeft = true;
            }
        }

        if (_remoteClosedRead is null && _remoteLeft && secondPassed && _viewers.Count > 0 && _options.RecentlyClosedShown > 0)
        {
            _remoteLeft = false;
            _remoteClosedRead = _cluster.RemoteClosedAsync(_options.RecentlyClosedShown, _stopping);
        }
    }

    private void MergeRemoteClosed(IReadOnlyList<Sessions.SessionInfo> newestFirst)
    {
        // Only what is new goes out, oldest first as local closes do. What is kept is the newest of all
        // ever read, so a read that comes back short (Redis down, a node forgotten) sends nothing twice.
        var added = false;
        for (var i = newestFirst.Count - 1; i >= 0; i--)
        {
            var info = newestFirst[i];
            if (_remoteClosedIds.Add(info.Id))
            {
                var row = DashboardRows.Closed(info);
                _changes.Close(row);
                _remoteClosed.Add(row);
                added = true;
            }
        }

        if (added)
        {
            _remoteClosed.Sort((x, y) => y.ClosedAt.CompareTo(x.ClosedAt));
            if (_remoteClosed.Count > _options.RecentlyClosedShown)
            {
                _remoteClosed.RemoveRange(_options.RecentlyClosedShown, _remoteClosed.Count - _options.RecentlyClosedShown);
                _remoteClosedIds.Clear();
                foreach (var row in _remoteClosed)
                {
                    _remoteClosedIds.Add(row.Id);
                }
            }
        }
    }

    /// <summary>
    /// The cluster status browsers get: the degraded state is read every flush, the node list once a
    /// second (with the totals); a new version is pushed only when either changed.
    /// </summary>
    private void SampleCluster(bool readNodes)
    {
        var degraded = _cluster.DegradedReason;
        var previous = _clusterStatus;
        if (previous is not null && !readNodes && previous.Degraded == degraded)
        {
            return;
        }

        IReadOnlyList<NodeRow> nodes = previous?.Nodes ?? [];
        if (readNodes || previous is null)
        {
            var infos = _cluster.Nodes();
            var rows = new NodeRow[infos.Count];
            for (var i = 0; i < rows.Length; i++)
            {
                rows[i] = DashboardRows.Node(infos[i]);
            }

            nodes = rows;
        }

        if (previous is not null && previous.Degraded == degraded && previous.Nodes.SequenceEqual(nodes))
        {
            return;
        }

        _clusterStatus = new ClusterStatus(true, _cluster.LocalNode, degraded, nodes);
        _clusterVersion++;
    }
}

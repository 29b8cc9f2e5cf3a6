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

using KestrelTcp.Server.Cluster;

namespace KestrelTcp.Server.Dashboard;

/// <summary>
/// In a cluster, the ids of the other nodes' sessions that changed since the publisher's last flush, each
/// once with its node, filled from <see cref="IClusterView.RemoteSessionsChanged"/> on the directory's loop
/// and taken by the publisher's. Only ids are held: the flush reads each session from the cluster view as
/// it is then (a row, or gone). Bounded by <see cref="DashboardOptions.MaxRemoteChanges"/>: past it the ids
/// are dropped and the next flush sends every browser a fresh snapshot instead.
/// </summary>
internal sealed class RemoteSessionChanges
{
    private readonly Lock _gate = new();
    private readonly int _capacity;
    private Dictionary<string, string> _pending = new(StringComparer.Ordinal);
    private bool _overflowed;

    public RemoteSessionChanges(int capacity) => _capacity = capacity;

    /// <summary>Times the bound was exceeded since start.</summary>
    public long Overflows { get; private set; }

    /// <summary>Records a change; quick, as the directory's loop requires.</summary>
    public void Add(RemoteSessionChange change)
    {
        lock (_gate)
        {
            if (_overflowed)
            {
                return;
            }

            foreach (var session in change.Upserted)
            {
                _pending[session.Id] = change.Node;
            }

            foreach (var id in change.Removed)
            {
                _pending[id] = change.Node;
            }

            if (_pending.Count > _capacity)
            {
                _overflowed = true;
                Overflows++;
                _pending.Clear();
            }
        }
    }

    /// <summary>Takes what changed (id to node), leaving <paramref name="empty"/> (cleared) to collect the
    /// next; <paramref name="overflowed"/> says the bound was exceeded and the taken set is incomplete.</summary>
    public Dictionary<string, string> Take(Dictionary<string, string> empty, out bool overflowed)
    {
        empty.Clear();
        lock (_gate)
        {
            var taken = _pending;
            _pending = empty;
            overflowed = _overflowed;
            _overflowed = false;
            return taken;
        }
    }
}

using KestrelTcp.Server.Dashboard.Contracts;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Dashboard;

/// <summary>
/// Sessions that opened or changed, and sessions that closed, since some point: the publisher's changes
/// of one flush, and each lagging browser's backlog. Holds each session once, however often it changed,
/// so its size is bounded by the number of sessions, not by the traffic. In a cluster it also holds the
/// other nodes' sessions that changed (as rows, resolved from the cluster view at flush time) and those
/// that left the view.
/// </summary>
internal sealed class SessionChangeSet
{
    private readonly Dictionary<string, Session> _upserted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ClosedSessionRow> _closed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SessionRow> _remote = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RemovedSessionRow> _removed = new(StringComparer.Ordinal);

    public bool IsEmpty => _upserted.Count == 0 && _closed.Count == 0 && _remote.Count == 0 && _removed.Count == 0;

    /// <summary>Sessions that ended or left the view: what grows with churn rather than with the sessions live.</summary>
    public int GoneCount => _closed.Count + _removed.Count;

    public void Upsert(Session session)
    {
        if (!_closed.ContainsKey(session.Id))
        {
            _upserted[session.Id] = session;
        }
    }

    public void Close(ClosedSessionRow closed)
    {
        _upserted.Remove(closed.Id);
        _closed[closed.Id] = closed;
    }

    /// <summary>A session of another node as the cluster view has it now.</summary>
    public void UpsertRemote(SessionRow row)
    {
        _removed.Remove(row.Id);
        _remote[row.Id] = row;
    }

    /// <summary>A session of another node that is no longer in the cluster view.</summary>
    public void RemoveRemote(RemovedSessionRow removed)
    {
        _remote.Remove(removed.Id);
        _removed[removed.Id] = removed;
    }

    public void Merge(SessionChangeSet other)
    {
        foreach (var closed in other._closed.Values)
        {
            Close(closed);
        }

        foreach (var session in other._upserted.Values)
        {
            Upsert(session);
        }

        // Each id is in only one of the two (the state at the flush that resolved it), and the newer wins.
        foreach (var removed in other._removed.Values)
        {
            RemoveRemote(removed);
        }

        foreach (var row in other._remote.Values)
        {
            UpsertRemote(row);
        }
    }

    /// <summary>The changes as a delta, with every changed local session's counters read now;
    /// <paramref name="localNode"/> names this node on its rows in a cluster (null on a single node).</summary>
    public SessionsDelta ToDelta(string? localNode)
    {
        var rows = new SessionRow[_upserted.Count + _remote.Count];
        var i = 0;
        foreach (var session in _upserted.Values)
        {
            rows[i++] = DashboardRows.Row(session.Snapshot(), localNode);
        }

        foreach (var row in _remote.Values)
        {
            rows[i++] = row;
        }

        return new SessionsDelta(rows, [.. _closed.Values], _removed.Count == 0 ? [] : [.. _removed.Values]);
    }

    public void Clear()
    {
        _upserted.Clear();
        _closed.Clear();
        _remote.Clear();
        _removed.Clear();
    }
}

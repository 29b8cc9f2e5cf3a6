using KestrelTcp.Server.Dashboard.Contracts;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Dashboard;

/// <summary>
/// Sessions that opened or changed, and sessions that closed, since some point: the publisher's changes
/// of one flush, and each lagging browser's backlog. Holds each session once, however often it changed,
/// so its size is bounded by the number of sessions, not by the traffic.
/// </summary>
internal sealed class SessionChangeSet
{
    private readonly Dictionary<string, Session> _upserted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ClosedSessionRow> _closed = new(StringComparer.Ordinal);

    public bool IsEmpty => _upserted.Count == 0 && _closed.Count == 0;

    public int ClosedCount => _closed.Count;

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
    }

    /// <summary>The changes as a delta, with every changed session's counters read now.</summary>
    public SessionsDelta ToDelta()
    {
        var rows = new SessionRow[_upserted.Count];
        var i = 0;
        foreach (var session in _upserted.Values)
        {
            rows[i++] = DashboardRows.Row(session.Snapshot());
        }

        return new SessionsDelta(rows, [.. _closed.Values]);
    }

    public void Clear()
    {
        _upserted.Clear();
        _closed.Clear();
    }
}

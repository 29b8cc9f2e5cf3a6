namespace KestrelTcp.Server.Sessions;

/// <summary>A bounded list of the most recently closed sessions, newest first.</summary>
internal sealed class RecentlyClosedSessions
{
    private readonly int _capacity;
    private readonly Lock _gate = new();
    private readonly LinkedList<SessionInfo> _items = new();

    public RecentlyClosedSessions(int capacity) => _capacity = capacity;

    public void Add(SessionInfo closed)
    {
        if (_capacity == 0)
        {
            return;
        }

        lock (_gate)
        {
            _items.AddFirst(closed);
            if (_items.Count > _capacity)
            {
                _items.RemoveLast();
            }
        }
    }

    public SessionInfo[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _items];
        }
    }
}

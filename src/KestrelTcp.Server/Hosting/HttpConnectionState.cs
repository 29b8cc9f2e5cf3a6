using Microsoft.AspNetCore.Connections;

namespace KestrelTcp.Server.Hosting;

/// <summary>
/// One admitted HTTP connection, as <see cref="HttpConnectionBudget"/> tracks it: anonymous (in the
/// budget's list, oldest first) until a request of it signs in, the requests it has in progress and when
/// it was last active. Set as a connection feature, so every request on the connection finds it.
/// </summary>
internal sealed class HttpConnectionState
{
    private int _inFlight;
    private long _lastActiveTicks;

    public HttpConnectionState(ConnectionContext connection, HttpConnectionBudget budget, long nowTicks)
    {
        Connection = connection;
        Budget = budget;
        _lastActiveTicks = nowTicks;
        Node = new LinkedListNode<HttpConnectionState>(this);
    }

    public ConnectionContext Connection { get; }

    public HttpConnectionBudget Budget { get; }

    /// <summary>Its place in the budget's list of anonymous connections (guarded by the budget's lock).</summary>
    public LinkedListNode<HttpConnectionState> Node { get; }

    /// <summary>Moved to the signed-in share (guarded by the budget's lock).</summary>
    public bool SignedIn { get; set; }

    /// <summary>Closed by the budget (evicted or idle too long): no longer counted (guarded by the budget's lock).</summary>
    public bool Closed { get; set; }

    /// <summary>No request in progress.</summary>
    public bool IsIdle => Volatile.Read(ref _inFlight) == 0;

    /// <summary>Environment.TickCount64 of its last request's start or end (or of its admission).</summary>
    public long LastActiveTicks => Volatile.Read(ref _lastActiveTicks);

    public void RequestStarted()
    {
        Interlocked.Increment(ref _inFlight);
        Volatile.Write(ref _lastActiveTicks, Environment.TickCount64);
    }

    public void RequestEnded()
    {
        Volatile.Write(ref _lastActiveTicks, Environment.TickCount64);
        Interlocked.Decrement(ref _inFlight);
    }
}

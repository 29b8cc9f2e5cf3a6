using Microsoft.AspNetCore.Connections;

namespace KestrelTcp.Server.Sessions;

internal sealed partial class Session
{
    private int _drainAbandoned;

    /// <summary>
    /// Gives up on a close that is still draining after <paramref name="timeout"/>: the session was
    /// closed with a drain (the client closed its side, or a framing violation, whose earlier echoes
    /// still go out) but the peer does not read what is left, so the writer waits on a flush that never
    /// completes and the session would hold its socket and queue for ever. The connection is aborted and
    /// the close detail says what was dropped. A shutdown's drain has its own deadline and is left alone.
    /// Called by the idle sweep; true the one time it aborts.
    /// </summary>
    public bool AbandonOverdueDrain(long nowTicks, TimeSpan timeout)
    {
        if (Volatile.Read(ref _drainOnClose) == 0
            || CloseReason is null or Sessions.CloseReason.ServerShutdown
            || nowTicks - Volatile.Read(ref _closedAtTicks) <= timeout.Ticks
            || Interlocked.Exchange(ref _drainAbandoned, 1) != 0)
        {
            return false;
        }

        var detail = CloseDetail;
        var dropped = $"The peer did not read what was left to send within {timeout} of the close; it was dropped ({QueuedBytes} bytes still queued).";
        Volatile.Write(ref _closeDetail, detail is null ? dropped : $"{detail} {dropped}");
        _connection.Abort(new ConnectionAbortedException("The close did not drain in time."));
        return true;
    }
}

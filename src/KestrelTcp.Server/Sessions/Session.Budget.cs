namespace KestrelTcp.Server.Sessions;

internal sealed partial class Session
{
    /// <summary>
    /// Takes enough credit from the server's outbound budget for <paramref name="queued"/> bytes beyond the
    /// free allowance, in chunks of at least <see cref="OutboundBudget.Chunk"/>; false when the budget is in
    /// use. Several producers may take credit at once; the surplus goes back when the queue runs empty.
    /// </summary>
    private bool TakeOutboundCredit(long queued)
    {
        var needed = queued - OutboundBudget.FreeBytes - Volatile.Read(ref _outboundCredit);
        if (needed <= 0)
        {
            return true;
        }

        var chunk = Math.Max(OutboundBudget.Chunk, needed);
        if (!Listener.OutboundBudget.TryReserve(chunk))
        {
            return false;
        }

        Interlocked.Add(ref _outboundCredit, chunk);
        return true;
    }

    /// <summary>Gives the credit back once the queue is empty (the writer, after a batch, and at the end).</summary>
    private void ReturnOutboundCredit()
    {
        if (Volatile.Read(ref _outboundCredit) != 0 && Interlocked.Read(ref _queuedBytes) == 0)
        {
            Listener.OutboundBudget.Release(Interlocked.Exchange(ref _outboundCredit, 0));
        }
    }
}

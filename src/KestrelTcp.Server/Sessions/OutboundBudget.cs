namespace KestrelTcp.Server.Sessions;

/// <summary>
/// The bytes all sessions together may hold in their outbound queues (<c>KestrelTcp:MaxTotalOutboundBytes</c>),
/// so that what waits for slow readers is bounded by configuration, not by how many of them there are.
/// Each session queues its first <see cref="FreeBytes"/> without asking (the echoes of a read, a reply:
/// the common case never touches this shared counter) and takes credit in chunks of at least
/// <see cref="Chunk"/> beyond that, giving all of it back when its queue runs empty. The counter may pass
/// the limit by at most one frame per thread enqueueing at that moment.
/// </summary>
internal sealed class OutboundBudget
{
    /// <summary>Queued bytes per session that need no credit. Part of the fixed per-session worst case.</summary>
    public const int FreeBytes = 4096;

    /// <summary>The smallest credit a session takes at once, so a busy queue asks rarely.</summary>
    public const int Chunk = 64 * 1024;

    private long _reserved;
    private long _refused;

    public OutboundBudget(long limit) => Limit = limit;

    /// <summary>An unlimited budget, for code that builds sessions without a server (benchmarks).</summary>
    public static OutboundBudget Unlimited { get; } = new(long.MaxValue / 2);

    public long Limit { get; }

    /// <summary>Credit held by sessions now.</summary>
    public long Reserved => Interlocked.Read(ref _reserved);

    /// <summary>Enqueues refused because the budget was in use, since start.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    public bool TryReserve(long bytes)
    {
        if (Interlocked.Add(ref _reserved, bytes) > Limit)
        {
            Interlocked.Add(ref _reserved, -bytes);
            Interlocked.Increment(ref _refused);
            return false;
        }

        return true;
    }

    public void Release(long bytes)
    {
        if (bytes != 0)
        {
            Interlocked.Add(ref _reserved, -bytes);
        }
    }
}

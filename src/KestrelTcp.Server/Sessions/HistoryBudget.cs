using KestrelTcp.Server.Hosting;

namespace KestrelTcp.Server.Sessions;

/// <summary>
/// The bytes all sessions' histories may hold together (<see cref="HistoryOptions.MaxTotalBytes"/>).
/// A history reserves its buffer's growth here, one doubling step at a time (a handful of reservations
/// in a session's life, none per frame), and gives it all back when the session closes. A step that
/// would pass the budget is refused: that history keeps the buffer it has and evicts its oldest frames
/// within it, and does not ask again until some session has given bytes back (<see cref="Generation"/>).
/// A refusal writes nothing shared (a history reports its first one, <see cref="ReportRefused"/>), so an
/// exhausted budget costs a busy session one read of shared counters per frame, not a write.
/// </summary>
internal sealed class HistoryBudget
{
    private readonly ILogger? _logger;
    private readonly WarningInterval _warnings = new(TimeSpan.FromSeconds(30));
    private long _reserved;
    private long _peak;
    private long _refused;
    private long _refusedSinceWarning;
    private long _generation;

    /// <param name="maxBytes">The bytes all histories may hold together.</param>
    /// <param name="logger">Where a refused growth is reported (at most once every 30 s); none to stay quiet.</param>
    public HistoryBudget(long maxBytes, ILogger? logger = null)
    {
        MaxBytes = maxBytes;
        _logger = logger;
    }

    /// <summary>A budget that never refuses, for rings bounded only by their own size (watch rings, benchmarks).</summary>
    public static HistoryBudget Unlimited { get; } = new(long.MaxValue);

    public long MaxBytes { get; }

    /// <summary>The bytes the histories hold now.</summary>
    public long ReservedBytes => Interlocked.Read(ref _reserved);

    /// <summary>The most <see cref="ReservedBytes"/> has been.</summary>
    public long PeakBytes => Interlocked.Read(ref _peak);

    /// <summary>Histories refused a growth step since start (each counted once): they stayed smaller than their maximum.</summary>
    public long HistoriesRefused => Interlocked.Read(ref _refused);

    /// <summary>Changes whenever bytes are given back; a refused history asks again only after it has changed.</summary>
    public long Generation => Volatile.Read(ref _generation);

    /// <summary>Takes <paramref name="bytes"/> from the budget, or nothing (and false) when that would pass it.</summary>
    public bool TryReserve(long bytes)
    {
        var reserved = Volatile.Read(ref _reserved);
        while (true)
        {
            if (reserved + bytes > MaxBytes)
            {
                return false;
            }

            var seen = Interlocked.CompareExchange(ref _reserved, reserved + bytes, reserved);
            if (seen == reserved)
            {
                RaisePeak(reserved + bytes);
                return true;
            }

            reserved = seen;
        }
    }

    public void Release(long bytes)
    {
        if (bytes > 0)
        {
            Interlocked.Add(ref _reserved, -bytes);
            Interlocked.Increment(ref _generation);
        }
    }

    private void RaisePeak(long reserved)
    {
        var peak = Volatile.Read(ref _peak);
        while (reserved > peak && Interlocked.CompareExchange(ref _peak, reserved, peak) is var seen && seen != peak)
        {
            peak = seen;
        }
    }

    /// <summary>Counts a history refused for the first time, and logs it (at most every 30 s, with the
    /// count since the last warning).</summary>
    public void ReportRefused()
    {
        Interlocked.Increment(ref _refused);
        Interlocked.Increment(ref _refusedSinceWarning);
        if (_logger is not null && _warnings.TryTake())
        {
            _logger.HistoryBudgetExhausted(MaxBytes, Interlocked.Exchange(ref _refusedSinceWarning, 0));
        }
    }
}

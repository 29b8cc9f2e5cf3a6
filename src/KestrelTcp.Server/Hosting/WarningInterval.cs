namespace KestrelTcp.Server.Hosting;

/// <summary>
/// Lets a warning that can repeat many times a second (refused connections, failing accepts) be logged
/// at most once per interval. Safe to call from any thread; exactly one caller wins each interval.
/// </summary>
internal sealed class WarningInterval(TimeSpan interval)
{
    private readonly long _intervalMilliseconds = (long)interval.TotalMilliseconds;
    private long _last = long.MinValue;

    /// <summary>True when the caller should log now (the first time, then once per interval).</summary>
    public bool TryTake()
    {
        var now = Environment.TickCount64;
        var last = Volatile.Read(ref _last);
        return (last == long.MinValue || now - last >= _intervalMilliseconds)
            && Interlocked.CompareExchange(ref _last, now, last) == last;
    }
}

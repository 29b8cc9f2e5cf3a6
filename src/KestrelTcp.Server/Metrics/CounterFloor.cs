namespace KestrelTcp.Server.Metrics;

/// <summary>
/// Keeps a cumulative figure from going down between two reads. Some totals are sums read without a
/// lock (a listener's traffic adds its live sessions' counters to what its closed ones had counted, and a
/// session can count a last frame after it left): one read may be a few frames behind the previous one.
/// A Prometheus counter that goes down reads as a restart, so a dip is reported as the previous value.
/// </summary>
internal sealed class CounterFloor
{
    private long _value;

    /// <summary>The larger of <paramref name="value"/> and every value reported before.</summary>
    public long Rise(long value)
    {
        var seen = Volatile.Read(ref _value);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref _value, value, seen);
            if (previous == seen)
            {
                return value;
            }

            seen = previous;
        }

        return seen;
    }
}

using System.Diagnostics;
using HdrHistogram;

namespace KestrelTcp.Cli.Bench;

/// <summary>
/// Round-trip latencies in nanoseconds (HdrHistogram, three significant digits, 1 µs to 60 s), recorded by
/// every connection's receive loop without a shared lock: each thread writes its own
/// <see cref="LatencyShard"/>, and the shards are merged once a second for the progress line and at the end
/// for the report.
/// </summary>
internal sealed class LatencyRecorder : IDisposable
{
    private const long Lowest = 1_000;
    private const long Highest = 60_000_000_000;
    private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    private readonly ThreadLocal<LatencyShard> _shards = new(() => new LatencyShard(Create), trackAllValues: true);
    private readonly HistogramBase _total = Create();
    private readonly HistogramBase _interval = Create();
    private volatile bool _measuring;

    /// <summary>Latencies of replies are recorded only while measuring (not during the warmup).</summary>
    public bool Measuring => _measuring;

    /// <summary>Everything measured so far, up to the last <see cref="TakeInterval"/>.</summary>
    public HistogramBase Total => _total;

    /// <summary>The calling thread's shard; a receive loop fetches it once per batch.</summary>
    public LatencyShard Shard => _shards.Value!;

    /// <summary>Converts a <see cref="Stopwatch"/> tick interval to the recorded unit (nanoseconds, clamped to the range).</summary>
    public static long ToRecorded(long stopwatchTicks) => Math.Clamp((long)(stopwatchTicks * NanosecondsPerTick), Lowest, Highest);

    /// <summary>Starts measuring, discarding whatever was recorded before.</summary>
    public void StartMeasuring()
    {
        TakeInterval();
        _total.Reset();
        _measuring = true;
    }

    /// <summary>Stops measuring; batches under way finish, and <see cref="TakeInterval"/> then collects them.</summary>
    public void StopMeasuring() => _measuring = false;

    /// <summary>The latencies recorded since the last call, also added to <see cref="Total"/>. Called by one thread.
    /// The returned histogram is reused by the next call.</summary>
    public HistogramBase TakeInterval()
    {
        _interval.Reset();
        foreach (var shard in _shards.Values)
        {
            shard.DrainInto(_interval);
        }

        _total.Add(_interval);
        return _interval;
    }

    public void Dispose() => _shards.Dispose();

    private static LongHistogram Create() => new(Lowest, Highest, 3);
}

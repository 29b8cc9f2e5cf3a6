using System.Diagnostics;
using HdrHistogram;

namespace KestrelTcp.Cli.Bench;

/// <summary>
/// Round-trip latencies in nanoseconds, recorded from every connection's receive loop at once (an
/// HdrHistogram <see cref="Recorder"/>, three significant digits, 1 µs to 60 s), read per interval for the
/// progress line and accumulated for the report.
/// </summary>
internal sealed class LatencyRecorder
{
    private const long Lowest = 1_000;
    private const long Highest = 60_000_000_000;
    private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    private readonly Recorder _recorder = HistogramFactory.With64BitBucketSize()
        .WithValuesFrom(Lowest)
        .WithValuesUpTo(Highest)
        .WithPrecisionOf(3)
        .WithThreadSafeWrites()
        .WithThreadSafeReads()
        .Create();

    private readonly HistogramBase _total = new LongHistogram(Lowest, Highest, 3);
    private volatile bool _measuring;

    /// <summary>Latencies of replies are recorded only while measuring (not during the warmup).</summary>
    public bool Measuring => _measuring;

    /// <summary>Everything measured so far.</summary>
    public HistogramBase Total => _total;

    public void Record(long stopwatchTicks)
    {
        if (!_measuring)
        {
            return;
        }

        var nanoseconds = (long)(stopwatchTicks * NanosecondsPerTick);
        _recorder.RecordValue(Math.Clamp(nanoseconds, Lowest, Highest));
    }

    /// <summary>Starts measuring, discarding whatever was recorded before.</summary>
    public void StartMeasuring()
    {
        _recorder.Reset();
        _measuring = true;
    }

    public void StopMeasuring() => _measuring = false;

    /// <summary>The latencies recorded since the last call, also added to <see cref="Total"/>. Called by one thread.</summary>
    public HistogramBase TakeInterval()
    {
        var interval = _recorder.GetIntervalHistogram();
        _total.Add(interval);
        return interval;
    }
}

using HdrHistogram;

namespace KestrelTcp.Cli.Bench;

/// <summary>
/// One thread's latencies: a pair of plain (single-writer) histograms, one being written, the other spare.
/// The owning thread brackets each batch of records with <see cref="Enter"/> and <see cref="Exit"/>, two
/// uncontended interlocked increments per batch, not per value. The reader swaps the histograms in
/// <see cref="DrainInto"/> and waits only for a batch that was already under way, so it never takes a value
/// from a histogram that is still being written, and nothing is lost or counted twice.
/// </summary>
internal sealed class LatencyShard
{
    private HistogramBase _active;
    private HistogramBase _spare;

    /// <summary>Odd while the owning thread is inside a batch.</summary>
    private long _epoch;

    public LatencyShard(Func<HistogramBase> create)
    {
        _active = create();
        _spare = create();
    }

    /// <summary>Starts a batch on the owning thread; returns the histogram to record into until <see cref="Exit"/>.</summary>
    public HistogramBase Enter()
    {
        // A full fence: the histogram read below is the one the reader left active, or the reader waits for us.
        Interlocked.Increment(ref _epoch);
        return Volatile.Read(ref _active);
    }

    /// <summary>Ends the batch started by <see cref="Enter"/>.</summary>
    public void Exit() => Interlocked.Increment(ref _epoch);

    /// <summary>Adds everything recorded since the last drain to <paramref name="target"/>. One reader at a time.</summary>
    public void DrainInto(HistogramBase target)
    {
        _spare.Reset();
        var full = Interlocked.Exchange(ref _active, _spare);

        // The exchange is a full fence, so a batch that has not entered yet will see the new histogram.
        var epoch = Volatile.Read(ref _epoch);
        if ((epoch & 1) != 0)
        {
            var spin = default(SpinWait);
            while (Volatile.Read(ref _epoch) == epoch)
            {
                spin.SpinOnce();
            }
        }

        target.Add(full);
        _spare = full;
    }
}

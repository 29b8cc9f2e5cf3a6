using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Hosting.EventLoop;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Capacity;

/// <summary>
/// Samples the rates the capacity view shows (connects per second, each event loop's load, the thread pool's
/// throughput) every <see cref="SampleInterval"/>, and moves the sessions' activity marks on every
/// <see cref="SessionActivity.MarkInterval"/>. <see cref="Current"/> adds the figures read at the moment
/// (descriptors, memory, refusals, the busiest sessions); its answer is reused for <see cref="ReuseFor"/>, so
/// however many dashboards and scripts ask, the walk over every session runs at most once a second.
/// </summary>
internal sealed class CapacityMonitor(
    ListenerCatalog catalog,
    SessionActivity activity,
    DescriptorBudget descriptors,
    HttpConnectionBudget http,
    HistoryBudget history,
    MemoryBudget memory,
    SessionTransportFactory transport,
    TimeProvider time) : BackgroundService
{
    /// <summary>How often rates are sampled.</summary>
    public static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(2);

    /// <summary>How long an answer of <see cref="Current"/> is reused.</summary>
    public static readonly TimeSpan ReuseFor = TimeSpan.FromSeconds(1);

    /// <summary>How many of the busiest sessions are listed.</summary>
    public const int BusiestCount = 10;

    private readonly Lock _gate = new();
    private readonly ListenerRateSampler _listenerRates = new();
    private Rates _rates = new(time.GetUtcNow(), [], [], new ThreadPoolUse(ThreadPool.ThreadCount, ThreadPool.PendingWorkItemCount, 0));
    private EventLoopCounters[] _previousLoops = [];
    private long _previousCompleted = ThreadPool.CompletedWorkItemCount;
    private long _previousSampleAt = time.GetTimestamp();
    private CapacityInfo? _answer;
    private long _answeredAt;

    /// <summary>The server's capacity now.</summary>
    public CapacityInfo Current()
    {
        lock (_gate)
        {
            if (_answer is not null && time.GetElapsedTime(_answeredAt) < ReuseFor)
            {
                return _answer;
            }

            var rates = _rates;
            var listeners = catalog.All;
            var capacities = new ListenerCapacity[listeners.Count];
            var refused = ListenerRejections.None;
            for (var i = 0; i < listeners.Count; i++)
            {
                var listener = listeners[i];
                var rejections = listener.Rejections;
                refused = refused.Plus(rejections);
                var connects = Array.Find(rates.Listeners, r => r.Listener == listener.Name)?.ConnectsPerSecond ?? 0;
                capacities[i] = new ListenerCapacity(listener.Name, listener.ConnectionCount, listener.Options.MaxConnections, connects, rejections);
            }

            var accepts = transport.AcceptErrors;
            _answer = new CapacityInfo(
                rates.At,
                new DescriptorUse(
                    descriptors.Limit,
                    DescriptorBudget.CountOpen(),
                    descriptors.OpenAtStart,
                    descriptors.SessionsUsed,
                    descriptors.MaxSessions,
                    http.Anonymous + http.SignedIn,
                    descriptors.MaxHttpConnections,
                    descriptors.RefusedTotal),
                new MemoryUse(
                    Environment.WorkingSet,
                    GC.GetTotalMemory(forceFullCollection: false),
                    GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
                    memory.TotalBytes,
                    catalog.OutboundBudget.Reserved,
                    catalog.OutboundBudget.Limit,
                    history.ReservedBytes,
                    history.MaxBytes),
                Math.Round(rates.Listeners.Sum(r => r.ConnectsPerSecond), 2),
                Math.Round(rates.Listeners.Sum(r => r.DisconnectsPerSecond), 2),
                capacities,
                new RejectionCounts(refused, descriptors.RefusedTotal, accepts.OutOfResources, accepts.Reset, accepts.Registration),
                activity.Busiest(BusiestCount),
                rates.Loops,
                rates.ThreadPool);
            _answeredAt = time.GetTimestamp();
            return _answer;
        }
    }

    /// <summary>Takes one sample of the rates (the loop calls it every <see cref="SampleInterval"/>).</summary>
    internal void Sample()
    {
        var now = time.GetTimestamp();
        var seconds = time.GetElapsedTime(_previousSampleAt, now).TotalSeconds;
        _previousSampleAt = now;

        var listeners = _listenerRates.Sample(catalog.All, seconds);

        var counters = transport.LoopCounters();
        var loops = new EventLoopLoad[counters.Length];
        for (var i = 0; i < counters.Length; i++)
        {
            var current = counters[i];
            var previous = i < _previousLoops.Length ? _previousLoops[i] : current;
            loops[i] = new EventLoopLoad(
                current.Index,
                seconds <= 0 ? 0 : Math.Round(Math.Clamp((current.Busy - previous.Busy).TotalSeconds / seconds * 100, 0, 100), 1),
                PerSecond(current.Wakeups - previous.Wakeups, seconds),
                PerSecond(current.Events - previous.Events, seconds),
                current.Connections);
        }

        _previousLoops = counters;
        var completed = ThreadPool.CompletedWorkItemCount;
        var pool = new ThreadPoolUse(ThreadPool.ThreadCount, ThreadPool.PendingWorkItemCount, PerSecond(completed - _previousCompleted, seconds));
        _previousCompleted = completed;
        Volatile.Write(ref _rates, new Rates(time.GetUtcNow(), listeners, loops, pool));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var samplesPerMark = Math.Max(1, (int)(SessionActivity.MarkInterval / SampleInterval));
        using var timer = new PeriodicTimer(SampleInterval, time);
        var sample = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                Sample();
                if (++sample % samplesPerMark == 0)
                {
                    activity.Mark();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static double PerSecond(long delta, double seconds) => seconds <= 0 ? 0 : Math.Round(Math.Max(0, delta) / seconds, 1);

    private sealed record Rates(DateTimeOffset At, ListenerRates[] Listeners, EventLoopLoad[] Loops, ThreadPoolUse ThreadPool);
}

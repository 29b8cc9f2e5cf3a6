using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Sessions;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Cluster;

/// <summary>
/// An operator's drain of this node, before an upgrade or a scale-down: <c>/readyz</c> answers 503 at
/// once (the balancer stops sending devices here) and new connections are refused, then the live
/// sessions are closed at <see cref="KestrelTcpOptions.DrainSessionsPerSecond"/> with reason
/// <see cref="CloseReason.Drained"/>, so that the devices reconnect elsewhere spread over time instead of
/// all in one second. A drain runs once per process; the node stays Draining until it is restarted.
/// </summary>
internal sealed class NodeDrain(SessionRegistry registry, IOptions<KestrelTcpOptions> options, IHostApplicationLifetime lifetime, ILogger<NodeDrain> logger)
{
    /// <summary>Shortest pause between two closing rounds.</summary>
    private static readonly TimeSpan MinRound = TimeSpan.FromMilliseconds(10);

    private int _started;
    private long _closed;

    public bool Started => Volatile.Read(ref _started) != 0;

    /// <summary>Sessions the drain has closed so far.</summary>
    public long Closed => Interlocked.Read(ref _closed);

    public int SessionsPerSecond => options.Value.DrainSessionsPerSecond;

    /// <summary>Starts the drain; false when it had already started.</summary>
    public bool Start(string actor)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            return false;
        }

        registry.BeginDrain();
        logger.DrainStarted(actor, registry.Count, SessionsPerSecond);
        _ = Task.Run(() => RunAsync(lifetime.ApplicationStopping));
        return true;
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var rate = SessionsPerSecond;
        // Rounds of at least 10 ms, each closing rate × round sessions (one at least).
        var round = TimeSpan.FromTicks(Math.Max(MinRound.Ticks, TimeSpan.TicksPerSecond / rate));
        var perRound = Math.Max(1, (int)(rate * round.TotalSeconds));
        using var timer = new PeriodicTimer(round);
        try
        {
            while (registry.Count > 0 && await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                var closed = 0;
                foreach (var session in registry.All)
                {
                    if (closed >= perRound)
                    {
                        break;
                    }

                    if (session.Close(CloseReason.Drained, "The node is draining; reconnect to another node."))
                    {
                        closed++;
                    }
                }

                Interlocked.Add(ref _closed, closed);
            }

            logger.DrainCompleted(Closed);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the shutdown drain closes what is left.
        }
    }
}

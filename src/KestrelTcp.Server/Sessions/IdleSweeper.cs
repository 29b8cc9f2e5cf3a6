namespace KestrelTcp.Server.Sessions;

/// <summary>
/// Closes sessions that have been silent for longer than their listener's idle timeout, and aborts
/// closed sessions whose last sends have not drained within the listener's close drain timeout (a peer
/// that half-closes and stops reading). One timer for all sessions instead of one per session: it reads
/// each session's last-activity and close stamps, which the session's own loops write.
/// </summary>
internal sealed class IdleSweeper : BackgroundService
{
    private readonly SessionRegistry _registry;
    private readonly ILogger<IdleSweeper> _logger;
    private readonly TimeSpan _period;

    public IdleSweeper(SessionRegistry registry, ListenerCatalog listeners, ILogger<IdleSweeper> logger)
    {
        _registry = registry;
        _logger = logger;
        // Sweep at a quarter of the shortest timeout (between 50 ms and 1 s), so a session closes at
        // most a quarter late.
        var shortest = listeners.All.SelectMany(l => new[] { l.Options.IdleTimeout, l.Options.CloseDrainTimeout, l.Options.Identify is { Required: true } identify ? identify.Timeout : TimeSpan.Zero }).Where(t => t > TimeSpan.Zero).DefaultIfEmpty(TimeSpan.FromSeconds(4)).Min();
        _period = TimeSpan.FromTicks(Math.Clamp(shortest.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(1).Ticks));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_period);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                Sweep(DateTime.UtcNow.Ticks);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal void Sweep(long nowTicks)
    {
        foreach (var session in _registry.All)
        {
            if (session.IsClosed)
            {
                var drainTimeout = session.Listener.Options.CloseDrainTimeout;
                if (session.AbandonOverdueDrain(nowTicks, drainTimeout))
                {
                    _logger.CloseDrainAbandoned(session.Id, drainTimeout);
                }

                continue;
            }

            if (session.CloseIfUnidentifiedTooLong(nowTicks))
            {
                continue;
            }

            var timeout = session.Listener.Options.IdleTimeout;
            if (timeout > TimeSpan.Zero && nowTicks - session.LastActivityTicks > timeout.Ticks
                && session.Close(CloseReason.IdleTimeout, $"No traffic for {timeout}."))
            {
                _logger.IdleTimeout(session.Id, timeout);
            }
        }
    }
}

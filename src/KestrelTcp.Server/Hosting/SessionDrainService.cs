using KestrelTcp.Server.Sessions;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Hosting;

/// <summary>
/// Graceful shutdown, bounded by <see cref="KestrelTcpOptions.DrainTimeout"/> from the moment the host
/// starts stopping to the last socket closed. As soon as the host starts stopping, readiness turns 503
/// and new connections are refused; then, before any hosted service (Kestrel included) stops, every
/// session flushes what is queued and closes with ServerShutdown. At
/// <see cref="GracefulPart"/> of the timeout, sessions still open are aborted and waited for, and the
/// host's own shutdown timeout (<see cref="ShutdownTimeout"/>, the same moment) makes Kestrel abort the
/// HTTP requests still running: the rest of the timeout, <see cref="AbortReserve"/>, is for the aborts.
/// </summary>
/// <remarks>
/// The drain used to wait the whole timeout before aborting, return without waiting for the aborted
/// sessions, and leave Kestrel's stop a timeout of its own (DrainTimeout + 5 s) for the HTTP side, so a
/// stop took DrainTimeout plus the aborts, or up to 5 s more with an HTTP request in flight.
/// </remarks>
internal sealed class SessionDrainService : IHostedLifecycleService
{
    /// <summary>The most kept back from the drain for aborting what is left: 1 s.</summary>
    private static readonly TimeSpan MaxAbortReserve = TimeSpan.FromSeconds(1);

    private readonly SessionRegistry _registry;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeSpan _timeout;
    private readonly ILogger<SessionDrainService> _logger;
    private CancellationTokenRegistration _stopping;

    public SessionDrainService(SessionRegistry registry, IHostApplicationLifetime lifetime, IOptions<KestrelTcpOptions> options, ILogger<SessionDrainService> logger)
    {
        _registry = registry;
        _lifetime = lifetime;
        _timeout = options.Value.DrainTimeout;
        _logger = logger;
    }

    /// <summary>The end of a drain kept for aborting stragglers and letting Kestrel close what is
    /// left: a tenth of <paramref name="drainTimeout"/>, at most <see cref="MaxAbortReserve"/>.</summary>
    public static TimeSpan AbortReserve(TimeSpan drainTimeout) =>
        drainTimeout <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Min(drainTimeout.Ticks / 10, MaxAbortReserve.Ticks));

    /// <summary>How long sessions may flush and close by themselves: the drain timeout less the abort reserve.</summary>
    public static TimeSpan GracefulPart(TimeSpan drainTimeout) => drainTimeout - AbortReserve(drainTimeout);

    /// <summary>The host's shutdown timeout (<see cref="HostOptions.ShutdownTimeout"/>): the end of the
    /// graceful part, so that Kestrel aborts HTTP requests still running then, not after the drain.</summary>
    public static TimeSpan ShutdownTimeout(TimeSpan drainTimeout) => GracefulPart(drainTimeout);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = _lifetime.ApplicationStopping.Register(static state => ((SessionRegistry)state!).BeginDrain(), _registry);
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs before every hosted service's StopAsync, so sessions drain while Kestrel still runs them.
    /// <paramref name="cancellationToken"/> is the host's: it fires at <see cref="ShutdownTimeout"/>
    /// after the stop began.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await _stopping.DisposeAsync().ConfigureAwait(false);
        _logger.DrainStarted(_registry.Count, _timeout);

        // Bounded by the host's token and by our own clock, whichever is first: a host configured with
        // a longer shutdown timeout still gets its sessions aborted in time.
        using var graceful = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        graceful.CancelAfter(GracefulPart(_timeout));
        try
        {
            await _registry.DrainAsync(graceful.Token).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException)
        {
        }

        var remaining = _registry.All.ToArray();
        _logger.DrainTimedOut(remaining.Length);
        foreach (var session in remaining)
        {
            session.Abort("The shutdown drain timed out.");
        }

        // Wait for the aborted sessions to be gone (their loops end, the handler removes them), so
        // that the drain is over when this returns, not some time after it.
        using var aborting = new CancellationTokenSource(AbortReserve(_timeout));
        try
        {
            await _registry.DrainAsync(aborting.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _logger.DrainAbortIncomplete(_registry.Count, AbortReserve(_timeout));
        }
    }
}

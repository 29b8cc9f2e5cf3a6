using KestrelTcp.Server.Sessions;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Hosting;

/// <summary>
/// Graceful shutdown. As soon as the host starts stopping, readiness turns 503 and new connections are
/// refused; then, before any hosted service (Kestrel included) stops, every session flushes what is
/// queued and closes with ServerShutdown. Sessions still open when
/// <see cref="KestrelTcpOptions.DrainTimeout"/> runs out are aborted.
/// </summary>
internal sealed class SessionDrainService : IHostedLifecycleService
{
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

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = _lifetime.ApplicationStopping.Register(static state => ((SessionRegistry)state!).BeginDrain(), _registry);
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs before every hosted service's StopAsync, so sessions drain while Kestrel still runs them.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await _stopping.DisposeAsync().ConfigureAwait(false);
        _logger.DrainStarted(_registry.Count, _timeout);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            await _registry.DrainAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            var remaining = _registry.All.ToArray();
            _logger.DrainTimedOut(remaining.Length);
            foreach (var session in remaining)
            {
                session.Abort("The shutdown drain timed out.");
            }
        }
    }
}

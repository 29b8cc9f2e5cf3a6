using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Hosting;

/// <summary>Closes anonymous HTTP connections idle for longer than
/// <see cref="HttpLimitsOptions.AnonymousIdleTimeout"/>, checking a few times per timeout.</summary>
internal sealed class HttpIdleSweeper(HttpConnectionBudget budget, IOptions<HttpLimitsOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromTicks(Math.Clamp(options.Value.AnonymousIdleTimeout.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(1).Ticks));
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                budget.CloseIdle();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

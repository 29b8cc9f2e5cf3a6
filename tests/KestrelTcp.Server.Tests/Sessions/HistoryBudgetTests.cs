using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Security;

namespace KestrelTcp.Server.Tests.Sessions;

public sealed class HistoryBudgetTests
{
    [Fact]
    public async Task ConcurrentReservationsNeverPassTheBudget()
    {
        var budget = new HistoryBudget(1000 * 1024);
        var granted = new long[4];
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                if (budget.TryReserve(1024))
                {
                    granted[w]++;
                    if (i % 3 == 0)
                    {
                        budget.Release(1024);
                        granted[w]--;
                    }
                }
            }
        }));

        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(budget.PeakBytes <= budget.MaxBytes);
        Assert.Equal(granted.Sum() * 1024, budget.ReservedBytes);
        Assert.Equal(1000 * 1024, budget.ReservedBytes);
    }

    [Fact]
    public void GivingBytesBackChangesTheGeneration()
    {
        var budget = new HistoryBudget(2048);
        Assert.True(budget.TryReserve(2048));
        var generation = budget.Generation;

        Assert.False(budget.TryReserve(1));
        Assert.Equal(generation, budget.Generation);
        budget.Release(1024);

        Assert.NotEqual(generation, budget.Generation);
        Assert.True(budget.TryReserve(1024));
        Assert.Equal(2048, budget.PeakBytes);
    }

    [Fact]
    public void ARefusedHistoryIsLoggedOnceAndTheRestCountedForTheNextWarning()
    {
        var logs = new RecordingLoggerProvider();
        var budget = new HistoryBudget(1024, logs.CreateLogger("history"));

        Assert.False(budget.TryReserve(2048));
        for (var i = 0; i < 100; i++)
        {
            budget.ReportRefused();
        }

        var warning = Assert.Single(logs.Messages);
        Assert.Contains("[118]", warning, StringComparison.Ordinal);
        Assert.Contains("budget of 1024 bytes (KestrelTcp:History:MaxTotalBytes): 1 histories", warning, StringComparison.Ordinal);
        Assert.Equal(100, budget.HistoriesRefused);
    }
}

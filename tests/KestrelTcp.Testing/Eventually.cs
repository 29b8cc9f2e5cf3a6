using System.Diagnostics;

namespace KestrelTcp.Testing;

/// <summary>
/// Waits for a condition about server state that changes asynchronously, with a hard timeout. It
/// re-checks on a short timer rather than sleeping a fixed time, so tests are as fast as the server.
/// </summary>
public static class Eventually
{
    public static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, string? because = null)
    {
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Condition not met within {timeout}{(because is null ? string.Empty : $": {because}")}.");
            }

            await timer.WaitForNextTickAsync();
        }
    }
}

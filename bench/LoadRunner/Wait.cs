namespace LoadRunner;

/// <summary>Polling for a state reached by another process (a benchmark has no events to await from it).</summary>
internal static class Wait
{
    /// <summary>Polls <paramref name="condition"/> every <paramref name="interval"/> (100 ms by default) until it
    /// holds; a refused or failed HTTP call counts as "not yet". Throws after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await HoldsAsync(condition))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}.");
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(100));
        }
    }

    private static async Task<bool> HoldsAsync(Func<Task<bool>> condition)
    {
        try
        {
            return await condition();
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}

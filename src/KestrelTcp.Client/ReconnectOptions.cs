namespace KestrelTcp.Client;

/// <summary>
/// Automatic reconnection after a connection is lost (anything but a local close). The delay before
/// attempt <c>n</c> is <c>InitialDelay × Multiplier^(n−1)</c>, capped at <see cref="MaxDelay"/>, then
/// spread by ±<see cref="Jitter"/> so that many clients dropped together do not return together.
/// </summary>
public sealed class ReconnectOptions
{
    /// <summary>Reconnect at all. Default off: a lost connection ends in <see cref="ClientState.Disconnected"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary>Delay before the first attempt. Default 200 ms: long enough not to hammer a restarting server.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest delay between attempts. Default 30 seconds.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Growth of the delay per attempt. Default 2 (exponential backoff).</summary>
    public double Multiplier { get; set; } = 2.0;

    /// <summary>Random spread of each delay as a fraction, from 0 (none) to 1. Default 0.2 (±20%).</summary>
    public double Jitter { get; set; } = 0.2;

    /// <summary>Attempts before giving up with <see cref="DisconnectReason.ReconnectFailed"/>; null (the default) tries forever.</summary>
    public int? MaxAttempts { get; set; }

    /// <summary>The delay before attempt <paramref name="attempt"/> (from 1), with jitter drawn from <paramref name="random"/>.</summary>
    public TimeSpan GetDelay(int attempt, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        ArgumentNullException.ThrowIfNull(random);
        var baseMs = InitialDelay.TotalMilliseconds * Math.Pow(Multiplier, Math.Min(attempt - 1, 64));
        var capped = Math.Min(baseMs, MaxDelay.TotalMilliseconds);
        var spread = 1 + (Jitter * ((random.NextDouble() * 2) - 1));
        return TimeSpan.FromMilliseconds(Math.Clamp(capped * spread, 0, MaxDelay.TotalMilliseconds));
    }

    internal void Validate()
    {
        if (InitialDelay < TimeSpan.Zero || MaxDelay < InitialDelay)
        {
            throw new ArgumentException($"Reconnect delays must satisfy 0 <= InitialDelay <= MaxDelay (were {InitialDelay} and {MaxDelay}).");
        }

        if (Multiplier < 1 || double.IsNaN(Multiplier))
        {
            throw new ArgumentException($"Reconnect.Multiplier must be 1 or more (was {Multiplier}).");
        }

        if (Jitter is < 0 or > 1 || double.IsNaN(Jitter))
        {
            throw new ArgumentException($"Reconnect.Jitter must be between 0 and 1 (was {Jitter}).");
        }

        if (MaxAttempts is < 1)
        {
            throw new ArgumentException($"Reconnect.MaxAttempts must be 1 or more, or null for no limit (was {MaxAttempts}).");
        }
    }
}

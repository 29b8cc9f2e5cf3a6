namespace KestrelTcp.Server.Security;

/// <summary>
/// Limits on failed sign-ins, configured under <c>KestrelTcp:Security:Lockout</c>. With the defaults,
/// five failures for one user name within five minutes lock that name for ten minutes: slow enough to
/// make guessing a password hopeless, short enough that a locked-out operator is not stuck for long.
/// The same limits apply to invalid API keys, counted per source address.
/// </summary>
public sealed class LockoutOptions
{
    /// <summary>Failures within <see cref="Window"/> that lock the user. Default 5.</summary>
    public int MaxFailures { get; set; } = 5;

    /// <summary>How far back failures are counted. Default 5 minutes.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a lock lasts. Default 10 minutes.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(10);
}

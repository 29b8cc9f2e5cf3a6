namespace KestrelTcp.Server.Security;

/// <summary>
/// Limits on failed sign-ins, configured under <c>KestrelTcp:Security:Lockout</c>. With the defaults,
/// five failures for one user name within five minutes lock that name for ten minutes: slow enough to
/// make guessing a password hopeless, short enough that a locked-out operator is not stuck for long.
/// The same limits apply to invalid API keys, counted per source address. Failures are also counted per
/// source address across user names (<see cref="MaxFailuresPerAddress"/>), and at most
/// <see cref="MaxConcurrentVerifications"/> password hashes are checked at once, so a flood of sign-ins
/// with made-up names cannot keep the cores busy hashing while devices wait.
/// </summary>
public sealed class LockoutOptions
{
    /// <summary>Failures within <see cref="Window"/> that lock the user. Default 5.</summary>
    public int MaxFailures { get; set; } = 5;

    /// <summary>How far back failures are counted. Default 5 minutes.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a lock lasts. Default 10 minutes.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Failed sign-ins from one source address, across all user names, within <see cref="Window"/>
    /// that lock the address for <see cref="Duration"/>. Default 20: room for a few people behind one NAT
    /// mistyping, while a flood of fresh names from one address costs at most 20 password hashes per
    /// window. Only failures count (a successful sign-in neither counts nor resets the count). While the
    /// address is locked every sign-in from it is refused without checking the password, a right one
    /// included: telling a right password from a wrong one needs the very hash the lock saves.</summary>
    public int MaxFailuresPerAddress { get; set; } = 20;

    /// <summary>Password hashes verified at the same time, process-wide. Default half the processor count
    /// (at least 1): a sign-in flood from many addresses can never take every core from the devices.</summary>
    public int MaxConcurrentVerifications { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>How long a sign-in waits for a free verification slot before it is refused with 429 and
    /// Retry-After. Default 2 seconds: a check takes a few hundred milliseconds, so only a flood waits
    /// this long; 0 refuses at once when every slot is busy.</summary>
    public TimeSpan VerificationWait { get; set; } = TimeSpan.FromSeconds(2);
}

namespace KestrelTcp.Server.Security;

/// <summary>
/// Failures and locks that every node of a cluster sees, so that five wrong passwords spread over two
/// nodes lock the name on both (the Redis one lives under <c>Cluster/</c>; a single node has none and
/// <see cref="FailureThrottle"/> counts in memory only). Each call answers within the implementation's
/// own bound, or says it could not (<see cref="SharedFailureState.Answered"/> false): then the throttle
/// goes on with what this process counted, which is never less strict than nothing.
/// Keys are the throttle's own (<c>user:{name}</c>, <c>addr:{address}</c>, <c>apikey:{address}</c>),
/// case-insensitive; times come from the throttle's <see cref="TimeProvider"/>.
/// </summary>
internal interface ISharedFailureStore
{
    /// <summary>Whether <paramref name="key"/> is locked (its <see cref="SharedFailureState.LockedUntil"/>).</summary>
    ValueTask<SharedFailureState> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Counts a failure of <paramref name="key"/> at <paramref name="now"/> among those of the last
    /// <paramref name="window"/>; when they reach <paramref name="maxFailures"/>, or when
    /// <paramref name="lockNow"/> (this process locked it on its own count), locks the key until
    /// <paramref name="now"/> + <paramref name="duration"/> and forgets its failures. A key already locked
    /// is not counted; its lock is returned.
    /// </summary>
    ValueTask<SharedFailureState> RecordFailureAsync(string key, DateTimeOffset now, int maxFailures, TimeSpan window, TimeSpan duration, bool lockNow, CancellationToken cancellationToken);

    /// <summary>Forgets the failures of <paramref name="key"/> (after a successful sign-in); a lock stays.</summary>
    ValueTask ResetAsync(string key, CancellationToken cancellationToken);
}

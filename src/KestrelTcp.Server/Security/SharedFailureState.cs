namespace KestrelTcp.Server.Security;

/// <summary>What an <see cref="ISharedFailureStore"/> said about a key.</summary>
/// <param name="Answered">False when the store could not answer in time (Redis down or slow): the caller
/// decides on its own count alone.</param>
/// <param name="Failures">Failures within the window after a recorded one (0 for a look-up, or once locked).</param>
/// <param name="LockedUntil">When the key's lock ends, if it has one (possibly already past).</param>
internal readonly record struct SharedFailureState(bool Answered, int Failures, DateTimeOffset? LockedUntil)
{
    /// <summary>The store did not answer.</summary>
    public static SharedFailureState Unanswered => default;
}

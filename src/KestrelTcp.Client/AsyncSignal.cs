namespace KestrelTcp.Client;

/// <summary>
/// Wakes everyone waiting for "something changed". A waiter takes <see cref="Task"/> first, then checks
/// its condition, then waits: a <see cref="Pulse"/> between the check and the wait is never lost.
/// Continuations run asynchronously, so pulsing under a lock never runs a waiter's code there.
/// </summary>
internal sealed class AsyncSignal
{
    private TaskCompletionSource _current = NewSource();

    /// <summary>Completes on the next <see cref="Pulse"/>.</summary>
    public Task Task => Volatile.Read(ref _current).Task;

    public void Pulse() => Interlocked.Exchange(ref _current, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

namespace KestrelTcp.Client;

/// <summary>
/// Wakes everyone waiting for "something changed". A waiter takes <see cref="Task"/> first, then checks
/// its condition, then waits: a <see cref="Pulse"/> between the check and the wait is never lost.
/// Continuations run asynchronously, so pulsing under a lock never runs a waiter's code there, and a thread
/// blocked in <see cref="Task.Wait(int)"/> is woken without needing a thread-pool thread.
/// </summary>
internal sealed class AsyncSignal
{
    private TaskCompletionSource _current = NewSource();
    private int _waiters;

    /// <summary>Completes on the next <see cref="Pulse"/>.</summary>
    public Task Task => Volatile.Read(ref _current).Task;

    public void Pulse() => Interlocked.Exchange(ref _current, NewSource()).TrySetResult();

    /// <summary>
    /// Pulses only when a waiter has <see cref="Register"/>ed: a hot path (a socket write) then costs no
    /// allocation. The state change must be published (with an interlocked write) before this is called.
    /// </summary>
    public void PulseIfWaited()
    {
        if (Volatile.Read(ref _waiters) > 0)
        {
            Pulse();
        }
    }

    /// <summary>Announces a waiter until the returned scope is disposed; register before checking the condition.</summary>
    public WaiterScope Register()
    {
        Interlocked.Increment(ref _waiters);
        return new WaiterScope(this);
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Ends a registration made with <see cref="Register"/>.</summary>
    internal readonly struct WaiterScope : IDisposable
    {
        private readonly AsyncSignal _signal;

        public WaiterScope(AsyncSignal signal) => _signal = signal;

        public void Dispose() => Interlocked.Decrement(ref _signal._waiters);
    }
}

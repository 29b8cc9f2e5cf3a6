namespace KestrelTcp.Client.Tests.Helpers;

/// <summary>The bound on every await in these tests: a broken client fails a test instead of hanging it.</summary>
public static class Wait
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(Timeout);

    public static Task Within(this Task task) => task.WaitAsync(Timeout);

    public static Task<T> Within<T>(this ValueTask<T> task) => task.AsTask().WaitAsync(Timeout);

    public static Task Within(this ValueTask task) => task.AsTask().WaitAsync(Timeout);

    /// <summary>
    /// Runs blocking client calls on a dedicated thread, not a pool thread: tests that block must not starve
    /// the thread pool the client's own loops (and the server in the same process) run on.
    /// </summary>
    public static Task<T> OnOwnThread<T>(Func<T> blocking)
    {
        var done = Source<T>();
        var thread = new Thread(() =>
        {
            try
            {
                done.TrySetResult(blocking());
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        })
        { IsBackground = true, Name = "blocking test call" };
        thread.Start();
        return done.Task.WaitAsync(Timeout);
    }

    public static Task OnOwnThread(Action blocking) => OnOwnThread(() =>
    {
        blocking();
        return true;
    });

    public static TaskCompletionSource<T> Source<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

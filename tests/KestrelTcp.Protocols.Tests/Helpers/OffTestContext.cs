namespace KestrelTcp.Protocols.Tests.Helpers;

/// <summary>
/// Runs pipe code off xunit's synchronization context. Under a synchronization context the runtime
/// never inlines a <c>Task</c> continuation (it queues it to the thread pool instead), so a reader
/// resumed by a flush would finish at some later moment; without one, inline pipe schedulers run the
/// reader inside the flush and every run interleaves the same way, as a Kestrel connection (which
/// has no synchronization context) would.
/// </summary>
internal static class OffTestContext
{
    public static Task RunAsync(Func<Task> body) => Task.Run(body);

    public static Task<T> RunAsync<T>(Func<Task<T>> body) => Task.Run(body);
}

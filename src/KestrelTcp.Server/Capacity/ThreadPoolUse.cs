namespace KestrelTcp.Server.Capacity;

/// <summary>The .NET thread pool: a queue that grows means work waits for a thread.</summary>
/// <param name="Threads">Thread-pool threads now.</param>
/// <param name="QueuedWorkItems">Work items waiting for a thread now.</param>
/// <param name="CompletedPerSecond">Work items completed per second over the last sample interval.</param>
public sealed record ThreadPoolUse(int Threads, long QueuedWorkItems, double CompletedPerSecond);

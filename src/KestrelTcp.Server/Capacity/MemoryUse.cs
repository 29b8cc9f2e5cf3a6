namespace KestrelTcp.Server.Capacity;

/// <summary>The process's memory against what its configuration bounds it to.</summary>
/// <param name="WorkingSetBytes">Resident memory now.</param>
/// <param name="ManagedHeapBytes">Bytes in use on the managed heap (without forcing a collection).</param>
/// <param name="AvailableBytes">The memory the runtime may use: the container's limit when there is one, else the machine's.</param>
/// <param name="WorstCaseBytes">The most the server's connections can make it hold with its configured bounds (printed at start).</param>
/// <param name="OutboundQueuedBytes">Bytes waiting in the sessions' outbound queues now.</param>
/// <param name="OutboundLimitBytes">The most they may hold together (<c>KestrelTcp:MaxTotalOutboundBytes</c>).</param>
/// <param name="HistoryBytes">Bytes the sessions' histories hold now.</param>
/// <param name="HistoryLimitBytes">The most they may hold together (<c>KestrelTcp:History:MaxTotalBytes</c>).</param>
public sealed record MemoryUse(
    long WorkingSetBytes,
    long ManagedHeapBytes,
    long AvailableBytes,
    long WorstCaseBytes,
    long OutboundQueuedBytes,
    long OutboundLimitBytes,
    long HistoryBytes,
    long HistoryLimitBytes);

namespace KestrelTcp.Server.Api;

/// <summary>The server process at a glance: what an operator checks first when something looks slow.</summary>
/// <param name="Version">The server's version.</param>
/// <param name="StartedAt">When the process started.</param>
/// <param name="Sessions">Live sessions across all listeners.</param>
/// <param name="OpenedTotal">Sessions opened since start.</param>
/// <param name="WorkingSetBytes">Resident memory of the process.</param>
/// <param name="ManagedHeapBytes">Bytes in use on the managed heap (without forcing a collection).</param>
/// <param name="HeapAfterLastGcBytes">Managed heap size right after the last garbage collection.</param>
/// <param name="Gen0Collections">Generation 0 collections since start.</param>
/// <param name="Gen2Collections">Full (generation 2) collections since start.</param>
/// <param name="ThreadCount">Threads in the process.</param>
/// <param name="Draining">Whether shutdown has started.</param>
/// <param name="HistoryBytes">Bytes the sessions' histories hold now (their ring buffers).</param>
/// <param name="HistoryBudgetBytes">The most they may hold together (<c>KestrelTcp:History:MaxTotalBytes</c>).</param>
/// <param name="HistoriesRefused">Sessions whose history could not grow because the budget was spent, since start.</param>
/// <param name="HistoryFramesQueued">Device frames waiting for the durable history's writer.</param>
/// <param name="HistoryFramesWritten">Device frames written to the durable history since start.</param>
/// <param name="HistoryFramesDropped">Device frames dropped from the durable history since start, because its writer fell behind (the queue was full) or a batch could not be written.</param>
/// <param name="HistoryDatabaseBytes">Bytes the durable history's database used at its last retention pass.</param>
/// <param name="Capacity">How close the server is to its bounds and where its load comes from (the dashboard's Capacity tab).</param>
public sealed record ServerInfo(
    string Version,
    DateTimeOffset StartedAt,
    int Sessions,
    long OpenedTotal,
    long WorkingSetBytes,
    long ManagedHeapBytes,
    long HeapAfterLastGcBytes,
    int Gen0Collections,
    int Gen2Collections,
    int ThreadCount,
    bool Draining,
    long HistoryBytes,
    long HistoryBudgetBytes,
    long HistoriesRefused,
    long HistoryFramesQueued = 0,
    long HistoryFramesWritten = 0,
    long HistoryFramesDropped = 0,
    long HistoryDatabaseBytes = 0,
    Capacity.CapacityInfo? Capacity = null);

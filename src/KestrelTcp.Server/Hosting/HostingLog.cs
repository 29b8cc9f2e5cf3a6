namespace KestrelTcp.Server.Hosting;

/// <summary>Log messages of hosting (worst-case memory, shutdown drain). Event ids 190-199.</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 190, EventName = "DrainAbortIncomplete", Level = LogLevel.Warning,
        Message = "{Count} aborted sessions were still closing {Reserve} after the drain's abort; shutdown goes on without them")]
    public static partial void DrainAbortIncomplete(this ILogger logger, int count, TimeSpan reserve);

    [LoggerMessage(EventId = 191, EventName = "WorstCaseMemory", Level = LogLevel.Information,
        Message = "Worst-case memory is {TotalMiB} MiB for {Sessions} sessions: session state {StateMiB} MiB (estimated {FixedBytesPerSession} bytes each), I/O buffers {IoMiB} MiB, outbound queues {OutboundMiB} MiB, history {HistoryMiB} MiB (KestrelTcp:History:MaxTotalBytes), dashboard watch rings {WatchMiB} MiB ({WatchRings} rings), dashboard connections {ViewerMiB} MiB ({Viewers} at most)")]
    public static partial void WorstCaseMemory(this ILogger logger, long totalMiB, long sessions, long stateMiB, long fixedBytesPerSession, long ioMiB, long outboundMiB, long historyMiB, long watchMiB, long watchRings, long viewerMiB, long viewers);

    /// <summary>Logs <paramref name="budget"/> in MiB (rounded up).</summary>
    public static void WorstCaseMemory(this ILogger logger, MemoryBudget budget) => logger.WorstCaseMemory(
        MiB(budget.TotalBytes),
        budget.Sessions,
        MiB(budget.SessionStateBytes),
        MemoryBudget.FixedBytesPerSession,
        MiB(budget.IoBufferBytes),
        MiB(budget.OutboundQueueBytes),
        MiB(budget.HistoryBytes),
        MiB(budget.WatchRingBytes),
        budget.WatchRings,
        MiB(budget.ViewerBytes),
        budget.Viewers);

    private static long MiB(long bytes) => (bytes + (1024 * 1024) - 1) / (1024 * 1024);
}

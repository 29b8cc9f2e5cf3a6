using System.Diagnostics;
using KestrelTcp.Server.Capacity;
using KestrelTcp.Server.Devices.History;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Api;

/// <summary>The <c>/api/server</c> route.</summary>
internal static class ServerApi
{
    public static RouteGroupBuilder MapServerApi(this RouteGroupBuilder api)
    {
        api.MapGet("/server", (SessionRegistry registry, HistoryBudget history, HistoryQueue archive, HistoryWriter archiveWriter, CapacityMonitor capacity) =>
        {
            using var process = Process.GetCurrentProcess();
            return TypedResults.Ok(new ServerInfo(
                typeof(ServerApi).Assembly.GetName().Version?.ToString() ?? "0.0.0",
                new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero),
                registry.Count,
                registry.OpenedTotal,
                Environment.WorkingSet,
                GC.GetTotalMemory(forceFullCollection: false),
                GC.GetGCMemoryInfo().HeapSizeBytes,
                GC.CollectionCount(0),
                GC.CollectionCount(2),
                process.Threads.Count,
                registry.IsDraining,
                history.ReservedBytes,
                history.MaxBytes,
                history.HistoriesRefused,
                archive.Count,
                archiveWriter.Written,
                archive.Dropped + archiveWriter.Failed,
                archiveWriter.UsedBytes,
                capacity.Current()));
        }).WithTags("Server").WithName("GetServer").WithSummary("Process, memory and session figures of this server, and its capacity: descriptors and memory against their bounds, refusals, connect rate, the busiest sessions and each event loop's load.");
        return api;
    }
}

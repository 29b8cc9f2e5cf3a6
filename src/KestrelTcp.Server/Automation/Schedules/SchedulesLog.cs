namespace KestrelTcp.Server.Automation.Schedules;

/// <summary>Log messages of the schedules (event ids 1430-1439).</summary>
internal static partial class SchedulesLog
{
    [LoggerMessage(EventId = 1430, EventName = "SchedulesOpened", Level = LogLevel.Information,
        Message = "Schedules {Path}: {Count} schedules, {Skipped} missed while the server was down (skipped to their next slot)")]
    public static partial void SchedulesOpened(this ILogger logger, string path, int count, int skipped);

    [LoggerMessage(EventId = 1431, EventName = "ScheduleRan", Level = LogLevel.Debug,
        Message = "Schedule {ScheduleId} ran for slot {Slot:o}: {Result}")]
    public static partial void ScheduleRan(this ILogger logger, string scheduleId, DateTimeOffset slot, string result);

    [LoggerMessage(EventId = 1432, EventName = "ScheduleClaimedElsewhere", Level = LogLevel.Debug,
        Message = "Schedule {ScheduleId}: slot {Slot:o} was claimed by another node")]
    public static partial void ScheduleClaimedElsewhere(this ILogger logger, string scheduleId, DateTimeOffset slot);

    [LoggerMessage(EventId = 1433, EventName = "ScheduleFailed", Level = LogLevel.Warning,
        Message = "Schedule {ScheduleId} failed for slot {Slot:o}")]
    public static partial void ScheduleFailed(this ILogger logger, string scheduleId, DateTimeOffset slot, Exception exception);
}
